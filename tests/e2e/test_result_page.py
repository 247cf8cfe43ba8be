"""The result that converts: from the article to the result in one tap an answer, then the
band, the score, the download and the next step on a phone's first screen, and the main
content within two screens; the rest opens without JavaScript."""

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import PHONE
from .test_quiz_flow import assert_ring

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED_PATH = "/articles/are-you-career-or-job-focused/"
QUESTIONS = 10
SCREEN = PHONE["viewport"]["height"]


def bottom(page: Page, selector: str) -> float:
    return page.locator(selector).first.evaluate("el => el.getBoundingClientRect().bottom")


def tapping(page: Page) -> list[str]:
    """Every tap or click the visitor makes, by what it landed on."""
    taps: list[str] = []
    page.on("console", lambda m: taps.append(m.text[4:]) if m.text.startswith("tap:") else None)
    page.add_init_script(
        "document.addEventListener('pointerdown', e => console.log('tap:' + e.target.tagName),"
        " true)"
    )
    return taps


def to_the_result(page: Page, url: str) -> list[str]:
    taps = tapping(page)
    page.clock.install()
    page.goto(url + SEED_PATH)
    cta = page.get_by_role("link", name=re.compile("^Start the assessment"))
    cta.scroll_into_view_if_needed()
    cta.click()  # starts the quiz: the first statement is the next page
    for number in range(1, QUESTIONS + 1):
        page.wait_for_url(re.compile(rf"/q/{number}/$"))  # and its load event: quiz.js ran
        page.get_by_text("Agree", exact=True).click()
        page.clock.run_for(400)
    expect(page.get_by_role("heading", level=1)).to_contain_text("where should we send")
    answer_taps = len(taps)
    page.get_by_label("First name").fill("Ana")  # typing: fill() taps nothing
    page.get_by_label("Email address").fill("ana@example.com")
    page.get_by_role("button", name="Send me my result").click()
    expect(page).to_have_url(re.compile(r"/result/$"))
    assert answer_taps == 1 + QUESTIONS  # the article's button, one tap an answer
    return taps


def test_a_phone_sees_the_result_at_a_glance(live_server, seed_article, page, settings):
    settings.QUIZ_MIN_SECONDS = 0
    taps = to_the_result(page, live_server.url)
    assert len(taps) == 1 + QUESTIONS + 1  # and Send: 12 for 10 questions
    expect(page.locator(".result-headline")).to_have_text("Your result: Between the two")
    # The first screen: the band, the score, the download and the recruiter.
    for selector in (
        ".result-headline",
        ".result-meter",
        ".result-download .btn",
        ".next-step .btn",
    ):
        assert bottom(page, selector) <= SCREEN, selector
    # The chart, the strongest sign and the two next steps end within two screens.
    assert bottom(page, ".result-steps") <= 2 * SCREEN
    expect(page.locator(".result-chart-svg .chart-bar")).to_have_count(8)
    # Nothing pushes the page sideways (the chart's table for screen readers once did: 664 px).
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
    # Every control on the page shows the focus ring (as on the quiz's steps).
    for selector in (".result-download .btn", ".next-step .btn", "summary"):
        page.locator(".result-headline").click()
        assert_ring(page, selector)
    # The reader came from the seed article: it isn't suggested again.
    expect(page.locator(".read-next a", has_text="Are you Career or Job Focused?")).to_have_count(0)
    page.get_by_role("link", name="Talk to a recruiter, confidentially").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Talk to a recruiter, confidentially")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_disclosures_open_without_javascript(
    live_server, seed_article, new_page, settings, size
):
    settings.QUIZ_MIN_SECONDS = 0
    viewport = PHONE if size == "phone" else {"viewport": {"width": 1366, "height": 900}}
    page = new_page(**viewport, java_script_enabled=False)
    page.goto(live_server.url + "/assessment/career-or-job-focused/")
    page.get_by_role("button", name="Start the assessment").click()
    for _ in range(QUESTIONS):
        page.get_by_label("Agree", exact=True).check()
        page.locator(".quiz-nav button[type=submit]").click()
    page.get_by_label("First name").fill("Ana")
    page.get_by_label("Email address").fill("ana@example.com")
    page.get_by_role("button", name="Send me my result").click()
    expect(page).to_have_url(re.compile(r"/result/$"))
    height = viewport["viewport"]["height"]
    assert bottom(page, ".result-download .btn") <= height
    bands = page.get_by_text("(your result)")
    expect(bands).to_be_hidden()
    page.get_by_text("How the score works").focus()
    page.keyboard.press("Enter")  # a native disclosure: no script needed
    expect(bands).to_be_visible()


def test_every_article_ends_with_the_next_step(live_server, seed_article, page):
    page.goto(live_server.url + SEED_PATH)
    link = page.locator(".next-step").get_by_role(
        "link", name="Talk to a recruiter, confidentially"
    )
    expect(link).to_have_attribute("href", "/contact/")
