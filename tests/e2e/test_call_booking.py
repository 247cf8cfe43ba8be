"""End to end: a recruiter books the call in the admin (at 1366 px, and on a phone with
JavaScript off), the visitor's invitation is in the outbox with its calendar, and the
visitor opens the confirm link from it and confirms the call."""

import re
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from calls.models import Call, CallRequest
from calls.services import call_request_submit
from leads.models import OutboundEmail
from tests.calls.factories import a_choice, firm_time, make_recruiter
from tests.e2e.conftest import PHONE
from tests.e2e.test_accessibility import BLOCKING_IMPACTS, PUBLIC_IMPACTS, describe
from tests.e2e.test_admin_editing import PASSWORD, log_in_to_admin
from tests.e2e.test_quiz_flow import assert_ring
from tests.leads.factories import make_lead

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"viewport": {"width": 1366, "height": 900}}


@pytest.fixture
def call_request(django_user_model):
    django_user_model.objects.create_superuser("recruiter", "rec@firm.example", PASSWORD)
    rita = make_recruiter("rita", first_name="Rita")
    lead = make_lead(first_name="Ana", email="ana@example.com")
    request = call_request_submit(lead=lead, choice=a_choice(time_zone="America/Los_Angeles"))
    CallRequest.objects.filter(pk=request.pk).update(assigned_to=rita)
    return request


def _overflow(page) -> int:
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize(
    "device", [LAPTOP, {**PHONE, "java_script_enabled": False}], ids=["1366", "390-no-js"]
)
def test_the_recruiter_books_and_the_visitor_confirms(
    live_server, new_page, call_request, screenshot, device
):
    page = new_page(**device)
    log_in_to_admin(page, live_server.url, "recruiter")
    page.goto(f"{live_server.url}/admin/calls/callrequest/{call_request.pk}/change/")
    expect(page.get_by_role("heading", name="Book the call")).to_be_visible()
    starts = firm_time(days=3, hour=10)  # 10:00 in Denver, 09:00 in Los Angeles
    page.get_by_label("Call time").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Length").select_option("45")
    page.get_by_label("Phone: the recruiter calls their number").check()
    assert _overflow(page) == 0
    if device is LAPTOP:
        blocking = [
            v for v in Axe().run(page).response["violations"] if v["impact"] in BLOCKING_IMPACTS
        ]
        assert not blocking, describe(blocking)
        page.get_by_role("heading", name="Book the call").click()
        assert_ring(page, "#id_call_starts_at")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("Invitation queued for ana@example.com")
    expect(page.locator(".field-booked_display")).to_contain_text("(America/Los_Angeles)")
    screenshot(page, "call-booked-in-admin")
    assert _overflow(page) == 0

    call = Call.objects.get()
    assert call.starts_at == starts and call.minutes == 45
    invite = OutboundEmail.objects.get(kind=OutboundEmail.Kind.CALL_INVITE)
    [event] = Calendar.from_ical(invite.calendar).events
    assert event["DTSTART"].params["TZID"] == "America/Los_Angeles" and event.start == starts
    local = timezone.localtime(starts, ZoneInfo("America/Los_Angeles"))
    assert f"{local.day} {local:%B %Y}, 9:00 AM to 9:45 AM" in invite.text_body

    # The visitor, on their phone, opens the confirm link from the email.
    confirm = re.search(
        r"https://careers\.example\.com(/call/invite/[^/\s]+/confirm/)", invite.text_body
    )[1]
    visitor = new_page(**PHONE, java_script_enabled=device is LAPTOP)
    visitor.goto(live_server.url + confirm)
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Confirm your call, Ana")
    expect(visitor.get_by_text("(America/Los_Angeles time)")).to_be_visible()
    if device is LAPTOP:
        problems = [
            v for v in Axe().run(visitor).response["violations"] if v["impact"] in PUBLIC_IMPACTS
        ]
        assert not problems, describe(problems)
        assert_ring(visitor, "button[type=submit]")
    visitor.get_by_role("button", name="Yes, confirm the call").click()
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("your call is confirmed")
    screenshot(visitor, "call-confirmed")
    call.refresh_from_db()
    assert call.status == Call.Status.CONFIRMED
    assert _overflow(visitor) == 0
