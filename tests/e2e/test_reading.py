"""A visitor finds the seed article from the home page and reads it to the end."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED_TITLE = "Are you Career or Job Focused?"
SEED_PATH = "/articles/are-you-career-or-job-focused/"
CAREER_SIGNS = [
    "Clear on long Term vision of where they want to go",
    "Has an outline of what it takes to get there",
    "Understands skillsets needed to accomplish goals and how to attain those skills",
    "Willingness to move when and where is most beneficial to attaining goals",
]
JOB_SIGNS = [
    "Comfortable where they are as long as bills are paid",
    "Needs big change in order to consider making a job move, such as new leadership or "
    "compensation change",
    "Generally satisfied in their role",
    "May have a fear that a new role won’t live up to their expectation",
]


def list_after_heading(page: Page, heading: str):
    """The items of the list that follows a heading in the article body."""
    return page.locator(f".article-body h2:has-text('{heading}') + ul > li")


def assert_reads_seed_article_in_full(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(SEED_TITLE)
    expect(page.get_by_role("heading", level=2, name="Career Focused")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Job Focused")).to_be_visible()
    expect(list_after_heading(page, "Career Focused")).to_have_text(CAREER_SIGNS)
    expect(list_after_heading(page, "Job Focused")).to_have_text(JOB_SIGNS)
    expect(page.locator(".article-body li")).to_have_count(8)

    last_paragraph = page.locator(".article-body > p").last
    last_paragraph.scroll_into_view_if_needed()
    expect(last_paragraph).to_be_in_viewport()
    expect(last_paragraph).to_contain_text("whitepaper “Don’t Blow it” to get started")


@pytest.mark.parametrize("page_fixture", ["page", "page_no_js"])
def test_visitor_on_a_phone_finds_and_reads_the_seed_article(
    request, live_server, seed_article, screenshot, page_fixture
):
    page: Page = request.getfixturevalue(page_fixture)
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("career in solar")

    page.get_by_role("link", name=SEED_TITLE).click()
    expect(page).to_have_url(re.compile(re.escape(SEED_PATH) + "$"))
    assert_reads_seed_article_in_full(page)

    # Nothing is wider than the phone: no sideways scrolling to read a line.
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= page.viewport_size["width"]
    screenshot(page, "article")


def test_keyboard_user_skips_straight_to_the_article(
    live_server, seed_article, desktop_page, screenshot
):
    page = desktop_page
    page.goto(live_server.url + SEED_PATH)
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).not_to_be_in_viewport()

    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    screenshot(page, "skip-link-focused")

    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # The next Tab lands inside the article, past the site's header links.
    page.keyboard.press("Tab")
    expect(page.locator("main :focus")).to_have_count(1)
