"""`make e2e-prod`: a visitor's whole journey through the production shape, in Chromium.

prod_shape starts PostgreSQL, Redis, an SMTP sink, the release step and deploy/Procfile.prod
(two gunicorn masters, two Celery workers, one beat; DEBUG off). The visitor then goes
home -> article -> call to action -> every question -> details -> result -> PDF, switching
between the two gunicorn processes at every step, so a page that relied on one process's
memory would fail. Then the mail: exactly one result email, whose confirm link works and
whose List-Unsubscribe one-click POST unsubscribes. Exits non-zero, saying what failed.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sys
import time
import urllib.error
import urllib.request
import uuid
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect, sync_playwright

from devtools import prod_shape

SEED_TITLE = "Are you Career or Job Focused?"
QUESTIONS = 10
QUIZ_MIN_SECONDS = 8  # the production default: a person takes longer, so the journey waits
TOTAL_SECONDS = 600
EMAIL_SECONDS = 60
LATE_DUPLICATE_SECONDS = 5
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
_LINK = re.compile(r"https?://\S+?/email/confirm/[^/\s]+/")


class JourneyFailed(Exception):
    """A step did not do what a visitor would expect."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise JourneyFailed(message)


def say(message: str) -> None:
    print(message, flush=True)


class Visitor:
    """A browser tab that alternates between the web processes, as a load balancer would."""

    def __init__(self, page: Page, web_urls: list[str]) -> None:
        self.page = page
        self.web_urls = web_urls
        self.turn = 0

    def goto(self, path: str) -> None:
        self.turn += 1
        self.page.goto(self.web_urls[self.turn % len(self.web_urls)] + path)

    def switch_process(self) -> None:
        """Open the page we are on from the other gunicorn process."""
        self.goto(urlsplit(self.page.url).path)


def read_the_article(visitor: Visitor) -> None:
    page = visitor.page
    visitor.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("career in solar")
    page.get_by_role("link", name=SEED_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SEED_TITLE)
    visitor.switch_process()
    expect(page.get_by_role("heading", level=1)).to_have_text(SEED_TITLE)
    say("  home page and article: ok")


def take_the_quiz(visitor: Visitor) -> float:
    """From the article's call to action (it starts the quiz) through every question; returns
    when the call to action was followed."""
    page = visitor.page
    page.get_by_role("link", name=re.compile("^Start the assessment")).click()  # starts it
    started = time.monotonic()
    for number in range(1, QUESTIONS + 1):
        visitor.switch_process()  # the answers so far live in the shared session
        expect(page.locator("#quiz-progress-label")).to_have_text(
            f"Question {number} of {QUESTIONS}"
        )
        # With JavaScript, a tap on an answer sends it: no Next (tests/e2e/test_quiz_flow.py).
        page.get_by_text("Agree", exact=True).click()
        page.wait_for_url(
            re.compile(rf"/q/{number + 1}/$" if number < QUESTIONS else r"/details/$")
        )
    expect(page.get_by_role("heading", level=1)).to_contain_text("where should we send")
    say(f"  call to action, Start and {QUESTIONS} questions: ok")
    return started


def send_details(visitor: Visitor, address: str, started: float) -> None:
    page = visitor.page
    visitor.switch_process()
    page.get_by_label("First name").fill("Ana")
    page.get_by_label("Email address").fill(address)
    page.get_by_label("Current role (optional)").fill("Project engineer")
    page.get_by_label(re.compile("also send me a few follow-up emails")).check()
    # QUIZ_MIN_SECONDS stays at its production value; a person is never this quick anyway.
    time.sleep(max(0.0, started + QUIZ_MIN_SECONDS + 1 - time.monotonic()))
    page.get_by_role("button", name="Send me my result").click()
    expect(page).to_have_url(re.compile(r"/result/$"))
    say("  details form: ok")


def see_result_and_download(visitor: Visitor, address: str) -> None:
    page = visitor.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Your result: Between the two")
    expect(page.locator(".result-emailed")).to_contain_text(address)
    visitor.switch_process()  # the result is named in the session, not in one process
    expect(page.get_by_role("heading", level=1)).to_have_text("Your result: Between the two")
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("^Download")).click()
    pdf = Path(info.value.path()).read_bytes()
    check(pdf.startswith(b"%PDF-"), f"the download is not a PDF: {pdf[:20]!r}")
    say(f"  result page and PDF download ({len(pdf)} bytes): ok")


