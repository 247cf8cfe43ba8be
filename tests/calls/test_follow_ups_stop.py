"""Follow-up emails stop for a lead whose call with a recruiter is booked: the recruiter
talks to them now, and a marketing email in between would read as if nobody listened."""

import pytest
from django.core import mail

from calls.models import CallRequest
from calls.services import call_request_submit
from leads.models import OutboundEmail
from leads.services import follow_ups_schedule
from tests.leads.factories import make_reachable_lead, make_step
from tests.leads.test_follow_ups import _send_due

from .factories import a_choice, make_recruiter

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(db):
    make_recruiter("rita")
    make_step(order=1, delay_days=2, subject="A first tip")
    make_step(order=2, delay_days=7, subject="A second tip")
    lead = make_reachable_lead(first_name="Ana", email="ana@example.com")
    follow_ups_schedule(lead=lead)
    return lead


def _follow_ups_sent() -> list[str]:
    return [m.subject for m in mail.outbox if m.to == ["ana@example.com"]]


def test_a_booked_call_stops_the_follow_ups_waiting(lead, settings):
    call = call_request_submit(lead=lead, choice=a_choice())
    CallRequest.objects.filter(pk=call.pk).update(status=CallRequest.Status.SCHEDULED)
    _send_due(settings)
    assert _follow_ups_sent() == []
    rows = OutboundEmail.objects.filter(kind=OutboundEmail.Kind.FOLLOW_UP)
    assert {row.status for row in rows} == {OutboundEmail.Status.CANCELLED}
    assert all("a call with a recruiter is booked" in row.last_error for row in rows)


def test_an_open_request_alone_does_not_stop_them(lead, settings):
    call_request_submit(lead=lead, choice=a_choice())  # asked, not booked yet
    _send_due(settings)
    assert sorted(_follow_ups_sent()) == ["A first tip", "A second tip"]
