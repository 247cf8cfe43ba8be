"""The invitation's confirm, reschedule and cancel links: opening one changes nothing (mail
scanners open every link), a button does; a tampered, expired or stale link gets a plain
page that says so, never an error."""

import re
import time

import pytest
from django.core import mail, signing
from django.test import Client

from calls.links import INVITE_SALTS, invite_token
from calls.models import Call, CallRequest
from calls.services import CallPlan, call_book, call_request_submit
from leads.models import OutboundEmail
from leads.services import follow_ups_schedule, lead_erase
from tests.leads.factories import make_lead, make_reachable_lead, make_step

from .factories import a_choice, firm_time, form_data, local_time, make_recruiter
from .invites import invitation_from_bytes

pytestmark = pytest.mark.django_db

ACTIONS = ("confirm", "reschedule", "cancel")


@pytest.fixture
def call(db):
    rita = make_recruiter("rita", first_name="Rita")
    lead = make_lead(first_name="Ana", email="ana@example.com")
    request = call_request_submit(lead=lead, choice=a_choice())
    CallRequest.objects.filter(pk=request.pk).update(assigned_to=rita)
    request.refresh_from_db()
    return call_book(request=request, plan=CallPlan(starts_at=firm_time(days=3, hour=9)))


def _path(action: str, call: Call, sequence: int | None = None) -> str:
    seq = call.sequence if sequence is None else sequence
    return f"/call/invite/{invite_token(action, call_id=call.pk, sequence=seq)}/{action}/"


def _sent_to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


def test_the_invitations_links_lead_to_their_pages(call, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_book(request=call.request, plan=CallPlan(starts_at=firm_time(days=4, hour=9)))
    [message] = _sent_to("ana@example.com")
    text = message.body
    for action in ACTIONS:
        path = re.search(rf"https://careers\.example\.com(/call/invite/[^/\s]+/{action}/)", text)[1]
        assert Client().get(path).status_code == 200


def test_opening_the_cancel_link_asks_and_only_the_button_cancels(
    client, call, django_capture_on_commit_callbacks
):
    path = _path("cancel", call)
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Cancel your call, Ana?" in html and 'method="post"' in html
    assert "csrfmiddlewaretoken" in html
    client.head(path)
    call.refresh_from_db()
    assert call.status == Call.Status.PROPOSED  # a GET (a mail scanner) changed nothing

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(path)
    assert done.status_code == 200 and "Your call is cancelled" in done.content.decode()
    call.refresh_from_db()
    assert call.status == Call.Status.CANCELLED
    assert CallRequest.objects.get().status == CallRequest.Status.CANCELLED
    [cancellation] = [
        invitation_from_bytes(m.message().as_bytes()) for m in _sent_to("ana@example.com")
    ]
    assert cancellation.calendar["METHOD"] == "CANCEL"
    assert "As you asked, we cancelled" in cancellation.message.get_body(("plain",)).get_content()
    [notice] = _sent_to("rita@firm.example")
    assert notice.subject.startswith("Ana cancelled the call")
    assert not OutboundEmail.objects.filter(
        kind=OutboundEmail.Kind.CALL_REMINDER, status=OutboundEmail.Status.QUEUED
    ).exists()
    # Pressing it again (a reload) sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(path).status_code == 200
    assert len(_sent_to("ana@example.com")) == 1


def test_the_cancel_button_needs_its_csrf_token(call):
    response = Client(enforce_csrf_checks=True).post(_path("cancel", call))
    assert response.status_code == 403
    call.refresh_from_db()
    assert call.status == Call.Status.PROPOSED


def test_confirming_takes_a_button_and_tells_the_recruiter(
    client, call, django_capture_on_commit_callbacks
):
    path = _path("confirm", call)
    assert "Yes, confirm the call" in client.get(path).content.decode()
    call.refresh_from_db()
    assert call.status == Call.Status.PROPOSED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path)
    assert "your call is confirmed" in response.content.decode()
    call.refresh_from_db()
    assert call.status == Call.Status.CONFIRMED and call.confirmed_at
    [notice] = _sent_to("rita@firm.example")
    assert notice.subject.startswith("Ana confirmed the call")
    assert "your call is confirmed" in client.get(path).content.decode()  # and after


