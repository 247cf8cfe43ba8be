"""Asking for a call from the signed link, with JavaScript off (plain POSTs): every bad
input gets a clear answer on the page, never a 500, never a half-saved request."""

import re
import time
from datetime import UTC
from zoneinfo import ZoneInfo

import pytest
from django.core import mail, signing
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from calls.links import call_request_path, call_token
from calls.models import CallRequest
from leads.models import OutboundEmail
from leads.services import lead_erase, lead_unsubscribe
from leads.tokens import unsubscribe_token
from tests.leads.factories import make_lead, make_reachable_lead, make_step

from .factories import form_data, local_time, make_recruiter

pytestmark = pytest.mark.django_db


@pytest.fixture
def rita(db):
    return make_recruiter("rita")


@pytest.fixture
def lead(db):
    return make_lead(first_name="Ana", email="ana@example.com", segment="Career focused")


@pytest.fixture(autouse=True)
def _send_on_commit(django_capture_on_commit_callbacks, monkeypatch):
    """The test's transaction never commits: run each request's on-commit hand-offs (the
    recruiter's email) as the request ends, as a real commit would."""
    real_post = Client.post

    def post(self, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return real_post(self, *args, **kwargs)

    monkeypatch.setattr(Client, "post", post)


def _post(client: Client, lead, **fields):
    return client.post(call_request_path(lead.pk), form_data(**fields))


def _errors(response) -> str:
    summary = re.search(
        r'<div class="alert alert-danger error-summary".*?</div>', response.content.decode(), re.S
    )
    return summary.group(0) if summary else ""


def test_the_page_asks_in_the_firms_time_zone_until_the_visitor_picks_theirs(client, lead):
    response = client.get(call_request_path(lead.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Talk to a recruiter, confidentially</h1>" in html
    assert re.search(r'<option value="America/Denver"[^>]*selected', html)
    assert 'type="datetime-local"' in html and 'type="tel"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert (
        response["Cache-Control"].startswith("private") or "no-store" in response["Cache-Control"]
    )


def test_a_request_is_saved_in_utc_and_the_recruiter_is_emailed_at_once(client, lead, rita):
    first = local_time(days=3, hour=10)  # 10:00 in New York
    response = _post(client, lead, first_choice=first.strftime("%Y-%m-%dT%H:%M"))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "we&rsquo;ll be in touch" in page and "America/New_York" in page
    call = CallRequest.objects.get()
    assert call.lead == lead and call.status == CallRequest.Status.OPEN
    assert call.first_choice.astimezone(UTC).hour in (14, 15)  # EDT or EST
    assert call.phone == "+13035550123" and call.assigned_to == rita
    assert call.due_at > call.created_at
    [notice] = [m for m in mail.outbox if m.to == ["rita@firm.example"]]
    assert "Ana" in notice.subject and "call back by" in notice.subject
    assert "+1 303-555-0123" in notice.body and "America/New_York" in notice.body
    assert f"/admin/calls/callrequest/{call.pk}/change/" in notice.body
    assert notice.extra_headers["Reply-To"] == "ana@example.com"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("303.555.0123", "+13035550123"),
        ("+1 (303) 555-0123", "+13035550123"),
        ("303 555 0123 x45", "+13035550123 ext. 45"),
        ("", ""),
    ],
)
def test_phone_numbers_in_odd_formats_are_accepted(client, lead, rita, typed, stored):
    assert _post(client, lead, phone=typed).status_code == 302
    assert CallRequest.objects.get().phone == stored


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"phone": "12345"}, "Enter a phone number we can call"),
        ({"phone": "555-0123"}, "Enter a phone number we can call"),
        ({"phone": "9" * 60}, "50 characters or fewer"),
        ({"first_choice": "2020-01-01T10:00"}, "That time has passed"),
        ({"first_choice": ""}, "Enter a day and time that suits you"),
        ({"first_choice": "tomorrow at ten"}, "year-month-day"),
        ({"second_choice": "2020-01-01T10:00"}, "That time has passed"),
        ({"second_choice": "31/12/2026"}, "or leave it empty"),
        ({"first_choice": "2099-01-01T10:00"}, "check the year"),
        ({"time_zone": "Mars/Olympus_Mons"}, "Choose your time zone"),
        ({"time_zone": ""}, "Choose your time zone"),
        ({"message": "x" * 1001}, "1000 characters or fewer"),
    ],
)
def test_bad_input_is_answered_on_the_page_and_nothing_is_saved_or_sent(
    client, lead, rita, fields, message
):
    response = _post(client, lead, **fields)
    assert response.status_code == 200
    assert message in _errors(response)
    assert "<title>Error: " in response.content.decode()
    assert not CallRequest.objects.exists()
    assert not OutboundEmail.objects.exists() and not mail.outbox


def test_a_time_past_for_the_visitor_is_refused_though_it_is_ahead_on_denvers_clock(
    client, lead, rita
):
    # Tokyo's wall clock is 16 hours ahead of Denver's: this hour there, read as Denver
    # time, would still be to come. Read in the visitor's zone, it has passed.
    tokyo_hour = timezone.localtime(timezone.now(), ZoneInfo("Asia/Tokyo")).replace(
        minute=0, second=0, microsecond=0, tzinfo=None
    )
    response = _post(
        client, lead, time_zone="Asia/Tokyo", first_choice=tokyo_hour.strftime("%Y-%m-%dT%H:%M")
    )
    assert "That time has passed" in _errors(response)
    assert not CallRequest.objects.exists()


