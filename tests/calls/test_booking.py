"""A recruiter books the call in the admin, and the visitor gets an invitation their
calendar understands: the times in the visitor's own zone, the same event moved (not a
second one) when the time changes, and removed when the call is cancelled. Reminders
follow the booked time. Read back from each message's bytes with icalendar."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from calls.models import Call, CallRequest
from calls.services import (
    CallBookingRefused,
    CallPlan,
    call_book,
    call_request_submit,
)
from crm_webhooks.models import Delivery
from leads.models import OutboundEmail, Suppression
from leads.services import (
    email_deliver,
    follow_ups_schedule,
    lead_erase,
    lead_unsubscribe,
    suppression_add,
)
from tests.crm_webhooks.factories import make_endpoint
from tests.crm_webhooks.test_events import assert_valid
from tests.leads.factories import make_lead, make_reachable_lead, make_step

from .factories import a_choice, booking_data, firm_time, make_recruiter
from .invites import invitation_from_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def call_request(db):
    rita = make_recruiter("rita", first_name="Rita", last_name="Reyes")
    lead = make_lead(first_name="Ana", email="ana@example.com")
    call = call_request_submit(lead=lead, choice=a_choice())  # America/New_York, a phone
    CallRequest.objects.filter(pk=call.pk).update(assigned_to=rita)  # whoever routing chose
    call.refresh_from_db()
    return call


def _url(call_request) -> str:
    return f"/admin/calls/callrequest/{call_request.pk}/change/"


def _book_in_admin(admin_client, capture, call_request, starts_at, **fields):
    with capture(execute=True):
        return admin_client.post(
            _url(call_request), booking_data(call_request, starts_at, **fields)
        )


def _invitations():
    """The visitor's messages that carry a calendar, read from their bytes."""
    return [
        invitation_from_bytes(m.message().as_bytes())
        for m in mail.outbox
        if m.to == ["ana@example.com"] and getattr(m, "calendar", "")
    ]


def _reminders():
    return OutboundEmail.objects.filter(kind=OutboundEmail.Kind.CALL_REMINDER)


