"""The quiz flows: one tap an answer with JavaScript, Next without it, the keyboard all the
way, a focus ring on every control, and what a phone shows without scrolling.

Timers run on Playwright's fake clock, so "the pause" is stepped through, never waited for.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUIZ = "/assessment/career-or-job-focused/"
QUESTIONS = 10
WIDE = {"viewport": {"width": 1366, "height": 900}}
SIZES = {"phone": PHONE, "desktop": WIDE}


def at_question(page: Page, number: int) -> None:
    """On question `number`, with its script running (a tap before then just selects)."""
    page.wait_for_url(re.compile(rf"/q/{number}/$"))  # and its load event: quiz.js ran
    expect(page.locator("#quiz-progress-label")).to_have_text(f"Question {number} of {QUESTIONS}")


def start(page: Page, url: str) -> None:
    page.goto(url + QUIZ)
    page.get_by_role("button", name="Start the assessment").click()
    at_question(page, 1)


def question_posts(page: Page) -> list[str]:
    posts: list[str] = []
    page.on(
        "request",
        lambda r: posts.append(r.url) if r.method == "POST" and "/q/" in r.url else None,
    )
    return posts


@pytest.mark.parametrize("size", SIZES)
def test_a_tap_on_an_answer_moves_on_after_a_pause(live_server, seed_article, new_page, size):
    page = new_page(**SIZES[size])
    page.clock.install()
    start(page, live_server.url)
    for number in range(1, QUESTIONS + 1):
        at_question(page, number)
        page.get_by_text("Agree", exact=True).click()  # the label: a tap anywhere on the answer
        page.clock.run_for(400)
    expect(page.get_by_role("heading", level=1)).to_contain_text("where should we send")
    # Back still goes back, with the answer kept.
    page.get_by_role("link", name="Back to the last question").click()
    at_question(page, QUESTIONS)
    expect(page.get_by_label("Agree", exact=True)).to_be_checked()
    page.get_by_role("link", name=re.compile("^Back")).click()
    at_question(page, QUESTIONS - 1)


def test_the_arrow_keys_only_select_and_space_moves_on(live_server, seed_article, page):
    page.clock.install()
    posts = question_posts(page)
    start(page, live_server.url)
    # Focus starts on the statement, so the first Tab reaches the answers.
    expect(page.locator("#question-heading")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Strongly disagree")).to_be_focused()
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Agree", exact=True)).to_be_checked()
    page.clock.run_for(2000)
    assert posts == []
    at_question(page, 1)
    page.keyboard.press("Space")  # Space on a focused answer chooses it: that moves on
    page.clock.run_for(400)
    at_question(page, 2)
    assert len(posts) == 1


@pytest.mark.parametrize("size", SIZES)
def test_keyboard_only_with_javascript(live_server, seed_article, new_page, size, settings):
    """Tab, arrows and Enter from the intro to the result, JavaScript on."""
    settings.QUIZ_MIN_SECONDS = 0
    page = new_page(**SIZES[size])
    page.goto(live_server.url + QUIZ)
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    for number in range(1, QUESTIONS + 1):
        at_question(page, number)
        expect(page.locator("#question-heading")).to_be_focused()
        page.keyboard.press("Tab")
        for _ in range(3):
            page.keyboard.press("ArrowDown")
        expect(page.get_by_label("Agree", exact=True)).to_be_checked()
        page.keyboard.press("Enter")  # submits the form from the chosen answer
    expect(page.get_by_role("heading", level=1)).to_contain_text("where should we send")
    tab_to(page, "#id_first_name")
    page.keyboard.type("Ana")
    tab_to(page, "#id_email")
    page.keyboard.type("ana@example.com")
    tab_to(page, "[type=submit]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/result/$"))


def test_without_javascript_an_answer_waits_for_next(live_server, seed_article, page_no_js):
    page = page_no_js
    posts = question_posts(page)
    start(page, live_server.url)
    expect(page.locator("#question-heading")).to_be_focused()  # autofocus needs no script
    page.get_by_text("Agree", exact=True).click()
    expect(page.get_by_label("Agree", exact=True)).to_be_checked()
    assert posts == []  # nothing can send the form but Next
    page.get_by_role("button", name="Next").click()
    at_question(page, 2)
    assert len(posts) == 1


def tab_to(page: Page, selector: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


# The focus ring: computed on the control, focused from the keyboard and then not.
RING = """el => {
  const s = getComputedStyle(el);
  let bg = null;
  for (let n = el.parentElement; n && !bg; n = n.parentElement) {
    const c = getComputedStyle(n).backgroundColor;
    if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') bg = c;
  }
  return {outline: [s.outlineStyle, s.outlineWidth, s.outlineColor].join(' '),
          style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor,
          shadow: s.boxShadow, background: bg || 'rgb(255, 255, 255)'};
}"""


def _luminance(rgb: str) -> float:
    parts = [int(v) / 255 for v in re.findall(r"\d+", rgb)[:3]]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in parts]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def assert_ring(page: Page, selector: str) -> None:
    """Tab to the control; its focused look differs from its unfocused one by an outline of
    at least 2 px at 3:1 or more against what surrounds it."""
    tab_to(page, selector)
    control = page.evaluate_handle("document.activeElement")
    focused = control.evaluate(RING)
    page.evaluate("document.activeElement.blur()")
    unfocused = control.evaluate(RING)
    where = f"{selector}: focused {focused}, unfocused {unfocused}"
    assert (focused["outline"], focused["shadow"]) != (unfocused["outline"], unfocused["shadow"])
    assert focused["style"] not in ("none", "hidden") and focused["width"] >= 2, where
    assert contrast(focused["color"], focused["background"]) >= 3, where


def test_every_control_on_the_way_shows_a_focus_ring(live_server, seed_article, page, settings):
    settings.QUIZ_MIN_SECONDS = 0
    page.goto(live_server.url + QUIZ)
    for selector in (".skip-link", ".site-brand", ".site-nav a", "main button[type=submit]"):
        assert_ring(page, selector)
    page.get_by_role("button", name="Start the assessment").click()
    at_question(page, 1)
    for selector in ("input[name=choice]", ".quiz-nav a", ".quiz-nav button"):
        page.locator("#question-heading").focus()
        assert_ring(page, selector)
    for number in range(1, QUESTIONS + 1):
        at_question(page, number)
        page.get_by_text("Agree", exact=True).click()  # moves on by itself
    expect(page.get_by_role("heading", level=1)).to_contain_text("where should we send")
    for selector in (
        "#id_first_name",
        "#id_email",
        "#id_current_role",
        "#id_follow_up_consent",
        "main [type=submit]",
        "main p a",
    ):
        page.locator("h1").click()  # start each search from the top of the form
        assert_ring(page, selector)


def bottom(page: Page, selector: str) -> float:
    return page.locator(selector).first.evaluate("el => el.getBoundingClientRect().bottom")


def test_a_phone_shows_each_step_without_scrolling(live_server, seed_article, page, settings):
    """390x844: Start on the intro; each question with its five answers and Next; the
    details form's button."""
    settings.QUIZ_MIN_SECONDS = 0
    height = PHONE["viewport"]["height"]
    page.goto(live_server.url + QUIZ)
    assert bottom(page, "main button[type=submit]") <= height
    page.get_by_role("button", name="Start the assessment").click()
    for number in range(1, QUESTIONS + 1):
        at_question(page, number)
        assert page.evaluate("scrollY") == 0
        for selector in ("#question-heading", ".quiz-choice:last-child", ".quiz-nav button"):
            assert bottom(page, selector) <= height, f"question {number}: {selector}"
        page.get_by_text("Agree", exact=True).click()  # moves on by itself
    expect(page.get_by_role("heading", level=1)).to_contain_text("where should we send")
    assert bottom(page, "main [type=submit]") <= height
