"""The Content-Security-Policy breaks nothing: Chromium reports no violation anywhere a
visitor goes, and the quiz still works from start to result."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUIZ = "/assessment/career-or-job-focused/"


def record_violations(page: Page) -> list[str]:
    """Chromium logs every refused script, style or image to the console."""
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/articles/",
        "/articles/are-you-career-or-job-focused/",
        "/privacy/",
        "/contact/",
        "/nope/",
    ],
)
def test_public_pages_load_without_a_policy_violation(live_server, seed_article, page, path):
    violations = record_violations(page)
    response = page.goto(live_server.url + path)
    assert "Content-Security-Policy" in {name.title() for name in response.headers}
    page.wait_for_load_state("load")
    # The stylesheets did apply (Bootstrap's reboot zeroes the body's margin).
    assert page.evaluate("getComputedStyle(document.body).margin") == "0px"
    assert violations == []


def test_the_whole_quiz_runs_without_a_policy_violation(live_server, seed_article, page, settings):
    settings.QUIZ_MIN_SECONDS = 0
    violations = record_violations(page)
    page.goto(live_server.url + QUIZ)
    page.get_by_role("button", name="Start the assessment").click()
    page.get_by_role("button", name="Next").click()  # the error state too
    page.wait_for_load_state()  # the question's script runs before the first tap
    for number in range(1, 11):  # with JavaScript, a tap on an answer moves on
        page.get_by_text("Agree", exact=True).click()
        page.wait_for_url(re.compile(rf"/q/{number + 1}/$" if number < 10 else r"/details/$"))
    page.get_by_role("button", name="Send me my result").click()  # errors on the form
    page.get_by_label("First name").fill("Ana")
    page.get_by_label("Email address").fill("ana@example.com")
    page.get_by_role("button", name="Send me my result").click()
    page.wait_for_url("**/result/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto(live_server.url + QUIZ + "download/x:y:z/")
    page.get_by_label("Email address").fill("ana@example.com")
    page.get_by_role("button", name="Email me a new link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert violations == []


def test_a_violation_would_be_noticed(live_server, seed_article, page, settings):
    """The check above can fail: a policy that refuses the stylesheets is reported."""
    settings.SECURE_CSP = {"default-src": ["'self'"], "style-src": ["'none'"]}
    violations = record_violations(page)
    page.goto(live_server.url + "/privacy/")
    page.wait_for_load_state("load")
    assert violations
