"""Real Chromium, driven by Playwright, against pytest-django's live server.

Playwright can't download its own browser here, so we launch the system Chromium. One
browser serves the whole session (launching is the slow part); every test gets a fresh
context, so cookies and storage never leak between tests.
"""

import os
import re
import shutil
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, sync_playwright

from articles.models import Article

# Playwright's sync API keeps an event loop running in this thread for the whole session,
# which makes Django refuse ORM calls (in these tests and in any test that runs after them)
# unless we say that is fine. It is: the loop is Playwright's, and no Django code runs in it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def chromium_path() -> str | None:
    """CHROMIUM_PATH if set, else Debian's chromium; None when it isn't there."""
    candidate = os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM
    found = shutil.which(candidate)
    return found if found and Path(found).is_file() else None


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    path = chromium_path()
    if path is None:
        reason = "Chromium not found: set CHROMIUM_PATH or install chromium"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason} (REQUIRE_BROWSER=1 forbids skipping)", pytrace=False)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Open pages in fresh browser contexts; all are closed when the test ends."""
    contexts = []

    def open_page(**context_options) -> Page:
        context = browser.new_context(**context_options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page) -> Page:
    """A phone-sized page: most visitors read on their phones."""
    return new_page(**PHONE)


@pytest.fixture
def page_no_js(new_page) -> Page:
    """A phone-sized page with JavaScript switched off."""
    return new_page(**PHONE, java_script_enabled=False)


@pytest.fixture
def desktop_page(new_page) -> Page:
    """A desktop-sized page, as recruiting staff use the admin."""
    return new_page(**DESKTOP)


@pytest.fixture
def seed_article(transactional_db):
    """The article the site starts with, loaded the way `make run` loads it."""
    call_command("load_initial_content", stdout=StringIO())
    return Article.objects.get(slug="are-you-career-or-job-focused")


@pytest.fixture
def screenshot(request) -> Callable[[Page, str], Path]:
    """Save a full-page screenshot under test-artifacts/ for a human to look at."""

    def save(page: Page, label: str) -> Path:
        test_name = re.sub(r"[^\w.-]+", "_", request.node.name).strip("_")
        path = ARTIFACTS / f"{test_name}-{label}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return save
