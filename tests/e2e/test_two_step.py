"""Staff set up two-step sign-in and sign in with it, on a phone, with and without
JavaScript; with it on, axe checks each page on the way."""

import time
from base64 import b32decode

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE
from tests.e2e.test_accessibility import BLOCKING_IMPACTS, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-passphrase-for-staff"
CODE_FIELD = "6-digit code from your authenticator app"


def code_from_key(typed_key: str, *, at: float | None = None) -> str:
    """What an authenticator app shows for the key typed in by hand (now, or at `at`)."""
    key = typed_key.replace(" ", "")
    totp = TOTP(b32decode(key + "=" * (-len(key) % 8)))
    if at is not None:
        totp.time = at
    return f"{totp.token():06d}"


def sign_in_with_password(page: Page, base_url: str) -> None:
    page.goto(base_url + "/admin/")
    page.get_by_label("Username").fill("rita")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.parametrize("javascript", [False, True], ids=["js-off", "js-on"])
def test_set_up_then_sign_in_with_a_code(
    live_server, django_user_model, new_page, screenshot, settings, javascript
):
    settings.RATELIMIT_ENABLE = False
    django_user_model.objects.create_user(
        "rita", password=PASSWORD, is_staff=True, is_superuser=True
    )
    page = new_page(**PHONE, java_script_enabled=javascript)

    def check(label: str) -> None:
        screenshot(page, label.replace(" ", "-"))
        if not javascript:
            return  # axe runs inside the page
        results = Axe().run(page)
        blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
        assert not blocking, f"axe found problems on the {label}:\n{describe(blocking)}"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["viewport"]["width"], f"the {label} is wider than the phone"

    sign_in_with_password(page, live_server.url)
    page.get_by_role("link", name="Two-step sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step sign-in")
    expect(
        page.get_by_role("img", name="QR code to add this site to your authenticator app")
    ).to_be_visible()
    check("setup page")
    key = page.locator("#two-step-secret").inner_text()

    page.get_by_label(CODE_FIELD).fill("000000")
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    check("setup page with an error")
    TOTPDevice.objects.update(throttling_failure_timestamp=None)  # no 1-second wait

    first_at = time.time()
    page.get_by_label(CODE_FIELD).fill(code_from_key(key, at=first_at))
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your backup codes")
    expect(page.locator(".two-step-codes li")).to_have_count(10)
    check("backup codes page")

    page.get_by_role("button", name="Log out").click()
    sign_in_with_password(page, live_server.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your sign-in code")
    check("code page")
    page.get_by_label(CODE_FIELD).fill(code_from_key(key, at=first_at + 30))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Articles, assessments and leads")).to_be_visible()
