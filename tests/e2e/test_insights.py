"""Staff read the insights page with JavaScript off, from the admin index, and axe finds no
serious or critical problem on it."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.test_accessibility import BLOCKING_IMPACTS, describe
from tests.e2e.test_admin_editing import PASSWORD, log_in_to_admin

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_read_the_funnel_with_javascript_off(
    live_server, seed_article, new_page, screenshot, django_user_model
):
    django_user_model.objects.create_superuser("insight", "insight@example.com", PASSWORD)
    # Headless Chromium names itself in its User-Agent and is left out as a bot; a reader's
    # desktop browser is counted.
    page = new_page(java_script_enabled=False, user_agent=FIREFOX)
    page.goto(live_server.url + "/articles/are-you-career-or-job-focused/")
    log_in_to_admin(page, live_server.url, "insight")
    page.get_by_role("link", name="The funnel from reading to lead").click()
    expect(page.get_by_role("heading", name="The funnel", exact=True)).to_be_visible()
    funnel = page.get_by_role("table", name="The funnel")
    expect(funnel.get_by_role("row", name="Article views")).to_contain_text("1")
    page.get_by_label("Period").select_option(label="Last 7 days")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_label("Period")).to_have_value("7")
    screenshot(page, "insights-no-js")


def test_the_insights_page_has_no_serious_accessibility_violations(
    live_server, seed_article, page, screenshot, django_user_model
):
    """axe runs as a script, so this one has JavaScript on."""
    django_user_model.objects.create_superuser("insight", "insight@example.com", PASSWORD)
    log_in_to_admin(page, live_server.url, "insight")
    page.goto(live_server.url + "/admin/insights/?start=2026-01-01&end=2025-01-01")
    expect(page.get_by_text("The end date was before the start date.")).to_be_visible()
    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
    screenshot(page, "insights")
    assert not blocking, f"axe found problems on the insights page:\n{describe(blocking)}"
