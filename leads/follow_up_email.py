"""What a follow-up email shows besides the staff's text: its blocks, its action, who signs it.

Staff write the body as plain text (the text part is exactly that). For the HTML part a
run of "- " lines becomes a real bulleted list and a run of "1. " lines a numbered one, so
screen readers announce "list, 4 items" and clients indent them, instead of lines that only
look like a list.
"""

import re
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import quote

from django.conf import settings

from .models import FollowUpStep, Lead

BULLET = re.compile(r"^\s*[-*\u2022]\s+(?P<text>\S.*)$")
NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(?P<text>\S.*)$")

BlockKind = Literal["p", "ul", "ol"]


@dataclass
class Block:
    """A paragraph (its lines) or a list (its items)."""

    kind: BlockKind
    lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Signature:
    name: str
    role: str


def body_blocks(body: str) -> list[Block]:
    """Split plain text into paragraphs and lists.

    A blank line ends a paragraph. Consecutive lines with the same list marker form one
    list; a line without a marker right after an item continues that item (text that
    wrapped), and anything else is paragraph text.
    """
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", body.replace("\r\n", "\n").strip()):
        current: Block | None = None
        for line in chunk.split("\n"):
            kind, text = _line_kind(line)
            if kind == "p" and current is not None and current.kind != "p":
                current.lines[-1] += " " + text  # a wrapped list item
                continue
            if current is None or current.kind != kind:
                current = Block(kind)
                blocks.append(current)
            current.lines.append(text)
    return [block for block in blocks if any(block.lines)]


def _line_kind(line: str) -> tuple[BlockKind, str]:
    if bullet := BULLET.match(line):
        return "ul", bullet["text"].strip()
    if numbered := NUMBERED.match(line):
        return "ol", numbered["text"].strip()
    return "p", line.strip()


def owner_name(lead: Lead) -> str:
    """The owner recruiter's full name; empty without an owner or a name to sign with."""
    owner = lead.owner
    return owner.get_full_name().strip() if owner is not None else ""


def reply_address(lead: Lead) -> str:
    """Where "yes, let's talk" goes: the lead's recruiter, else the team."""
    owner = lead.owner
    return (getattr(owner, "email", "") if owner is not None else "") or (
        settings.RECRUITING_TEAM_EMAIL
    )


def signature(lead: Lead) -> Signature:
    """A person signs when the lead has a recruiter with a name; else the team does."""
    name = owner_name(lead)
    if name:
        return Signature(name, f"{settings.EMAIL_SIGNATURE_RECRUITER_ROLE}, {settings.FIRM_NAME}")
    return Signature(settings.EMAIL_SIGNATURE_TEAM_NAME, settings.EMAIL_SIGNATURE_TEAM_ROLE)


def preheader(body: str, *, limit: int = 110) -> str:
    """The first words of the body, for the inbox's preview line."""
    text = " ".join(body.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"


def follow_up_context(*, step: FollowUpStep, lead: Lead) -> dict[str, object]:
    """What templates/emails/follow_up.* read; the email previews build theirs here too."""
    sign = signature(lead)
    reply_to = reply_address(lead)
    first = owner_name(lead).split(" ")[0]
    return {
        "step": step,
        "blocks": body_blocks(step.body),
        "preheader": preheader(step.body),
        "signature": sign,
        "reply_url": f"mailto:{reply_to}?subject={quote('Re: ' + step.subject)}",
        "reply_label": f"Reply to {first}" if first else "Reply to our recruiters",
        "reply_address": reply_to,
    }
