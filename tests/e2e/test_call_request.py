"""A visitor asks for a call on a phone (390x844), with JavaScript on and off: the time
zone is theirs (the browser's with the script, chosen from the list without it), bad input
is answered on the page, and the recruiter's email is queued."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect

from calls.links import call_request_path
from calls.models import CallRequest
from leads.models import OutboundEmail
from tests.calls.factories import make_recruiter
from tests.leads.factories import make_lead

from .conftest import PHONE
from .test_accessibility import PUBLIC_IMPACTS, describe
from .test_quiz_flow import assert_ring

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _in_three_days(zone: str, hour: int = 10) -> str:
    day = timezone.localtime(timezone.now(), ZoneInfo(zone)).date() + timedelta(days=3)
    return f"{day.isoformat()}T{hour:02d}:00"


def _fits_the_screen(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["viewport"]["width"], f"the page is {width} px wide"


@pytest.fixture
def lead(transactional_db):
    make_recruiter("rita")
    return make_lead(first_name="Ana", email="ana@example.com")


def test_with_javascript_the_browsers_time_zone_is_chosen(live_server, new_page, lead, screenshot):
    page = new_page(**PHONE, timezone_id="America/Los_Angeles")
    page.goto(live_server.url + call_request_path(lead.pk))
    expect(page.get_by_role("heading", level=1)).to_have_text("Talk to a recruiter, confidentially")
    expect(page.get_by_label("Your time zone")).to_have_value("America/Los_Angeles")
    _fits_the_screen(page)
    results = Axe().run(page)
    problems = [v for v in results.response["violations"] if v["impact"] in PUBLIC_IMPACTS]
    assert not problems, describe(problems)
    for selector in ("#id_time_zone", "#id_first_choice", "#id_phone", "input[type=submit]"):
        page.get_by_role("heading", level=1).click()
        assert_ring(page, selector)

    page.get_by_label("When suits you best?").fill(_in_three_days("America/Los_Angeles"))
    page.get_by_label("Phone number (optional)").fill("12345")
    page.get_by_role("button", name="Ask for a call").click()
    expect(page.locator("#error-summary")).to_be_focused()  # read out first
    expect(page.get_by_label("Your time zone")).to_have_value("America/Los_Angeles")
    problems = [v for v in Axe().run(page).response["violations"] if v["impact"] in PUBLIC_IMPACTS]
    assert not problems, describe(problems)
    page.get_by_label("Phone number (optional)").fill("+1 (303) 555-0123")
    page.get_by_role("button", name="Ask for a call").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("we’ll be in touch")
    expect(page.get_by_text("(America/Los_Angeles time)")).to_be_visible()
    screenshot(page, "call-request-sent")
    problems = [v for v in Axe().run(page).response["violations"] if v["impact"] in PUBLIC_IMPACTS]
    assert not problems, describe(problems)
    call = CallRequest.objects.get()
    assert call.time_zone == "America/Los_Angeles" and call.phone == "+13035550123"
    local = timezone.localtime(call.first_choice, ZoneInfo("America/Los_Angeles"))
    assert (local.hour, local.minute) == (10, 0)
    assert OutboundEmail.objects.filter(to_email="rita@firm.example").count() == 1


def test_without_javascript_the_visitor_picks_their_zone_and_fixes_a_bad_number(
    live_server, new_page, lead, screenshot
):
    page = new_page(**PHONE, java_script_enabled=False, timezone_id="Asia/Tokyo")
    page.goto(live_server.url + call_request_path(lead.pk))
    zone = page.get_by_label("Your time zone")
    expect(zone).to_have_value("America/Denver")  # the firm's: no script to ask the browser
    zone.select_option("America/New_York")
    page.get_by_label("When suits you best?").fill(_in_three_days("America/New_York", 9))
    page.get_by_label("Phone number (optional)").fill("555-0123")
    page.get_by_role("button", name="Ask for a call").click()

    expect(page).to_have_title(re.compile("^Error: "))
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Enter a phone number we can call")
    expect(zone).to_have_value("America/New_York")  # what they chose is kept
    _fits_the_screen(page)
    screenshot(page, "call-request-error")
    assert not CallRequest.objects.exists()

    summary.get_by_role("link").click()
    expect(page.get_by_label("Phone number (optional)")).to_be_focused()
    page.get_by_label("Phone number (optional)").fill("303.555.0123")
    page.get_by_role("button", name="Ask for a call").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("we’ll be in touch")
    call = CallRequest.objects.get()
    assert call.time_zone == "America/New_York"
    assert timezone.localtime(call.first_choice, ZoneInfo("America/New_York")).hour == 9
