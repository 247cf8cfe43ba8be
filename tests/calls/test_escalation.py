"""Beat tells the team, once, about each open request nobody called back in time."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from calls.models import CallRequest
from calls.services import call_request_submit, call_requests_escalate
from calls.tasks import escalate_overdue_calls
from leads.models import OutboundEmail
from tests.leads.factories import make_lead

from .factories import a_choice, make_recruiter

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(db):
    make_recruiter("rita")
    return call_request_submit(lead=make_lead(first_name="Ana"), choice=a_choice())


def _overdue(call, minutes=1):
    CallRequest.objects.filter(pk=call.pk).update(
        due_at=timezone.now() - timedelta(minutes=minutes)
    )


def test_an_overdue_request_is_escalated_to_the_team_once(
    call, settings, django_capture_on_commit_callbacks
):
    settings.RECRUITING_TEAM_EMAIL = "recruiting@firm.example"
    _overdue(call)
    with django_capture_on_commit_callbacks(execute=True):
        assert escalate_overdue_calls.delay().get() == 1
        assert call_requests_escalate() == 0  # the next beat: nothing new
    [email] = [m for m in mail.outbox if m.to == ["recruiting@firm.example"]]
    assert email.subject.startswith("Overdue call request: Ana")
    assert "Assigned to: rita" in email.body
    call.refresh_from_db()
    assert call.escalated_at is not None
    assert OutboundEmail.objects.filter(dedupe_key=f"call-{call.pk}-overdue").count() == 1


def test_requests_not_yet_due_or_already_handled_are_left_alone(call):
    assert call_requests_escalate() == 0  # due in two business hours
    _overdue(call)
    CallRequest.objects.filter(pk=call.pk).update(status=CallRequest.Status.SCHEDULED)
    assert call_requests_escalate() == 0
    assert not OutboundEmail.objects.filter(dedupe_key__endswith="-overdue").exists()


def test_the_admin_list_marks_it_overdue_and_filters_it(call, admin_client):
    _overdue(call)
    html = admin_client.get("/admin/calls/callrequest/?work=overdue").content.decode()
    assert "(overdue)" in html and "Ana" in html
    CallRequest.objects.filter(pk=call.pk).update(status=CallRequest.Status.DONE)
    html = admin_client.get("/admin/calls/callrequest/?work=overdue").content.decode()
    assert "Ana" not in html
