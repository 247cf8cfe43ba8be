"""A recruiter opens the admin on a laptop or a phone (JavaScript on or off) and sees how
many visitors wait for a call back, and one click (or Enter) opens that list."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from calls.models import CallRequest
from leads.models import Lead
from tests.e2e.conftest import PHONE
from tests.e2e.test_accessibility import BLOCKING_IMPACTS, describe
from tests.e2e.test_admin_editing import PASSWORD, log_in_to_admin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"viewport": {"width": 1366, "height": 900}}


@pytest.fixture
def waiting_calls(django_user_model):
    recruiter = django_user_model.objects.create_superuser(
        "recruiter", "r@example.com", PASSWORD, first_name="Rita"
    )
    now = timezone.now()
    for n in range(5):
        CallRequest.objects.create(
            lead=Lead.objects.create(email=f"visitor{n}@example.com", first_name=f"Visitor{n}"),
            time_zone="America/Denver",
            first_choice=now + timedelta(days=2),
            assigned_to=recruiter if n < 3 else None,
            due_at=now + timedelta(minutes=-10 if n % 2 else 90),
        )
    return recruiter


@pytest.mark.parametrize(
    "device",
    [LAPTOP, PHONE, {**PHONE, "java_script_enabled": False}],
    ids=["1366", "390", "390-no-js"],
)
def test_the_call_figures_link_to_the_requests_waiting(
    live_server, waiting_calls, new_page, screenshot, device
):
    page = new_page(**device)
    log_in_to_admin(page, live_server.url, "recruiter")
    box = page.locator("#call-work")
    expect(box.get_by_role("heading", name="Call requests")).to_be_visible()
    rows = box.get_by_role("row")
    expect(rows).to_have_text(
        [
            "My open requests 3",
            "Overdue (not called back in time) 2",
            "All open requests 5",
        ],
        use_inner_text=True,
    )
    screenshot(page, "admin-home-calls")
    assert (
        page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        == 0
    )

    # Keyboard: focus the link and press Enter; the list shows the overdue ones only.
    link = box.get_by_role("link", name="Overdue (not called back in time)")
    link.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/admin/calls/callrequest/?work=overdue")
    expect(page.locator("#result_list tbody tr")).to_have_count(2)


def test_the_admin_home_with_the_call_figures_has_no_serious_accessibility_violations(
    live_server, waiting_calls, new_page
):
    page = new_page(**LAPTOP)
    log_in_to_admin(page, live_server.url, "recruiter")
    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"axe found problems on the admin home:\n{describe(blocking)}"
