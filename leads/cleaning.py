"""Clean what visitors type before it is stored, so it can never break an email header."""

import ipaddress
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

# Cc: control characters (newlines, tabs, NUL, escape); Zl/Zp: Unicode line breaks.
_DROPPED_CATEGORIES = {"Cc", "Zl", "Zp"}
# Cf: invisible format characters such as bidi overrides, which can make a subject line
# read backwards; Cs/Co/Cn: surrogates, private use, unassigned.
_INVISIBLE_CATEGORIES = {"Cf", "Cs", "Co", "Cn"}
_JOINERS = {"\u200c", "\u200d"}  # format characters that some scripts need in names


def clean_line(value: object, *, max_length: int | None) -> str:
    """One line of text: line breaks and controls become spaces, invisible characters go.

    Cut to max_length characters; None (a column without a limit) keeps it whole.
    """
    kept = []
    for char in "" if value is None else str(value):
        category = unicodedata.category(char)
        if category in _DROPPED_CATEGORIES:
            kept.append(" ")
        elif char in _JOINERS or category not in _INVISIBLE_CATEGORIES:
            kept.append(char)
    return " ".join("".join(kept).split())[:max_length].strip()


def normalise_email(value: object) -> str:
    """Trimmed, lower-case and valid, or a ValidationError.

    Lower-casing the local part is not strictly allowed by RFC 5321, but every mailbox
    provider our visitors use treats it as case-insensitive, and one lead per person matters more.
    """
    email = ("" if value is None else str(value)).strip().lower()
    too_long = len(email) > 254  # RFC 5321's limit, and the column's
    if too_long or any(unicodedata.category(char) in _DROPPED_CATEGORIES for char in email):
        raise ValidationError("Enter a valid email address.", code="invalid")
    validate_email(email)
    return email


def clean_ip(value: object) -> str | None:
    """A valid IPv4/IPv6 address or None: a junk X-Forwarded-For must not break the save."""
    try:
        return str(ipaddress.ip_address(str(value).strip())) if value else None
    except ValueError:
        return None
