"""The signed, expiring whitepaper download link.

The token carries only the submission id, signed with a salt of its own so no other
signed value of the site (unsubscribe, confirm) can be replayed here.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from leads.tokens import signed_id_loads

DOWNLOAD_SALT = "assessment.whitepaper-download"


def download_token(submission_id: int) -> str:
    return signing.dumps(submission_id, salt=DOWNLOAD_SALT)


def submission_id_from_download_token(token: str) -> int:
    """Raises leads.tokens.LinkExpired or LinkTampered."""
    max_age = timedelta(days=settings.WHITEPAPER_LINK_MAX_AGE_DAYS)
    return signed_id_loads(token, salt=DOWNLOAD_SALT, max_age=max_age)


def download_path(*, slug: str, submission_id: int) -> str:
    """For pages: relative, so it works on whatever host served the page."""
    return reverse(
        "assessment:download", kwargs={"slug": slug, "token": download_token(submission_id)}
    )


def download_url(*, slug: str, submission_id: int) -> str:
    """For emails: absolute."""
    return settings.SITE_URL + download_path(slug=slug, submission_id=submission_id)
