"""Recruiters live in the lead list: at 1366 px and on a phone it fits without sideways
scrolling, and the lead page's timeline takes a note with JavaScript off."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect

from leads.models import Lead, LeadTask
from tests.e2e.conftest import PHONE
from tests.e2e.test_accessibility import BLOCKING_IMPACTS, describe
from tests.e2e.test_admin_editing import PASSWORD, log_in_to_admin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"viewport": {"width": 1366, "height": 900}}

# How far the page, and the list inside its box, reach past what is on screen.
OVERFLOW = """() => {
  const results = document.querySelector('#changelist .results');
  const table = document.querySelector('#result_list');
  return {
    page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    table: table.scrollWidth - results.clientWidth,
  };
}"""


@pytest.fixture
def busy_list(django_user_model):
    """A recruiter's list at its widest: long names, addresses, roles and results."""
    owner = django_user_model.objects.create_superuser(
        "recruiter", "r@example.com", PASSWORD, first_name="Maximiliana", last_name="Featherstone"
    )
    yesterday = timezone.localdate() - timedelta(days=1)
    for n in range(30):
        lead = Lead.objects.create(
            email=f"someone.with.a.long.name{n}@renewable-careers-example.com",
            first_name=f"Alexandrina{n}",
            current_role="Senior Director of Utility-Scale Energy Storage Development",
            segment="Career focused, ready for a move",
            owner=owner,
            score=n * 3,
        )
        if n % 3 == 0:
            LeadTask.objects.create(lead=lead, title="Call back", due_date=yesterday)
    return owner


def _page_overflow(page: Page) -> int:
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def _overflow(page: Page) -> dict[str, int]:
    return page.evaluate(OVERFLOW)


@pytest.mark.parametrize(
    "device",
    [LAPTOP, PHONE, {**PHONE, "java_script_enabled": False}],
    ids=["1366", "390", "390-no-js"],
)
def test_the_lead_list_fits_without_sideways_scrolling(
    live_server, busy_list, new_page, screenshot, device
):
    page = new_page(**device)
    log_in_to_admin(page, live_server.url, "recruiter")
    page.goto(live_server.url + "/admin/leads/lead/")
    expect(page.get_by_role("link", name="Alexandrina29")).to_be_visible()

    assert _overflow(page) == {"page": 0, "table": 0}
    screenshot(page, "lead-list")

    # The Overdue filter sits beside My leads and New today, and lists the ten late ones.
    page.get_by_role("link", name="Overdue (a task past due)").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(10)
    assert _overflow(page) == {"page": 0, "table": 0}


def test_a_note_added_on_a_phone_with_javascript_off_joins_the_timeline(
    live_server, busy_list, new_page, screenshot
):
    page = new_page(**PHONE, java_script_enabled=False)
    log_in_to_admin(page, live_server.url, "recruiter")
    page.goto(live_server.url + "/admin/leads/lead/?o=-5")  # highest score first
    page.get_by_role("link", name="Alexandrina29").click()
    page.get_by_role("link", name="Add a note").click()
    page.locator("#id_lead_notes-0-text").fill("Prefers evenings; open to Denver.")
    page.get_by_role("button", name="Save and continue editing").click()

    timeline = page.get_by_role("region", name="Timeline, newest first")
    first = timeline.get_by_role("listitem").first
    expect(first).to_contain_text("Prefers evenings; open to Denver.")
    expect(first).to_contain_text("by Maximiliana Featherstone")
    screenshot(page, "lead-page")
    assert _page_overflow(page) == 0


def test_the_lead_list_and_page_have_no_serious_accessibility_violations(
    live_server, busy_list, new_page
):
    """axe runs as a script, so this one has JavaScript on."""
    page = new_page(**LAPTOP)
    log_in_to_admin(page, live_server.url, "recruiter")
    for path in (
        "/admin/leads/lead/?work=overdue",
        f"/admin/leads/lead/{Lead.objects.first().pk}/change/",
    ):
        page.goto(live_server.url + path)
        results = Axe().run(page)
        blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
        assert not blocking, f"axe found problems on {path}:\n{describe(blocking)}"
