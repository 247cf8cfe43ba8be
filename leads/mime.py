"""Write the headers we set as plain ASCII on the wire.

Python's email policy (which Django 6.1's mailers use) folds any header word longer than
the line limit into RFC 2047 encoded-words, so a long `List-Unsubscribe` URL went out as
`=?utf-8?q?=3Chttps=3A//...?=`. RFC 2369 and RFC 8058 forbid that, and Gmail reads the raw
header, so it would not offer one-click unsubscribe. Here every extra header except the
address headers is written as it is: folded only at spaces (at 78 characters where a
space allows it), never encoded. A word longer than a line stays whole (RFC 5322 allows
lines up to 998 characters).

The SMTP backend and django-anymail (Amazon SES sends raw MIME) both call
`EmailMessage.message()`, so overriding it covers both.

A message may carry an iCalendar invitation (a booked call's). It goes the way calendar
programs send one, and the way Gmail and Outlook both recognise to show their "add to
calendar" card: a `text/calendar; method=...` part beside the plain text and HTML in the
multipart/alternative, and the same text attached as `invite.ics` (application/ics) for
mail programs that only offer attachments to open.
"""

import email.policy
import re
from email.headerregistry import BaseHeader, HeaderRegistry, UnstructuredHeader
from email.policy import EmailPolicy, Policy
from typing import Any

from django.core.mail import EmailMultiAlternatives

# Address headers may need encoded-words for a non-ASCII display name (RFC 2047 allows
# them there), and Python folds them at commas; Date has its own format.
_PARSED_HEADERS = {"from", "to", "cc", "reply-to", "sender", "subject", "date"}
MAX_LINE = 78
MAX_HARD_LINE = 998
_ITIP_METHOD = re.compile(r"^METHOD:([A-Z-]+)\r?$", re.MULTILINE)


class PlainHeader(UnstructuredHeader, BaseHeader):
    """An unstructured header kept exactly as given and folded only at spaces."""

    @classmethod
    def parse(cls, value: str, kwds: dict[str, Any]) -> None:
        super().parse(value, kwds)
        kwds["decoded"] = " ".join(str(value).split())  # no decoding of "=?...?=" input

    def fold(self, *, policy: Policy) -> str:
        value = str(self)
        if not value.isascii():  # never for the headers we set; Python's folding is safe
            return super().fold(policy=policy)
        return fold_plain(self.name, value, linesep=policy.linesep)


def fold_plain(name: str, value: str, *, linesep: str = "\r\n") -> str:
    """`Name: value` folded at spaces to MAX_LINE where possible, ending in linesep."""
    lines = [f"{name}:"]
    for index, word in enumerate(value.split()):
        if index == 0 or len(lines[-1]) + 1 + len(word) <= MAX_LINE:
            lines[-1] += f" {word}"
        else:
            lines.append(f" {word}")
    if any(len(line) > MAX_HARD_LINE for line in lines):
        raise ValueError(f"Header {name} has a word longer than {MAX_HARD_LINE} characters")
    return linesep.join(lines) + linesep


def _plain_policy(policy: Policy | None, names: list[str]) -> Policy:
    policy = email.policy.default if policy is None else policy
    if not isinstance(policy, EmailPolicy):  # compat32 has no header registry to extend
        return policy
    registry = HeaderRegistry()
    for name in names:
        if name.lower() not in _PARSED_HEADERS:
            registry.map_to_type(name.lower(), PlainHeader)
    return policy.clone(header_factory=registry)


def itip_method(calendar: str) -> str:
    """The METHOD of an iCalendar text (REQUEST, CANCEL), which its MIME type must repeat."""
    found = _ITIP_METHOD.search(calendar)
    if found is None:
        raise ValueError("An invitation's iCalendar text needs a METHOD line")
    return found.group(1)


class OutboxMessage(EmailMultiAlternatives):
    """An email whose extra headers (List-Unsubscribe, List-Id, ...) go out unencoded, with
    an iCalendar invitation when `calendar` is given."""

    def __init__(self, *args: Any, calendar: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calendar = calendar

    def message(self, *, policy: Policy | None = email.policy.default) -> Any:
        msg = super().message(policy=_plain_policy(policy, list(self.extra_headers)))
        if self.calendar:
            _calendar_add(msg, self.calendar)
        return msg


def _calendar_add(msg: Any, calendar: str) -> None:
    """The calendar as a part of the multipart/alternative (the text and HTML bodies), and
    as an invite.ics attachment beside it."""
    bodies = next(p for p in msg.walk() if p.get_content_type() == "multipart/alternative")
    params = {"method": itip_method(calendar)}
    bodies.add_alternative(calendar, subtype="calendar", charset="utf-8", params=params)
    msg.add_attachment(
        calendar.encode(), maintype="application", subtype="ics", filename="invite.ics"
    )