def result_email(shape: prod_shape.Shape, address: str) -> EmailMessage:
    """Exactly one email reaches the visitor, however many workers could have sent it."""
    arrived = shape.sink.wait_until(lambda: shape.sink.messages_to(address), EMAIL_SECONDS)
    check(arrived, f"no email reached {address} within {EMAIL_SECONDS} s")
    time.sleep(LATE_DUPLICATE_SECONDS)  # a second copy from the other worker would be here
    messages = shape.sink.messages_to(address)
    check(len(messages) == 1, f"{len(messages)} emails reached {address}, not exactly one")
    message = messages[0]
    check("result" in str(message["Subject"]).lower(), f"unexpected subject {message['Subject']}")
    say(f"  exactly one result email: ok ({message['Subject']})")
    return message


def post(url: str, data: bytes) -> tuple[int, str]:
    request = urllib.request.Request(  # noqa: S310 - loopback only
        url, data=data, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def confirm_then_unsubscribe(visitor: Visitor, message: EmailMessage) -> None:
    page = visitor.page
    text = message.get_body(preferencelist=("plain",)).get_content()
    link = _LINK.search(text)
    check(link is not None, "the result email has no confirm link")
    page.goto(link[0])
    page.get_by_role("button", name="Yes, send me the follow-ups").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for confirming")
    say("  confirm link: ok")

    check(
        message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click",
        f"List-Unsubscribe-Post is {message['List-Unsubscribe-Post']!r}",
    )
    unsubscribe = str(message["List-Unsubscribe"] or "").strip("<>")
    check(bool(unsubscribe), "the result email has no List-Unsubscribe header")
    # What Gmail's servers do: a POST with no cookie and no CSRF token.
    status, body = post(unsubscribe, b"List-Unsubscribe=One-Click")
    check(status == 200 and "You are unsubscribed" in body, f"one-click POST answered {status}")
    visitor.goto(urlsplit(link[0]).path)  # the next process in turn: the change is stored
    expect(page.get_by_text("You unsubscribed from follow-up emails")).to_be_visible()
    say("  List-Unsubscribe one-click POST: ok")


def production_checks(shape: prod_shape.Shape) -> None:
    """Both web processes are ready and hear both workers; DEBUG is off."""
    census = shape.processes()
    check(
        census == {"gunicorn": 2, "worker": 2, "beat": 1},
        f"expected 2 gunicorn masters, 2 workers and 1 beat, found {census}",
    )
    for url in shape.web_urls:
        status, body = prod_shape.readiness(url)
        check(status == 200, f"{url}/readyz answered {status}: {body}")
        check(body["checks"]["celery"] == "ok (2 workers)", f"{url}/readyz: {body}")
        try:
            urllib.request.urlopen(url + "/no-such-page/", timeout=5)  # noqa: S310
            check(False, f"{url}/no-such-page/ did not answer 404")
        except urllib.error.HTTPError as error:
            page = error.read().decode("utf-8", "replace")
            check(error.code == 404, f"{url}/no-such-page/ answered {error.code}")
            check("URLconf" not in page, f"{url} shows Django's debug page: DEBUG is on")
    say(f"  processes {census}, /readyz 200 on both web processes, DEBUG off: ok")


def walk(shape: prod_shape.Shape, chromium: str) -> None:
    address = f"journey-{uuid.uuid4().hex[:12]}@example.com"
    production_checks(shape)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 390, "height": 844})
            context.set_default_timeout(15_000)
            visitor = Visitor(context.new_page(), shape.web_urls)
            read_the_article(visitor)
            started = take_the_quiz(visitor)
            send_details(visitor, address, started)
            see_result_and_download(visitor, address)
            confirm_then_unsubscribe(visitor, result_email(shape, address))
        finally:
            browser.close()
    production_checks(shape)  # still two of each after the journey


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def _time_is_up(signum, frame):
    raise TimeoutError(f"e2e-prod took longer than {TOTAL_SECONDS} s")


def main() -> int:
    chromium = shutil.which(os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium")
    if not chromium:
        say("e2e-prod FAILED: Chromium not found (install chromium or set CHROMIUM_PATH)")
        return 1
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGALRM, _time_is_up)
    signal.alarm(TOTAL_SECONDS)
    started = time.monotonic()
    try:
        with prod_shape.running(say=say) as shape:
            say("The visitor's journey, alternating between the two web processes:")
            try:
                walk(shape, chromium)
            except BaseException:
                say("Last lines from the processes:\n" + shape.log_tail())
                raise
    except (JourneyFailed, AssertionError, PlaywrightError, RuntimeError, OSError) as exc:
        say(f"e2e-prod FAILED: {type(exc).__name__}: {exc}")
        return 1
    except KeyboardInterrupt:
        say("e2e-prod interrupted; everything it started has been stopped.")
        return 130
    finally:
        signal.alarm(0)
    say(f"e2e-prod passed in {time.monotonic() - started:.0f} s; everything stopped and removed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