def test_an_older_invitations_confirm_link_does_not_confirm_the_new_time(client, call):
    old = _path("confirm", call)
    call_book(request=call.request, plan=CallPlan(starts_at=firm_time(days=5, hour=9)))
    response = client.post(old)
    assert response.status_code == 200
    assert "This invitation has changed" in response.content.decode()
    call.refresh_from_db()
    assert call.status == Call.Status.PROPOSED and call.sequence == 1


def test_asking_for_another_time_reopens_the_request_and_tells_the_recruiter(
    client, call, django_capture_on_commit_callbacks
):
    path = _path("reschedule", call)
    html = client.get(path).content.decode()
    assert "Your call is booked for" in html and "(America/New_York time)" in html
    assert 'value="+1 303-555-0123"' in html or "+13035550123" in html  # their number kept
    assert re.search(r'<option value="America/New_York"[^>]*selected', html)
    new_time = local_time(days=6, hour=15).strftime("%Y-%m-%dT%H:%M")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, form_data(first_choice=new_time))
    assert response.status_code == 302 and "/sent/" in response["Location"]
    request = CallRequest.objects.get()
    assert request.status == CallRequest.Status.OPEN and request.times_sent == 2
    [notice] = _sent_to("rita@firm.example")
    assert "changed their call request" in notice.body
    assert not OutboundEmail.objects.filter(
        kind=OutboundEmail.Kind.CALL_REMINDER, status=OutboundEmail.Status.QUEUED
    ).exists()
    call.refresh_from_db()
    assert call.status == Call.Status.PROPOSED  # booked until the recruiter moves it


def test_bad_times_on_the_reschedule_form_are_answered_on_the_page(client, call):
    response = client.post(_path("reschedule", call), form_data(first_choice="2020-01-01T10:00"))
    assert response.status_code == 200
    assert "That time has passed" in response.content.decode()
    assert CallRequest.objects.get().status == CallRequest.Status.SCHEDULED


def test_follow_ups_stay_stopped_while_the_visitor_asks_to_move_the_call():
    from calls.services import follow_ups_stop_for_booked_call

    make_recruiter("rita")
    make_step()
    lead = make_reachable_lead()
    follow_ups_schedule(lead=lead)
    request = call_request_submit(lead=lead, choice=a_choice())
    call = call_book(request=request, plan=CallPlan(starts_at=firm_time()))
    Client().post(_path("reschedule", call), form_data())
    assert CallRequest.objects.get().status == CallRequest.Status.OPEN
    assert "booked" in follow_ups_stop_for_booked_call(lead=lead)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("kind", ["garbage", "one character changed", "another action's link"])
def test_a_tampered_link_gets_a_plain_page(client, call, action, kind):
    token = invite_token(action, call_id=call.pk, sequence=call.sequence)
    if kind == "garbage":
        token = "garbage"
    elif kind == "one character changed":
        token = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    else:
        other = next(a for a in ACTIONS if a != action)
        token = invite_token(other, call_id=call.pk, sequence=call.sequence)
    for response in (
        client.get(f"/call/invite/{token}/{action}/"),
        client.post(f"/call/invite/{token}/{action}/", form_data()),
    ):
        assert response.status_code == 400
        assert "This link doesn&rsquo;t work" in response.content.decode()
    call.refresh_from_db()
    assert call.status == Call.Status.PROPOSED


@pytest.mark.parametrize("action", ACTIONS)
def test_an_expired_link_says_so(client, call, action, settings, monkeypatch):
    settings.CALL_INVITE_LINK_MAX_AGE_DAYS = 100
    long_ago = time.time() - 101 * 24 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: long_ago)
    path = _path(action, call)
    monkeypatch.undo()
    for response in (client.get(path), client.post(path, form_data())):
        assert response.status_code == 410
        assert "This link has expired" in response.content.decode()
    call.refresh_from_db()
    assert call.status == Call.Status.PROPOSED


@pytest.mark.parametrize("action", ACTIONS)
def test_a_link_of_an_erased_person_no_longer_works(client, call, action):
    path = _path(action, call)
    lead_erase(lead=call.request.lead)
    for response in (client.get(path), client.post(path, form_data())):
        assert response.status_code == 410
        assert "doesn&rsquo;t work any more" in response.content.decode()


def test_a_token_signed_for_something_else_is_refused(client, call):
    token = signing.dumps(["x", 1], salt=INVITE_SALTS["confirm"])
    assert client.get(f"/call/invite/{token}/confirm/").status_code == 400
