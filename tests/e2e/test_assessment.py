"""A reader takes the assessment from the article to the whitepaper, with the keyboard only,
in real Chromium, with and without JavaScript."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from assessment.models import Download, Submission
from leads.models import Lead, OutboundEmail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED_PATH = "/articles/are-you-career-or-job-focused/"
QUESTIONS = 10


def focused(page: Page, selector: str) -> bool:
    return page.evaluate(f"document.activeElement && document.activeElement.matches({selector!r})")


def tab_to(page: Page, selector: str, limit: int = 40) -> None:
    """Press Tab until the element matching `selector` has focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page, selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def answer_with_keyboard(page: Page, number: int) -> None:
    """Tab into the answers, pick "Agree" with the arrow keys, Tab to Next and press Enter.

    Focus starts on the statement, so one Tab reaches the first answer. The arrow keys only
    select: with JavaScript on, choosing moves on by itself only on a click, tap or Space.
    """
    expect(page.locator("#quiz-progress-label")).to_have_text(f"Question {number} of {QUESTIONS}")
    expect(page.locator("#question-heading")).to_be_focused()
    page.keyboard.press("Tab")
    assert focused(page, "input[name=choice]")
    for _ in range(3):
        page.keyboard.press("ArrowDown")  # moves and selects: ends on "Agree"
    expect(page.get_by_label("Agree", exact=True)).to_be_checked()
    tab_to(page, ".quiz-nav button[type=submit]")
    label = "Next: your details" if number == QUESTIONS else "Next"
    expect(page.locator(":focus")).to_have_text(label)
    page.keyboard.press("Enter")


def fill_details_with_keyboard(page: Page) -> None:
    tab_to(page, "#id_first_name")
    page.keyboard.type("Ana")
    page.keyboard.press("Tab")
    page.keyboard.type("ana@example.com")
    page.keyboard.press("Tab")
    page.keyboard.type("Project engineer")
    page.keyboard.press("Tab")
    assert focused(page, "#id_follow_up_consent")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # the honeypot is out of the tab order
    expect(page.locator(":focus")).to_have_text("How we use your details")  # the notice
    page.keyboard.press("Tab")
    assert focused(page, "input[type=submit], button[type=submit]")
    page.keyboard.press("Enter")


@pytest.mark.parametrize("page_fixture", ["page", "page_no_js"])
def test_from_the_article_to_the_whitepaper_with_the_keyboard(
    request, live_server, seed_article, settings, screenshot, page_fixture
):
    settings.QUIZ_MIN_SECONDS = 0  # a browser answers faster than any person
    page: Page = request.getfixturevalue(page_fixture)
    page.goto(live_server.url + SEED_PATH)
    expect(page.get_by_role("heading", level=1)).to_have_text("Are you Career or Job Focused?")
    cta = page.get_by_role("link", name=re.compile("^Start the assessment"))
    cta.scroll_into_view_if_needed()
    cta.focus()
    page.keyboard.press("Enter")  # the call to action starts the quiz: no intro to pass
    for number in range(1, QUESTIONS + 1):
        answer_with_keyboard(page, number)

    expect(page.get_by_role("heading", level=1)).to_contain_text("where should we send")
    fill_details_with_keyboard(page)

    expect(page).to_have_url(re.compile(r"/assessment/career-or-job-focused/result/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your result: Between the two")
    # Agree everywhere: 5 career statements score 4, 5 job statements score 2.
    expect(page.locator(".result-score-text")).to_contain_text("30 out of 50")
    expect(page.locator("#steps-heading")).to_contain_text("most useful next step")
    expect(page.locator(".result-emailed")).to_contain_text("ana@example.com")
    screenshot(page, "result")

    page.reload()  # the result survives a reload
    expect(page.get_by_role("heading", level=1)).to_have_text("Your result: Between the two")
    download_link = page.get_by_role("link", name=re.compile("^Download"))
    with page.expect_download() as info:
        download_link.click()
    assert Path(info.value.path()).read_bytes().startswith(b"%PDF")

    lead = Lead.objects.get()
    assert (lead.email, lead.first_name, lead.consented) == ("ana@example.com", "Ana", True)
    submission = Submission.objects.get()
    assert submission.landing_path == SEED_PATH
    assert submission.landing_title == "Are you Career or Job Focused?"
    assert submission.answers.count() == QUESTIONS
    assert Download.objects.filter(submission=submission).count() == 1
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.RESULT).count() == 1