def test_booking_in_the_admin_sends_the_visitor_an_invitation_in_their_own_zone(
    admin_client, django_capture_on_commit_callbacks, call_request
):
    starts = firm_time(days=3, hour=9)  # 09:00 in Denver is 11:00 in New York
    response = _book_in_admin(
        admin_client, django_capture_on_commit_callbacks, call_request, starts
    )
    assert response.status_code == 302
    call_request.refresh_from_db()
    assert call_request.status == CallRequest.Status.SCHEDULED
    call = Call.objects.get()
    assert call.starts_at == starts and call.minutes == 30

    [invitation] = _invitations()
    assert invitation.content_type.startswith("text/calendar")
    assert (
        'method="REQUEST"' in invitation.content_type or "method=REQUEST" in invitation.content_type
    )
    assert "charset=" in invitation.content_type.lower()
    calendar, event = invitation.calendar, invitation.event
    assert calendar["METHOD"] == "REQUEST"
    assert event["UID"] == call.uid and event["SEQUENCE"] == 0
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert [zone["TZID"] for zone in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    assert event.start == starts  # the same instant
    assert (event.start.hour, event.start.tzinfo.key) == (11, "America/New_York")
    assert event.end - event.start == timedelta(minutes=30)
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:ana@example.com"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION" and attendee.params["RSVP"] == "TRUE"
    assert str(event["ORGANIZER"]).startswith("mailto:")
    assert "DTSTAMP" in event and event["SUMMARY"] and "Confirm:" in str(event["DESCRIPTION"])
    assert invitation.attachment.to_ical() == calendar.to_ical()

    text = invitation.message.get_body(("plain",)).get_content()
    local = starts.astimezone(ZoneInfo("America/New_York"))
    assert f"{local:%A} {local.day} {local:%B %Y}, 11:00 AM to 11:30 AM" in text
    assert "America/New_York time" in text and "Rita Reyes will call you on" in text
    assert "/call/invite/" in text and invitation.message["Reply-To"] == "rita@firm.example"


def test_moving_the_call_updates_the_same_event_and_its_reminders(
    admin_client, django_capture_on_commit_callbacks, call_request
):
    first = firm_time(days=3, hour=9)
    _book_in_admin(admin_client, django_capture_on_commit_callbacks, call_request, first)
    old_reminders = list(_reminders().values_list("pk", flat=True))
    assert len(old_reminders) == 2
    moved = firm_time(days=4, hour=14, minute=30)
    call_request.refresh_from_db()
    response = _book_in_admin(
        admin_client, django_capture_on_commit_callbacks, call_request, moved, call_minutes="45"
    )
    assert response.status_code == 302
    first_invite, update = _invitations()
    assert update.event["UID"] == first_invite.event["UID"]
    assert update.event["SEQUENCE"] == 1
    assert update.event.start == moved and update.event.end == moved + timedelta(minutes=45)
    assert update.message["Subject"].startswith("New time for your call")
    assert set(_reminders().filter(pk__in=old_reminders).values_list("status", flat=True)) == {
        OutboundEmail.Status.CANCELLED
    }
    waiting = _reminders().filter(status=OutboundEmail.Status.QUEUED).order_by("send_at")
    assert [r.send_at for r in waiting] == [moved - timedelta(hours=24), moved - timedelta(hours=1)]

    # Saving the page again without a change sends nothing more.
    call_request.refresh_from_db()
    _book_in_admin(
        admin_client, django_capture_on_commit_callbacks, call_request, moved, call_minutes="45"
    )
    assert len(_invitations()) == 2


def test_cancelling_in_the_admin_sends_method_cancel_and_withdraws_the_reminders(
    admin_client, django_capture_on_commit_callbacks, call_request
):
    starts = firm_time(days=3, hour=9)
    _book_in_admin(admin_client, django_capture_on_commit_callbacks, call_request, starts)
    call_request.refresh_from_db()
    response = _book_in_admin(
        admin_client, django_capture_on_commit_callbacks, call_request, starts, call_cancel="on"
    )
    assert response.status_code == 302
    invite, cancel = _invitations()
    assert cancel.calendar["METHOD"] == "CANCEL" and "method=CANCEL" in cancel.content_type.replace(
        '"', ""
    )
    assert cancel.event["UID"] == invite.event["UID"] and cancel.event["SEQUENCE"] == 1
    assert cancel.event["STATUS"] == "CANCELLED"
    assert "we had to cancel your call" in cancel.message.get_body(("plain",)).get_content()
    assert not _reminders().filter(status=OutboundEmail.Status.QUEUED).exists()
    call_request.refresh_from_db()
    assert call_request.status == CallRequest.Status.CANCELLED
    assert Call.objects.get().status == Call.Status.CANCELLED


def test_reminders_go_24_hours_and_1_hour_before_and_none_whose_time_has_passed(call_request):
    tomorrow = timezone.now() + timedelta(days=2)
    call = call_book(request=call_request, plan=CallPlan(starts_at=tomorrow))
    assert sorted(_reminders().values_list("send_at", flat=True)) == [
        call.starts_at - timedelta(hours=24),
        call.starts_at - timedelta(hours=1),
    ]
    soon = timezone.now() + timedelta(hours=3)
    call_book(request=call_request, plan=CallPlan(starts_at=soon))
    [waiting] = _reminders().filter(status=OutboundEmail.Status.QUEUED)
    assert waiting.send_at == soon - timedelta(hours=1)
    assert "in an hour" in waiting.subject


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"call_starts_at": "PAST"}, "call_starts_at", "That time has passed"),
        ({"call_starts_at": "2031-01-01T10:00"}, "call_starts_at", "in the next 90 days"),
        ({"call_starts_at": "next tuesday"}, "call_starts_at", "year-month-day"),
        ({"call_medium": "video"}, "call_video_url", "Give the video call's link"),
        (
            {"call_medium": "video", "call_video_url": "ftp://x.example"},
            "call_video_url",
            "https://",
        ),
        ({"call_cancel": "on"}, "call_cancel", "no booked call to cancel"),
        ({"call_minutes": "7"}, "call_minutes", "Select a valid choice"),
    ],
)
def test_bad_bookings_are_refused_on_the_page_and_nothing_is_sent(
    admin_client, django_capture_on_commit_callbacks, call_request, fields, field, message
):
    if fields.get("call_starts_at") == "PAST":
        past = timezone.localtime(timezone.now() - timedelta(hours=1))
        fields = fields | {"call_starts_at": past.strftime("%Y-%m-%dT%H:%M")}
    data = booking_data(call_request, firm_time()) | fields
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(_url(call_request), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field])
    assert not Call.objects.exists() and not _invitations()
    call_request.refresh_from_db()
    assert call_request.status == CallRequest.Status.OPEN


