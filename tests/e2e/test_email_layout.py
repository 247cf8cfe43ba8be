"""Every kind of email, as Chromium lays it out on a 375 px phone and in a 600 px pane.

The HTML is what the outbox stores (CSS inlined), built by the same functions the real
emails use: the email previews. The figures (where the main button sits) are in
docs/email.md#the-layout.
"""

from io import StringIO

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import Browser, Page

from leads.previews import Preview, email_previews

from .test_accessibility import describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

WIDTHS = [375, 600]
PHONE_PADDING = "16px"  # the phone media query's, where the inlined style says 32px
FIRST_SCREEN = 500  # the download must start above this on the phone
MIN_TARGET = 44  # px, a comfortable tap target (WCAG 2.2's minimum is 24)


@pytest.fixture
def previews() -> list[Preview]:
    """Every email with the initial content: the result (with its confirm link), a fresh
    link, each follow-up, the team's note, a recruiter's call request and its escalation, and
    a booked call's invitation, reminder, cancellation and the recruiter's notice of an answer."""
    call_command("load_initial_content", stdout=StringIO())
    rendered = email_previews()
    assert {p.name for p in rendered} == {
        "result",
        "fresh_link",
        "follow_up",
        "lead_notification",
        "call_request_notice",
        "call_request_overdue",
        "call_invitation",
        "call_reminder",
        "call_cancelled",
        "call_visitor_answer",
        "call_recruiter_reminder",
    }
    assert not [p.problem for p in rendered if p.problem]
    return rendered


def open_email(browser: Browser, html: str, *, width: int, scheme: str = "light") -> Page:
    context = browser.new_context(
        viewport={"width": width, "height": 800}, is_mobile=width < 600, color_scheme=scheme
    )
    page = context.new_page()
    page.set_content(html)
    return page


def box(page: Page, selector: str) -> dict[str, float]:
    found = page.locator(selector)
    assert found.count() == 1, f"expected one {selector}, found {found.count()}"
    measured = found.bounding_box()
    assert measured is not None, f"{selector} is not shown"
    return measured


def luminance(css_colour: str) -> float:
    """WCAG relative luminance of an rgb()/rgba() colour as getComputedStyle gives it."""
    inside = css_colour.split("(")[1].rstrip(")")
    red, green, blue = (int(part) / 255 for part in inside.split(",")[:3])

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(one: str, other: str) -> float:
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def style(page: Page, selector: str, prop: str) -> str:
    return page.locator(selector).first.evaluate(
        "(el, prop) => getComputedStyle(el).getPropertyValue(prop)", prop
    )


def test_every_email_fits_the_phone_and_leads_with_its_main_button(browser, previews):
    figures = []
    for preview in previews:
        for width in WIDTHS:
            page = open_email(browser, preview.html_body, width=width)
            where = f"{preview.label} at {width} px"
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{where}: {overflow} px of sideways scrolling"

            button = box(page, "a.button-primary")
            assert button["x"] >= 0 and button["x"] + button["width"] <= width, where
            assert button["height"] >= MIN_TARGET, where
            figures.append((preview.label, width, round(button["y"])))
            if preview.name in {"result", "fresh_link"}:
                assert button["y"] < FIRST_SCREEN, f"{where}: the download is {button['y']} px down"

            preheader = page.locator(".preheader")
            assert preheader.text_content().strip(), f"{where}: no preheader"
            assert preheader.is_hidden() and preheader.bounding_box() is None, where

            if width < 600:  # the phone query wins over the inlined padding
                assert "padding: 32px" in page.locator("td.content").get_attribute("style")
                assert style(page, "td.content", "padding-left") == PHONE_PADDING, where
            page.context.close()
    print("\n".join(f"{label} | {width} | {top}" for label, width, top in figures))


def test_the_result_emails_confirm_button_is_visibly_secondary(browser, previews):
    result = next(p for p in previews if p.name == "result")
    page = open_email(browser, result.html_body, width=375)
    download, confirm = box(page, "a.button-primary"), box(page, "a.button-secondary")
    assert page.locator("a.button-primary").inner_text().startswith("Download")
    assert page.locator("a.button-secondary").inner_text() == "Yes, send me the career emails"
    assert confirm["y"] > download["y"] + download["height"]
    # Filled versus outlined: the confirm button is the page's colour, with a border.
    filled = style(page, "td.button-cell-primary", "background-color")
    outlined = style(page, "td.button-cell-secondary", "background-color")
    assert filled != outlined
    assert outlined == style(page, "td.content", "background-color")
    assert style(page, "td.button-cell-secondary", "border-top-width") == "2px"
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_and_buttons_stay_readable_in_light_and_dark_mode(browser, previews, scheme):
    for preview in previews:
        page = open_email(browser, preview.html_body, width=375, scheme=scheme)
        where = f"{preview.label}, {scheme}"
        card = style(page, "td.content", "background-color")
        assert (luminance(card) < 0.05) == (scheme == "dark"), where
        for selector in ["td.content p", "td.content a:not(.button)", ".note", "td.footer p"]:
            if not page.locator(selector).count():
                continue
            colour = style(page, selector, "color")
            behind = style(page, "table.page", "background-color") if "footer" in selector else card
            assert contrast(colour, behind) >= 4.5, f"{where}: {selector} {colour} on {behind}"
        for kind in ["primary", "secondary"]:
            if page.locator(f"a.button-{kind}").count():
                text = style(page, f"a.button-{kind}", "color")
                fill = style(page, f"td.button-cell-{kind}", "background-color")
                assert contrast(text, fill) >= 4.5, f"{where}: {kind} button {text} on {fill}"
        assert page.locator("img:not([alt])").count() == 0, where
        page.context.close()


# Rules about a whole page: an email is shown inside the mail client's page, which has the
# landmarks (an email declaring a main region would nest a second one) and shows the
# subject as the heading a follow-up, written as a letter, starts under.
NOT_FOR_EMAIL = {
    rule: {"enabled": False} for rule in ("landmark-one-main", "region", "page-has-heading-one")
}


def test_every_email_has_no_accessibility_violations(browser, previews):
    axe = Axe()
    for preview in previews:
        page = open_email(browser, preview.html_body, width=375)
        options = {"resultTypes": ["violations"], "rules": NOT_FOR_EMAIL}
        violations = axe.run(page, options=options).response["violations"]
        page.context.close()
        assert not violations, f"axe on {preview.label}:\n{describe(violations)}"
