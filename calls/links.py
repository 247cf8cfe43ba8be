"""The signed, expiring per-lead link to the call-request page (result page and emails).

The token carries only the lead's id, under a salt of its own, so no other signed value
of the site (unsubscribe, confirm, download) can be replayed here.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

from leads.models import Lead
from leads.tokens import signed_id_loads

CALL_SALT = "calls.request"


def call_token(lead_id: int) -> str:
    return signing.dumps(lead_id, salt=CALL_SALT)


def lead_id_from_call_token(token: str) -> int:
    """Raises leads.tokens.LinkExpired or LinkTampered."""
    return signed_id_loads(
        token, salt=CALL_SALT, max_age=timedelta(days=settings.CALL_LINK_MAX_AGE_DAYS)
    )


def call_request_path(lead_id: int) -> str:
    """For pages: relative, so it works on whatever host served the page."""
    return reverse("calls:request", kwargs={"token": call_token(lead_id)})


def call_request_url(lead_id: int) -> str:
    """For emails: absolute."""
    return settings.SITE_URL + call_request_path(lead_id)


def call_email_context(*, lead: Lead) -> dict[str, Any]:
    """Registered with leads.hooks.EMAIL_CONTEXT: the result email and follow-ups link here."""
    if lead.pk is None or lead.erased_at is not None:
        return {}
    return {"call_request_url": call_request_url(lead.pk)}