def test_a_phone_call_needs_their_number(admin_client, call_request):
    CallRequest.objects.filter(pk=call_request.pk).update(phone="")
    response = admin_client.post(_url(call_request), booking_data(call_request, firm_time()))
    assert response.status_code == 200
    assert "They gave no phone number" in response.content.decode()
    assert not Call.objects.exists()


def test_a_video_call_carries_its_link(
    admin_client, django_capture_on_commit_callbacks, call_request
):
    link = "https://meet.example.com/abc-defg"
    _book_in_admin(
        admin_client,
        django_capture_on_commit_callbacks,
        call_request,
        firm_time(),
        call_medium="video",
        call_video_url=link,
    )
    [invitation] = _invitations()
    assert str(invitation.event["LOCATION"]) == link
    assert link in invitation.message.get_body(("html",)).get_content()


def test_the_admin_page_shows_the_booked_time_in_both_zones(admin_client, call_request):
    call_book(request=call_request, plan=CallPlan(starts_at=firm_time(days=3, hour=9)))
    html = admin_client.get(_url(call_request)).content.decode()
    assert "09:00 M" in html and "11:00 (America/New_York)" in html
    assert 'type="datetime-local"' in html and "Proposed: waiting for the visitor" in html


def test_an_unsubscribed_lead_still_gets_the_invitation_an_erased_one_gets_nothing(
    django_capture_on_commit_callbacks, call_request
):
    lead = call_request.lead
    lead_unsubscribe(lead=lead)
    with django_capture_on_commit_callbacks(execute=True):
        call_book(request=call_request, plan=CallPlan(starts_at=firm_time()))
    assert len(_invitations()) == 1  # they asked for the call: it is not marketing
    assert _reminders().filter(status=OutboundEmail.Status.QUEUED).count() == 2

    lead_erase(lead=lead)
    assert not OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED).exists()
    assert Call.objects.get().status == Call.Status.CANCELLED
    call_request.refresh_from_db()
    with pytest.raises(CallBookingRefused, match="erased"):
        call_book(request=call_request, plan=CallPlan(starts_at=firm_time(days=5)))


def test_the_admin_refuses_to_book_for_an_erased_person(admin_client, call_request):
    lead_erase(lead=call_request.lead)
    call_request.refresh_from_db()
    response = admin_client.post(_url(call_request), booking_data(call_request, firm_time()))
    assert response.status_code == 200
    assert "data was erased" in response.content.decode()
    assert not Call.objects.exists()


def test_a_suppressed_address_gets_no_invitation_and_says_why(call_request):
    suppression_add(address="ana@example.com", reason=Suppression.Reason.HARD_BOUNCE, source="x")
    call_book(request=call_request, plan=CallPlan(starts_at=firm_time()))
    invite = OutboundEmail.objects.get(kind=OutboundEmail.Kind.CALL_INVITE)
    assert invite.status == OutboundEmail.Status.CANCELLED
    assert "suppression list" in invite.last_error


def test_booking_in_the_admin_stops_the_follow_ups(
    admin_client, django_capture_on_commit_callbacks, settings
):
    make_recruiter("rita")
    make_step(order=1, delay_days=2, subject="A first tip")
    lead = make_reachable_lead(first_name="Ana", email="ana@example.com")
    follow_ups_schedule(lead=lead)
    call_request = call_request_submit(lead=lead, choice=a_choice())
    _book_in_admin(admin_client, django_capture_on_commit_callbacks, call_request, firm_time())
    [follow_up] = OutboundEmail.objects.filter(kind=OutboundEmail.Kind.FOLLOW_UP)
    OutboundEmail.objects.filter(pk=follow_up.pk).update(send_at=timezone.now())
    email_deliver(email_id=follow_up.pk)
    follow_up.refresh_from_db()
    assert follow_up.status == OutboundEmail.Status.CANCELLED
    assert "a call with a recruiter is booked" in follow_up.last_error


