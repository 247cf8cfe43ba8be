"""Test data for leads and the outbox."""

from itertools import count

from django.utils import timezone

from leads.models import Lead, OutboundEmail
from leads.services import email_enqueue

_sequence = count(1)


def make_lead(**fields) -> Lead:
    n = next(_sequence)
    defaults = {"email": f"person{n}@example.com", "first_name": f"Person{n}"}
    return Lead.objects.create(**(defaults | fields))


def make_reachable_lead(**fields) -> Lead:
    """Consented and confirmed: follow-ups may go to this one."""
    now = timezone.now()
    defaults = {"consented": True, "consent_at": now, "confirmed_at": now}
    return make_lead(**(defaults | fields))


def enqueue(lead: Lead, **fields) -> OutboundEmail:
    defaults = {
        "kind": OutboundEmail.Kind.RESULT,
        "dedupe_key": "result",
        "subject": "Your result",
        "html_body": "<p>Hello</p>",
        "text_body": "Hello",
    }
    return email_enqueue(lead=lead, **(defaults | fields))


def make_step(**fields):
    from leads.models import FollowUpStep

    defaults = {"order": 1, "delay_days": 3, "subject": "A first tip", "body": "Tip one."}
    return FollowUpStep.objects.create(**(defaults | fields))
