"""The README stays a short front door, and the docs it points to hold together: every file
linked, every link and anchor found, and no module path or setting that no longer exists."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
README_MAX_LINES = 200

# Names from before devtools/, operations/ and leads/hooks.py: none may come back.
MOVED_MODULES = [
    "bench",
    "bench_submit",
    "bench_insights",
    "loadtest",
    "loadtest_visitors",
    "prod_shape",
    "prod_journey",
    "postgres_server",
    "redis_server",
    "smtp_sink",
    "synthetic_events",
    "staff_groups",
    "sqlite_backup",
    "flower",
    "content_transfer",
    "content_format",
]
STALE_NAMES = [
    *(f"site_project{sep}{module}" for module in MOVED_MODULES for sep in "./"),
    "insights.synthetic",
    "insights/synthetic.py",
    "LEADS_SEGMENT_CHOICES",
    "LEADS_PERSONAL_DATA_EXPORTERS",
    "LEADS_PERSONAL_DATA_ERASERS",
    "LEADS_LEAD_ADMIN_INLINES",
    "LEADS_EMAIL_PREVIEW_SAMPLES",
]

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6} (.+?)\s*$")


def markdown_files() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


def prose_lines(path: Path) -> list[str]:
    """The file's lines outside fenced code blocks."""
    lines, fenced = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines


def links(path: Path) -> list[str]:
    """Link targets, leaving out anything inside inline code."""
    return [
        target
        for line in prose_lines(path)
        for target in LINK.findall(re.sub(r"`[^`]*`", "", line))
    ]


def anchors(path: Path) -> set[str]:
    """GitHub's anchors for the file's headings: lower case, punctuation dropped, spaces to
    hyphens, and a repeated one numbered."""
    seen: dict[str, int] = {}
    for line in prose_lines(path):
        heading = HEADING.match(line)
        if not heading:
            continue
        slug = re.sub(r"[^\w\- ]", "", heading.group(1).replace("`", "").lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        if count:
            seen[f"{slug}-{count}"] = 1
    return set(seen)


def test_the_readme_is_short():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines"


def test_the_readme_links_every_doc_and_every_linked_doc_exists():
    linked = {
        (ROOT / target.split("#")[0]).resolve()
        for target in links(README)
        if target.startswith("docs/") and target.split("#")[0].endswith(".md")
    }
    missing = sorted(str(path.relative_to(ROOT)) for path in linked if not path.is_file())
    assert not missing, f"README links to docs that don't exist: {missing}"
    unlinked = sorted(path.name for path in DOCS.glob("*.md") if path.resolve() not in linked)
    assert not unlinked, f"docs the README's table doesn't link: {unlinked}"


@pytest.mark.parametrize("path", markdown_files(), ids=lambda path: path.name)
def test_every_relative_link_and_anchor_is_found(path):
    broken = []
    for target in links(path):
        if re.match(r"[a-z]+:", target):
            continue  # https:, mailto:
        name, _, anchor = target.partition("#")
        linked = (path.parent / name).resolve() if name else path
        if not linked.exists():
            broken.append(f"{target}: no such file")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            broken.append(f"{target}: no such heading")
    assert not broken, broken


@pytest.mark.parametrize("path", markdown_files(), ids=lambda path: path.name)
def test_no_stale_module_path_or_setting(path):
    text = path.read_text(encoding="utf-8")
    stale = [name for name in STALE_NAMES if re.search(rf"{re.escape(name)}\b", text)]
    assert not stale, stale
