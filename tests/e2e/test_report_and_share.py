"""From the result page, in Chromium on a phone: the personal report downloads as a PDF
with the visitor's name in it, and "Share this quiz" opens a public page whose card image
is 1200 x 630 and shows nothing of the visitor."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from pypdf import PdfReader

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "Zoë Ørsted-Nuñez"
EMAIL = "zoe.orsted.e2e@example.org"
QUIZ = "/assessment/career-or-job-focused/"


def to_the_result(page: Page, url: str) -> None:
    page.goto(url + QUIZ)
    page.get_by_role("button", name="Start the assessment").click()
    for _ in range(10):
        page.get_by_label("Agree", exact=True).check()
        page.locator(".quiz-nav button[type=submit]").click()
    page.get_by_label("First name").fill(NAME)
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_role("button", name="Send me my result").click()
    expect(page).to_have_url(re.compile(r"/result/$"))


def test_the_report_downloads_from_the_result_page(live_server, seed_article, page_no_js, settings):
    settings.QUIZ_MIN_SECONDS = 0
    to_the_result(page_no_js, live_server.url)
    with page_no_js.expect_download() as download_info:
        page_no_js.get_by_role("link", name="your career-focus report (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == "career-focus-report.pdf"
    reader = PdfReader(download.path())
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert f"Prepared for {NAME}" in text and "Your eight signs" in text


def test_sharing_shows_the_band_and_nothing_of_the_visitor(
    live_server, seed_article, page_no_js, settings
):
    page = page_no_js
    settings.QUIZ_MIN_SECONDS = 0
    settings.SITE_URL = live_server.url
    to_the_result(page, live_server.url)
    band = page.locator(".result-headline").inner_text().removeprefix("Your result: ")
    # By keyboard: Bootstrap's smooth scrolling moves a pointer click's target mid-way.
    page.get_by_role("link", name="Share this quiz").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/share/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"One result: {band}")
    html = page.content()
    for secret in (NAME, "Zoë", EMAIL, "out of"):
        assert secret not in html, secret
    card = page.locator("img.share-card")
    expect(card).to_be_visible()
    image_url = page.locator('meta[property="og:image"]').get_attribute("content")
    assert image_url == card.get_attribute("src")
    response = page.request.get(image_url)
    assert response.ok and response.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(response.body()))
    assert image.size == (1200, 630)
    assert NAME.encode() not in response.body() and EMAIL.encode() not in response.body()
    robots = page.locator('meta[name="robots"]')
    expect(robots).to_have_count(0)
