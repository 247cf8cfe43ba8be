"""The signed, expiring download links: the whitepaper, and the personal report.

Each token carries only the submission id, signed with a salt of its own so no other
signed value of the site (unsubscribe, confirm, the other download) can be replayed here.
Both expire after WHITEPAPER_LINK_MAX_AGE_DAYS: one rule for everything behind the gate.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from leads.tokens import signed_id_loads

DOWNLOAD_SALT = "assessment.whitepaper-download"
REPORT_SALT = "assessment.report-download"


def download_token(submission_id: int) -> str:
    return signing.dumps(submission_id, salt=DOWNLOAD_SALT)


def report_token(submission_id: int) -> str:
    return signing.dumps(submission_id, salt=REPORT_SALT)


def submission_id_from_download_token(token: str) -> int:
    """Raises leads.tokens.LinkExpired or LinkTampered."""
    return _submission_id(token, salt=DOWNLOAD_SALT)


def submission_id_from_report_token(token: str) -> int:
    """Raises leads.tokens.LinkExpired or LinkTampered."""
    return _submission_id(token, salt=REPORT_SALT)


def _submission_id(token: str, *, salt: str) -> int:
    max_age = timedelta(days=settings.WHITEPAPER_LINK_MAX_AGE_DAYS)
    return signed_id_loads(token, salt=salt, max_age=max_age)


def download_path(*, slug: str, submission_id: int) -> str:
    """For pages: relative, so it works on whatever host served the page."""
    return reverse(
        "assessment:download", kwargs={"slug": slug, "token": download_token(submission_id)}
    )


def download_url(*, slug: str, submission_id: int) -> str:
    """For emails: absolute."""
    return settings.SITE_URL + download_path(slug=slug, submission_id=submission_id)


def report_path(*, slug: str, submission_id: int) -> str:
    """The personal report, for pages: relative."""
    return reverse("assessment:report", kwargs={"slug": slug, "token": report_token(submission_id)})


def report_url(*, slug: str, submission_id: int) -> str:
    """The personal report, for emails: absolute."""
    return settings.SITE_URL + report_path(slug=slug, submission_id=submission_id)