def test_any_zone_the_browser_reports_is_accepted_even_if_the_list_lacks_it(client, lead, rita):
    assert _post(client, lead, time_zone="Africa/Nairobi").status_code == 302
    assert CallRequest.objects.get().time_zone == "Africa/Nairobi"
    html = client.get(call_request_path(lead.pk)).content.decode()
    assert re.search(r'<option value="Africa/Nairobi"[^>]*selected', html)


def test_a_second_request_updates_the_open_one(client, lead, rita):
    make_recruiter("sam")
    assert _post(client, lead).status_code == 302
    first = CallRequest.objects.get()
    page = client.get(call_request_path(lead.pk)).content.decode()
    assert "You already asked for a call" in page and 'value="+13035550123"' in page
    later = local_time(days=5, hour=15).strftime("%Y-%m-%dT%H:%M")
    assert (
        _post(client, lead, first_choice=later, phone="", message="Afternoons now").status_code
        == 302
    )

    call = CallRequest.objects.get()  # still one
    assert call.pk == first.pk and call.times_sent == 2
    assert call.phone == "" and call.message == "Afternoons now"
    assert call.assigned_to == rita and call.due_at == first.due_at  # same person, same clock
    notices = [m for m in mail.outbox if m.to == ["rita@firm.example"]]
    assert len(notices) == 2 and notices[1].subject.startswith("Call request updated")


def test_the_database_refuses_a_second_open_request_for_a_lead(lead, rita):
    fields = {
        "lead": lead,
        "time_zone": "UTC",
        "first_choice": timezone.now(),
        "due_at": timezone.now(),
    }
    CallRequest.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        CallRequest.objects.create(**fields)
    CallRequest.objects.create(**fields, status=CallRequest.Status.DONE)  # closed ones may pile up


def test_after_a_call_is_done_a_new_request_starts_a_new_one(client, lead, rita):
    _post(client, lead)
    CallRequest.objects.update(status=CallRequest.Status.DONE)
    _post(client, lead)
    assert CallRequest.objects.filter(lead=lead).count() == 2
    assert CallRequest.objects.open().count() == 1


def test_a_lead_who_unsubscribed_can_still_ask_for_a_call_and_gets_no_follow_ups(client, rita):
    make_step()
    lead = make_reachable_lead(first_name="Una")
    lead_unsubscribe(lead=lead)
    assert _post(client, lead).status_code == 302
    assert CallRequest.objects.get().lead == lead
    [notice] = [m for m in mail.outbox if m.to == ["rita@firm.example"]]
    assert "unsubscribed from follow-up emails" in notice.body
    assert not OutboundEmail.objects.filter(
        kind=OutboundEmail.Kind.FOLLOW_UP, status=OutboundEmail.Status.QUEUED
    ).exists()


def test_an_erased_lead_gets_a_plain_answer_and_nothing_is_saved(client, lead, rita):
    path = call_request_path(lead.pk)
    lead_erase(lead=lead)
    for response in (client.get(path), client.post(path, form_data())):
        assert response.status_code == 410
        assert "doesn&rsquo;t work any more" in response.content.decode()
    assert not CallRequest.objects.exists() and not mail.outbox


def test_erasing_a_lead_removes_their_phone_and_message_and_cancels_the_open_request(
    client, lead, rita
):
    _post(client, lead)
    lead_erase(lead=lead)
    call = CallRequest.objects.get()
    assert call.phone == "" and call.message == ""
    assert call.status == CallRequest.Status.CANCELLED


def test_a_lead_that_no_longer_exists_gets_the_same_answer(client, lead):
    path = call_request_path(lead.pk)
    lead.delete()
    assert client.get(path).status_code == 410


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "MQ:1xWqs5:not-our-signature-at-all-0000000000000000000",  # a forged signature
        "TAMPER",  # filled in below: a real token with one character changed
        "OTHER-SALT",  # a real unsubscribe token for the same lead
    ],
)
def test_a_tampered_link_gets_a_friendly_page(client, lead, token):
    if token == "TAMPER":
        real = call_token(lead.pk)
        token = real[:-1] + ("A" if real[-1] != "A" else "B")
    elif token == "OTHER-SALT":
        token = unsubscribe_token(lead.pk)
    response = client.get(f"/call/{token}/")
    assert response.status_code == 400
    html = response.content.decode()
    assert "This link doesn&rsquo;t work" in html and 'href="/contact/"' in html
    assert client.post(f"/call/{token}/", form_data()).status_code == 400
    assert not CallRequest.objects.exists()


def test_an_expired_link_says_so(client, lead, settings, monkeypatch):
    settings.CALL_LINK_MAX_AGE_DAYS = 60
    long_ago = time.time() - 61 * 24 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: long_ago)
    token = call_token(lead.pk)
    monkeypatch.undo()
    response = client.get(f"/call/{token}/")
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert client.post(f"/call/{token}/", form_data()).status_code == 410
    assert not CallRequest.objects.exists()


def test_the_form_needs_its_csrf_token(lead, rita):
    client = Client(enforce_csrf_checks=True)
    response = client.post(call_request_path(lead.pk), form_data())
    assert response.status_code == 403
    assert not CallRequest.objects.exists()


def test_the_thank_you_page_without_a_request_goes_back_to_the_form(client, lead):
    token = call_token(lead.pk)
    response = client.get(f"/call/{token}/sent/")
    assert response.status_code == 302 and response["Location"] == f"/call/{token}/"
