"""Sample call-request emails for the staff preview page (registered in leads.hooks).

Built with the same context function the real emails use; nothing here is saved.
"""

from datetime import timedelta

from django.utils import timezone

from leads.models import Lead
from leads.previews import EmailSample

from .models import Call, CallRequest
from .services import call_staff_context, call_visitor_context


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


def _sample_booked(call: CallRequest) -> Call:
    start = (timezone.now() + timedelta(days=2)).replace(minute=30, second=0, microsecond=0)
    return Call(pk=0, request=call, uid="call-sample@example.com", starts_at=start, minutes=30)


def email_samples(*, lead: Lead) -> list[EmailSample]:
    call = _sample_call(lead)
    booked = _sample_booked(call)
    visitor = call_visitor_context(booked)
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
        EmailSample(
            name="call_invitation",
            label="Call invitation (to the visitor)",
            description="Sent when a recruiter books the call in the admin, and again when "
            "the time changes; it carries the calendar invitation (invite.ics).",
            context=visitor,
        ),
        EmailSample(
            name="call_reminder",
            label="Call reminder (to the visitor)",
            description="Sent 24 hours and 1 hour before a booked call.",
            context=visitor | {"hours_before": 24},
        ),
        EmailSample(
            name="call_cancelled",
            label="Call cancelled (to the visitor)",
            description="Sent when the call is cancelled, by staff or by the visitor; it "
            "removes the call from their calendar.",
            context=visitor | {"by_visitor": False},
        ),
        EmailSample(
            name="call_visitor_answer",
            label="Visitor confirmed or cancelled (to the recruiter)",
            description="Sent to the recruiter when the visitor confirms or cancels the call.",
            context=call_staff_context(call) | {"booked": booked, "what": "confirmed"},
            to_team=True,
        ),
        EmailSample(
            name="call_recruiter_reminder",
            label="Call reminder (to the recruiter)",
            description="Sent to the recruiter an hour before a booked call.",
            context=call_staff_context(call) | {"booked": booked},
            to_team=True,
        ),
    ]
