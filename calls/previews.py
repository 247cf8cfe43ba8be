"""Sample call-request emails for the staff preview page (registered in leads.hooks).

Built with the same context function the real emails use; nothing here is saved.
"""

from datetime import timedelta

from django.utils import timezone

from leads.models import Lead
from leads.previews import EmailSample

from .models import CallRequest
from .services import call_staff_context


def _sample_call(lead: Lead) -> CallRequest:
    now = timezone.now()
    return CallRequest(
        pk=0,  # the admin link it makes points at no real request
        lead=lead,
        time_zone="America/New_York",
        first_choice=now + timedelta(days=1),
        second_choice=now + timedelta(days=2),
        phone="+13035550123",
        message="Mornings are best. I'd like to hear about project roles in Colorado.",
        routed_by="In turn (round robin)",
        due_at=now + timedelta(hours=2),
    )


def email_samples(*, lead: Lead) -> list[EmailSample]:
    call = _sample_call(lead)
    return [
        EmailSample(
            name="call_request_notice",
            label="Call request (to the recruiter)",
            description="Sent at once to the recruiter a visitor's call request is routed to "
            "(or to the team when nobody is available), and again if the visitor changes it.",
            context=call_staff_context(call),
            to_team=True,
        ),
        EmailSample(
            name="call_request_overdue",
            label="Overdue call request (to the team)",
            description="Sent once to the recruiting team when a call request is still open "
            "after its deadline.",
            context=call_staff_context(call),
            to_team=True,
        ),
    ]
