"""Reading the project's Markdown docs by heading, for tests that run or check what they say."""

import re
from pathlib import Path

from django.conf import settings

DOCS = Path(settings.BASE_DIR) / "docs"
HEADING = re.compile(r"^(#{1,6}) (.+?)\s*$")


def section(path: Path, title: str) -> str:
    """The text under the heading `title` in `path`, down to the next heading of the same or
    a higher level. Lines inside fenced code blocks are never taken for headings."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    found, level, fenced = [], 0, False
    for line in lines:
        if line.startswith("```"):
            fenced = not fenced
        heading = None if fenced else HEADING.match(line)
        if level:
            if heading and len(heading.group(1)) <= level:
                break
            found.append(line)
        elif heading and heading.group(2) == title:
            level = len(heading.group(1))
    assert level, f"no heading {title!r} in {path.name}"
    return "".join(found)
