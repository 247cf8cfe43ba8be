"""The logo, the byline and the trust blocks in Chromium at a phone's size: accessible
names a screen reader announces, and no axe violation of any impact with every block
present (issue #12, part 6)."""

import re
from io import BytesIO

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.files.base import ContentFile
from PIL import Image
from playwright.sync_api import expect

from articles.models import Author, PlacementFigure, Testimonial
from tests.e2e.test_accessibility import PUBLIC_IMPACTS, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def photo(colour: str) -> ContentFile:
    buffer = BytesIO()
    Image.new("RGB", (96, 96), colour).save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="photo.png")


@pytest.fixture
def blocks(seed_article):
    """Every kind of block, with and without photos, as staff would publish them."""
    author = Author.objects.create(name="Dana Berg", role="Lead recruiter, solar and storage")
    author.photo.save("dana.png", photo("#8899aa"))
    seed_article.author = author
    seed_article.save()
    PlacementFigure.objects.create(number="250+", label="people placed in solar", is_published=True)
    PlacementFigure.objects.create(
        number="94%", label="still in the role a year on", is_published=True
    )
    with_photo = Testimonial(
        quote="They found me a role I didn't know existed, and told me straight what it paid.",
        name="Priya N.",
        role="Project manager, placed in 2025",
        is_published=True,
    )
    with_photo.photo.save("priya.png", photo("#aa8866"), save=False)
    with_photo.save()
    Testimonial.objects.create(
        quote="Honest advice, even when it was to stay where I was.",
        name="Marco R.",
        role="Site supervisor",
        is_published=True,
    )
    return seed_article


def test_logo_byline_and_blocks_have_names_and_no_axe_violations(
    live_server, blocks, page, screenshot, settings
):
    settings.QUIZ_MIN_SECONDS = 0
    axe = Axe()

    def check(label: str) -> None:
        # The blocks are really there, photos loaded, before axe looks.
        expect(
            page.get_by_role("heading", name=f"Why people trust {settings.FIRM_NAME}")
        ).to_be_visible()
        # The testimonial's photo is decoration (the name is beside it): alt="".
        priya = page.locator(".trust-testimonial img")
        expect(priya).to_have_attribute("alt", "")
        expect(priya).to_have_js_property("complete", True)
        results = axe.run(page)
        problems = [v for v in results.response["violations"] if v["impact"] in PUBLIC_IMPACTS]
        screenshot(page, f"trust-{label}")
        assert not problems, f"axe found problems on the {label}:\n{describe(problems)}"

    page.goto(live_server.url + "/")
    header = page.get_by_role("banner")
    logo_link = header.get_by_role("link", name=settings.FIRM_NAME, exact=True)
    expect(logo_link).to_have_attribute("href", "/")
    expect(logo_link.get_by_role("img", name=settings.FIRM_NAME)).to_be_visible()
    # The SVG really loaded and has a size: a broken logo would be 0 wide.
    assert logo_link.locator("img").evaluate("img => img.naturalWidth") > 0
    expect(page.get_by_role("listitem").filter(has_text="250+")).to_contain_text(
        "people placed in solar"
    )
    check("home")

    page.goto(live_server.url + blocks.get_absolute_url())
    header = page.locator("article header")
    expect(header.get_by_text(re.compile(r"^By Dana Berg"))).to_be_visible()
    expect(header.get_by_role("img", name="Photo of Dana Berg")).to_be_visible()
    expect(header).to_contain_text("Lead recruiter, solar and storage")
    results = axe.run(page)
    problems = [v for v in results.response["violations"] if v["impact"] in PUBLIC_IMPACTS]
    screenshot(page, "trust-article")
    assert not problems, f"axe found problems on the article:\n{describe(problems)}"

    page.goto(live_server.url + "/assessment/career-or-job-focused/")
    check("quiz intro")
    page.get_by_role("button", name="Start the assessment").click()
    page.wait_for_load_state()
    for number in range(1, 11):
        page.get_by_text("Agree", exact=True).click()
        page.wait_for_url(re.compile(rf"/q/{number + 1}/$" if number < 10 else r"/details/$"))
    page.get_by_label("First name").fill("Ana")
    page.get_by_label("Email address").fill("ana@example.com")
    page.get_by_role("button", name="Send me my result").click()
    page.wait_for_url("**/result/")
    check("result page")


def test_the_byline_without_a_photo_shows_initials_that_screen_readers_skip(
    live_server, seed_article, page
):
    seed_article.author = Author.objects.create(name="Sam Lee", role="Recruiter")
    seed_article.save()
    page.goto(live_server.url + seed_article.get_absolute_url())
    initials = page.locator(".avatar-initials")
    expect(initials).to_have_text("SL")
    expect(initials).to_have_attribute("aria-hidden", "true")
    # A circle the size of the photo it stands in for.
    box = initials.bounding_box()
    assert box and box["width"] == box["height"] >= 40
    expect(page.locator("article header")).to_contain_text("By Sam Lee")
