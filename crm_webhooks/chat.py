"""Chat notices: the body a Slack or Microsoft Teams incoming webhook shows in a channel.

A chat channel is read by the whole team and kept by a third party, so the app that makes
the event chooses every word (ChatNotice): a first name, a result, a deadline and a link to
the admin, never an email address, phone number or message. Delivery is the same outbox as
the CRM's; only the body changes, and it is not signed (neither service checks a signature;
the webhook URL itself is the secret).
"""

import re
from dataclasses import dataclass
from typing import Any

from django.db import models

from .events import Event


class Format(models.TextChoices):
    STANDARD = "standard", "Standard Webhooks JSON, signed (a CRM, an ATS, Zapier)"
    SLACK = "slack", "Slack message (incoming webhook)"
    TEAMS = "teams", "Microsoft Teams message (Workflows or incoming webhook)"


CHAT_FORMATS = frozenset({Format.SLACK.value, Format.TEAMS.value})

# The events that come with a chat notice; a chat endpoint may subscribe to these only.
CHAT_EVENTS = frozenset({Event.CALL_REQUESTED.value})


@dataclass(frozen=True)
class ChatNotice:
    """What the message says: a title, a few labelled facts, and one link."""

    title: str
    facts: tuple[tuple[str, str], ...]
    link_text: str
    link_url: str


# Angle brackets and square brackets are what Slack's <url|text> and markdown's [text](url)
# need: without them a visitor's name can't turn into a link or a ping (<!channel>).
_BRACKETS = re.compile(r"[<>\[\]]")
# A line break would let a name forge a line of its own.
_SPACE = re.compile(r"\s+")


def plain(text: str, max_length: int = 200) -> str:
    """Text from a visitor made inert in a chat message."""
    return _SPACE.sub(" ", _BRACKETS.sub("", str(text))).strip()[:max_length]


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def chat_body(notice: ChatNotice, *, chat_format: str) -> dict[str, Any]:
    """The JSON the chat service expects."""
    if chat_format == Format.SLACK:
        return slack_body(notice)
    if chat_format == Format.TEAMS:
        return teams_body(notice)
    raise ValueError(f"Not a chat format: {chat_format!r}")


def slack_body(notice: ChatNotice) -> dict[str, Any]:
    """Slack's {"text": ...} in mrkdwn: a bold title, one fact a line, then the link."""
    lines = [f"*{_slack_escape(plain(notice.title))}*"]
    lines += [f"{_slack_escape(plain(k))}: {_slack_escape(plain(v))}" for k, v in notice.facts]
    lines.append(f"<{notice.link_url}|{_slack_escape(plain(notice.link_text))}>")
    return {"text": "\n".join(lines)}


def teams_body(notice: ChatNotice) -> dict[str, Any]:
    """An Adaptive Card in a message, which both Teams Workflows webhooks (the successor of
    the retired Office 365 connectors) and the older incoming webhooks accept."""
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {
                "type": "TextBlock",
                "text": plain(notice.title),
                "weight": "Bolder",
                "size": "Medium",
                "wrap": True,
            },
            {
                "type": "FactSet",
                "facts": [{"title": plain(k), "value": plain(v)} for k, v in notice.facts],
            },
        ],
        "actions": [
            {"type": "Action.OpenUrl", "title": plain(notice.link_text), "url": notice.link_url}
        ],
    }
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }
