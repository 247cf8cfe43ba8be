"""Read headers as they were on the wire: raw lines, not a parsed message.

A parsed header decodes RFC 2047 encoded-words and unfolds lines, which is exactly what
hid the `=?utf-8?q?=3Chttps...` List-Unsubscribe from the older tests.
"""

import re

_NAME = re.compile(rb"^([!-9;-~]+):")


def raw_headers(raw: bytes) -> dict[str, list[str]]:
    """Header name (lower case) -> its physical lines, as sent (continuations included)."""
    head = raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    fields: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in head.split(b"\n"):
        text = line.decode("ascii")  # a header block must be ASCII; this raises otherwise
        if line[:1] in (b" ", b"\t") and current is not None:
            current.append(text)
            continue
        match = _NAME.match(line)
        assert match, f"not a header line: {text!r}"
        current = [text]
        fields.setdefault(match.group(1).decode().lower(), []).extend(current)
        current = fields[match.group(1).decode().lower()]
    return fields


def assert_plain(lines: list[str]) -> None:
    """No encoded-words, and every line within 78 characters unless it is one long word."""
    for line in lines:
        assert "=?" not in line, f"encoded-word on the wire: {line!r}"
        if len(line) > 78:
            # Only a line that can't be folded may be longer: one word after the name.
            assert len(line.split(": ", 1)[-1].strip().split()) == 1, line
            assert len(line) <= 998


def smtp_prep_address(address: str) -> str:
    """Django's SMTP backend's own check of an address before it sends (no connection)."""
    from django.core.mail import mailers
    from django.test import override_settings

    smtp = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": 25},
    }
    with override_settings(MAILERS={"default": smtp}):
        return mailers["default"].prep_address(address)
