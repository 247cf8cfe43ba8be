"""Turn the firm's plain-text articles into the HTML the editor produces.

The text format is what the firm sends: a title line, blank-line separated blocks,
bullet lists as lines that start with a bullet, and headings as short lines with no
closing full stop.
"""

from dataclasses import dataclass
from html import escape

BULLETS = ("•", "*", "-", "–")
HEADING_MAX_CHARS = 80


@dataclass(frozen=True)
class SeedArticle:
    title: str
    body_html: str


def _clean(line: str) -> str:
    return " ".join(line.split())


def _is_heading(lines: list[str]) -> bool:
    text = _clean(lines[0])
    return len(lines) == 1 and len(text) <= HEADING_MAX_CHARS and not text.endswith((".", ":"))


def text_to_html(text: str) -> SeedArticle:
    """Split the text into a title and body HTML: headings, lists and paragraphs."""
    blocks: list[list[str]] = [[]]
    for raw in text.replace("\r\n", "\n").split("\n"):
        if raw.strip():
            blocks[-1].append(raw.strip())
        elif blocks[-1]:
            blocks.append([])
    blocks = [block for block in blocks if block]
    if not blocks:
        raise ValueError("The article text is empty.")
    title_block, *body_blocks = blocks
    parts = []
    for block in body_blocks:
        if all(line.startswith(BULLETS) for line in block):
            items = "".join(f"<li><p>{escape(_clean(line[1:]))}</p></li>" for line in block)
            parts.append(f"<ul>{items}</ul>")
        elif _is_heading(block):
            parts.append(f"<h2>{escape(_clean(block[0]))}</h2>")
        else:
            parts.append(f"<p>{escape(_clean(' '.join(block)))}</p>")
    return SeedArticle(title=_clean(" ".join(title_block)), body_html="".join(parts))
