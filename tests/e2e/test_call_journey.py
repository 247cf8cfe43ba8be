"""The whole way, as issue #13 asks: a visitor's result page → their call request (on a
phone, with JavaScript on and off) → the recruiter books the call in the admin → the visitor
gets the invitation, in their own time zone, and confirms it."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import Page, expect

from calls.models import Call, CallRequest
from leads.models import OutboundEmail
from tests.calls.factories import firm_time, make_recruiter
from tests.e2e.conftest import PHONE
from tests.e2e.test_admin_editing import PASSWORD, log_in_to_admin
from tests.e2e.test_result_page import QUESTIONS, SEED_PATH

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ZONE = "America/Los_Angeles"
LAPTOP = {"viewport": {"width": 1366, "height": 900}}


def _to_the_result(page: Page, url: str, *, javascript: bool) -> None:
    page.goto(url + SEED_PATH)
    page.get_by_role("link", name=re.compile("^Start the assessment")).click()
    for number in range(1, QUESTIONS + 1):
        page.wait_for_url(re.compile(rf"/q/{number}/$"))
        if javascript:
            page.get_by_text("Agree", exact=True).click()  # moves on by itself
        else:
            page.get_by_label("Agree", exact=True).check()
            page.locator(".quiz-nav button[type=submit]").click()
    page.get_by_label("First name").fill("Ana")
    page.get_by_label("Email address").fill("ana@example.com")
    page.get_by_role("button", name="Send me my result").click()
    expect(page).to_have_url(re.compile(r"/result/$"))


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_from_the_result_to_a_booked_and_confirmed_call(
    live_server, seed_article, new_page, settings, django_user_model, javascript
):
    settings.QUIZ_MIN_SECONDS = 0
    django_user_model.objects.create_superuser("boss", "boss@firm.example", PASSWORD)
    make_recruiter("rita", first_name="Rita")

    # The visitor, on a phone in Los Angeles.
    visitor = new_page(**PHONE, java_script_enabled=javascript, timezone_id=ZONE)
    _to_the_result(visitor, live_server.url, javascript=javascript)
    visitor.get_by_role("link", name="Talk to a recruiter, confidentially").click()
    zone = visitor.get_by_label("Your time zone")
    if javascript:
        expect(zone).to_have_value(ZONE)  # the browser's
    else:
        zone.select_option(ZONE)
    day = timezone.localtime(timezone.now(), ZoneInfo(ZONE)).date() + timedelta(days=3)
    visitor.get_by_label("When suits you best?").fill(f"{day.isoformat()}T10:00")
    visitor.get_by_label("Phone number (optional)").fill("(303) 555-0123")
    visitor.get_by_role("button", name="Ask for a call").click()
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("we’ll be in touch")
    request = CallRequest.objects.get()
    assert request.lead.email == "ana@example.com" and request.time_zone == ZONE
    recruiter = request.assigned_to  # routed (round robin: Rita or the boss)
    assert OutboundEmail.objects.filter(to_email=recruiter.email).exists()  # told at once

    # The recruiter books it in the admin, at 1366 px.
    admin = new_page(**LAPTOP)
    log_in_to_admin(admin, live_server.url, "boss")
    admin.goto(f"{live_server.url}/admin/calls/callrequest/{request.pk}/change/")
    starts = firm_time(days=3, hour=11)  # 11:00 in Denver is 10:00 in Los Angeles
    admin.get_by_label("Call time").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    admin.get_by_label("Phone: the recruiter calls their number").check()
    admin.get_by_role("button", name="Save and continue editing").click()
    expect(admin.locator(".messagelist")).to_contain_text("Invitation queued for ana@example.com")

    # The visitor's invitation: their zone in the calendar and in the words.
    invite = OutboundEmail.objects.get(kind=OutboundEmail.Kind.CALL_INVITE)
    assert invite.to_email == "ana@example.com"
    [event] = Calendar.from_ical(invite.calendar).events
    assert event["DTSTART"].params["TZID"] == ZONE and event.start == starts
    assert "10:00 AM to 10:30 AM" in invite.text_body
    request.refresh_from_db()
    assert request.status == CallRequest.Status.SCHEDULED

    confirm = re.search(r"https://[^/\s]+(/call/invite/[^/\s]+/confirm/)", invite.text_body)[1]
    visitor.goto(live_server.url + confirm)
    visitor.get_by_role("button", name="Yes, confirm the call").click()
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("your call is confirmed")
    assert Call.objects.get().status == Call.Status.CONFIRMED
