"""Clean what visitors type before it is stored, so it can never break an email header."""

import ipaddress
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

# Cc: control characters (newlines, tabs, NUL, escape); Zl/Zp: Unicode line breaks.
_DROPPED_CATEGORIES = {"Cc", "Zl", "Zp"}


def clean_line(value: object, *, max_length: int) -> str:
    """One line of text: control characters and line breaks become spaces, runs collapse."""
    text = "" if value is None else str(value)
    text = "".join(
        " " if unicodedata.category(char) in _DROPPED_CATEGORIES else char for char in text
    )
    return " ".join(text.split())[:max_length].strip()


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
