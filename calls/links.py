"""The signed, expiring per-lead link to the call-request page (result page and emails),
and the booked call's confirm, reschedule and cancel links.

The token carries only the lead's id, under a salt of its own, so no other signed value
of the site (unsubscribe, confirm, download) can be replayed here.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

from leads.models import Lead
from leads.tokens import LinkExpired, LinkTampered, signed_id_loads

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


# The booked call's links in the invitation: one salt per action, so a confirm link can't be
# turned into a cancel link. Each carries the call's id and the invitation's sequence.
INVITE_SALTS = {
    "confirm": "calls.invite.confirm",
    "reschedule": "calls.invite.reschedule",
    "cancel": "calls.invite.cancel",
}


@dataclass(frozen=True)
class InviteLink:
    call_id: int
    sequence: int


def invite_token(action: str, *, call_id: int, sequence: int) -> str:
    return signing.dumps([call_id, sequence], salt=INVITE_SALTS[action])


def invite_link_loads(action: str, token: str) -> InviteLink:
    """Raises leads.tokens.LinkExpired or LinkTampered."""
    max_age = timedelta(days=settings.CALL_INVITE_LINK_MAX_AGE_DAYS)
    try:
        value = signing.loads(token, salt=INVITE_SALTS[action], max_age=max_age)
    except signing.SignatureExpired as exc:  # a BadSignature too: caught first
        raise LinkExpired from exc
    except (signing.BadSignature, TypeError, ValueError) as exc:
        raise LinkTampered from exc
    match value:
        case [int(call_id), int(sequence)] if not isinstance(call_id, bool) and sequence >= 0:
            return InviteLink(call_id, sequence)
    raise LinkTampered


def invite_url(action: str, *, call_id: int, sequence: int) -> str:
    """For the invitation email: absolute."""
    token = invite_token(action, call_id=call_id, sequence=sequence)
    return settings.SITE_URL + reverse(f"calls:invite-{action}", kwargs={"token": token})
