"""Signed links in emails: tamper-proof, and tied to one lead."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

UNSUBSCRIBE_SALT = "leads.unsubscribe"
CONFIRM_SALT = "leads.confirm"
# Confirmation links go stale: an old forwarded email should not confirm someone's address.
CONFIRM_MAX_AGE_SECONDS = 30 * 24 * 3600


class BadLink(Exception):
    """The token was tampered with, truncated or (for confirmation) too old."""


class LinkTampered(BadLink):
    """Changed, cut short or signed for something else."""


class LinkExpired(BadLink):
    """Genuine, but older than its link may be."""


def signed_id_loads(token: str, *, salt: str, max_age: timedelta) -> int:
    """The id a link of ours signed under `salt`, telling an expired link from a bad one
    (the visitor is told which). Links of other apps (downloads, call requests) use it."""
    try:
        value = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as exc:  # a BadSignature too: caught first
        raise LinkExpired from exc
    except (signing.BadSignature, TypeError, ValueError) as exc:
        raise LinkTampered from exc
    if not isinstance(value, int) or isinstance(value, bool):
        raise LinkTampered
    return value


def unsubscribe_token(lead_id: int) -> str:
    # No expiry: an unsubscribe link must keep working for as long as the email exists.
    return signing.dumps(lead_id, salt=UNSUBSCRIBE_SALT)


def lead_id_from_unsubscribe_token(token: str) -> int:
    try:
        return int(signing.loads(token, salt=UNSUBSCRIBE_SALT))
    except (signing.BadSignature, TypeError, ValueError) as exc:
        raise BadLink from exc


def confirm_token(lead_id: int) -> str:
    return signing.dumps(lead_id, salt=CONFIRM_SALT)


def lead_id_from_confirm_token(token: str) -> int:
    try:
        return int(signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE_SECONDS))
    except (signing.BadSignature, TypeError, ValueError) as exc:
        raise BadLink from exc


def unsubscribe_url(lead_id: int) -> str:
    """Absolute https link for the email footer and the List-Unsubscribe header."""
    return settings.SITE_URL + reverse("leads:unsubscribe", args=[unsubscribe_token(lead_id)])


def confirm_url(lead_id: int) -> str:
    """Absolute link for the double opt-in email."""
    return settings.SITE_URL + reverse("leads:confirm", args=[confirm_token(lead_id)])