def test_call_scheduled_reaches_the_crm_for_each_change_in_the_schema(call_request):
    make_endpoint(events=["call.scheduled"])
    call = call_book(request=call_request, plan=CallPlan(starts_at=firm_time(days=3)))
    call_book(request=call_request, plan=CallPlan(starts_at=firm_time(days=4)))
    call_book(request=call_request, plan=CallPlan(starts_at=firm_time(days=4)))  # no change
    rows = list(Delivery.objects.filter(event_type="call.scheduled").order_by("pk"))
    assert len(rows) == 2
    for row in rows:
        assert_valid(row.payload)
    data = rows[1].payload["data"]["call"]
    assert data["id"] == call.pk and data["call_request_id"] == call_request.pk
    assert data["status"] == "proposed" and data["time_zone"] == "America/New_York"
    assert data["recruiter_email"] == "rita@firm.example"


def test_the_lead_page_and_the_gdpr_export_show_the_booked_call(admin_client, call_request):
    from leads.exports import lead_personal_data

    call_book(request=call_request, plan=CallPlan(starts_at=firm_time(days=3, hour=9)))
    html = admin_client.get(f"/admin/leads/lead/{call_request.lead_id}/change/").content.decode()
    assert (
        "Call booked: Proposed" in html and "09:00 (firm&#x27;s time), 30 minutes by phone" in html
    )
    [row] = lead_personal_data(lead=call_request.lead)["booked_calls"]
    assert row["starts_at"] == firm_time(days=3, hour=9) and row["how"] == "phone"


def test_setting_the_status_to_cancelled_cancels_the_booked_call_too(
    admin_client, django_capture_on_commit_callbacks, call_request
):
    starts = firm_time(days=3, hour=9)
    _book_in_admin(admin_client, django_capture_on_commit_callbacks, call_request, starts)
    call_request.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            _url(call_request), booking_data(call_request, starts, status="cancelled")
        )
    _invite, cancel = _invitations()
    assert cancel.calendar["METHOD"] == "CANCEL"
    assert Call.objects.get().status == Call.Status.CANCELLED


def test_the_recruiter_is_reminded_an_hour_before_and_not_after_a_cancel(call_request):
    from calls.services import call_cancel

    call = call_book(request=call_request, plan=CallPlan(starts_at=firm_time(days=3, hour=9)))
    reminder = OutboundEmail.objects.get(to_email="rita@firm.example", send_at__gt=timezone.now())
    assert reminder.send_at == call.starts_at - timedelta(hours=1)
    assert reminder.subject.startswith("In an hour: your call with Ana at 09:00 M")
    assert "Call them on" in reminder.html_body and "+1 303-555-0123" in reminder.text_body
    call_cancel(call=call, by_visitor=False)
    reminder.refresh_from_db()
    assert reminder.status == OutboundEmail.Status.CANCELLED


def test_staff_see_the_invitations_calendar_on_the_emails_page(admin_client, call_request):
    call_book(request=call_request, plan=CallPlan(starts_at=firm_time()))
    invite = OutboundEmail.objects.get(kind=OutboundEmail.Kind.CALL_INVITE)
    html = admin_client.get(f"/admin/leads/outboundemail/{invite.pk}/change/").content.decode()
    assert "METHOD:REQUEST" in html and "Call invitation" in html


def test_a_booked_call_adds_no_query_to_the_lead_page(admin_client, call_request):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"/admin/leads/lead/{call_request.lead_id}/change/"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url).status_code == 200
        return len(captured)

    queries()  # the first view of a page warms what later views find ready
    before = queries()
    call = call_book(request=call_request, plan=CallPlan(starts_at=firm_time(days=3)))
    call_book(request=call_request, plan=CallPlan(starts_at=firm_time(days=4)))
    from calls.services import call_cancel

    call_cancel(call=call, by_visitor=False)
    call_book(request=call_request, plan=CallPlan(starts_at=firm_time(days=5)))
    assert queries() == before
