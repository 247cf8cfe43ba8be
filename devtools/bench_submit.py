"""Part of `make bench`: how long does sending the assessment's details form take?

Visitors walk the quiz over loopback, each question page and answer timed on its own (the
quiz steps' p50/p95), then the details POST is timed. It runs
twice: with an SMTP sink that answers at once, and with one that takes 2 seconds to
accept each message. A real Celery worker sends the emails meanwhile. The figures should
match: the form only writes outbox rows and hands ids to Celery once the transaction
commits, so a slow mail server delays the email, never the visitor.
"""

from __future__ import annotations

import asyncio
import http.client
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from aiosmtpd.controller import Controller

QUIZ_PATH = "/assessment/career-or-job-focused/"
CONCURRENT_VISITORS = 4
MAX_SUBMITS = 500
SLOW_SMTP_SECONDS = 2.0
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_CHOICE = re.compile(r'name="choice" id="choice-\d+" value="(\d+)"')


class SinkHandler:
    """Accepts every message, after `delay` seconds; counts them."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.received = 0
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        with self._lock:
            self.received += 1
        return "250 Message accepted for delivery"


@dataclass
class SubmitResult:
    label: str
    submits: int
    ok: int
    p50_ms: float
    p95_ms: float
    emails_received: int
    # Quiz steps, which no cache can serve: (count, p50 ms, p95 ms) by kind.
    steps: dict[str, tuple[int, float, float]] | None = None


class Visitor:
    """One browser: its own connection and cookies (session and CSRF)."""

    def __init__(self, host: str, port: int) -> None:
        self.connection = http.client.HTTPConnection(host, port, timeout=30)
        self.cookies: dict[str, str] = {}
        # Seconds per quiz step, by kind: the question page (GET) and the answer (POST).
        self.steps: dict[str, list[float]] = {"question page (GET)": [], "answer (POST)": []}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.will_close:
            self.connection.close()
        return response.status, response.headers.get("Location", ""), text

    def get_token(self, path: str) -> tuple[str, str]:
        status, _, html = self.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        return _TOKEN.search(html)[1], html

    def post(self, path: str, form: dict, token: str) -> tuple[int, str]:
        status, location, _ = self.request("POST", path, form | {"csrfmiddlewaretoken": token})
        return status, location

    def finish_quiz(self) -> None:
        """Start and answer every question with "Agree" (the fourth answer)."""
        token, _ = self.get_token(QUIZ_PATH)
        status, location = self.post(QUIZ_PATH, {}, token)
        while status == 302 and "/q/" in location:
            started = time.perf_counter()
            token, html = self.get_token(location)
            self.steps["question page (GET)"].append(time.perf_counter() - started)
            choice = _CHOICE.findall(html)[3]
            started = time.perf_counter()
            status, location = self.post(location, {"choice": choice}, token)
            self.steps["answer (POST)"].append(time.perf_counter() - started)
        if not location.endswith("/details/"):
            raise RuntimeError(f"The quiz did not end at the details form: {status} {location}")

    def submit(self, n: int) -> tuple[float, bool]:
        """The timed part: sending the details form. True when it led to the result page."""
        details = QUIZ_PATH + "details/"
        token, _ = self.get_token(details)
        form = {
            "first_name": f"Bench{n}",
            "email": f"bench-{n}-{time.monotonic_ns()}@example.com",
            "current_role": "Load tester",
        }
        started = time.perf_counter()
        status, location = self.post(details, form, token)
        elapsed = time.perf_counter() - started
        self.connection.close()
        return elapsed, status == 302 and location.endswith("/result/")


def start_sink(delay: float, port: int) -> tuple[Controller, SinkHandler]:
    handler = SinkHandler(delay)
    controller = Controller(handler, hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    return controller, handler


def start_worker(env: dict[str, str], base_dir: Path, log: Path) -> subprocess.Popen:
    """A real Celery worker, so the emails are really sent while visitors submit."""
    return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "site_project",
            "worker",
            "--pool=threads",
            "--concurrency=4",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "WARNING",
            "--logfile",
            str(log),
        ],
        cwd=base_dir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def measure_submits(
    label: str,
    port: int,
    submits: int,
    emails_received: Callable[[], int],
    percentile: Callable[[list[float], float], float],
) -> SubmitResult:
    """`submits` visitors, CONCURRENT_VISITORS at a time; only the details POST is timed."""
    submits = max(1, min(submits, MAX_SUBMITS))

    steps: dict[str, list[float]] = {}

    def one(n: int) -> tuple[float, bool]:
        visitor = Visitor("127.0.0.1", port)
        visitor.finish_quiz()
        for kind, seconds in visitor.steps.items():
            steps.setdefault(kind, []).extend(seconds)  # list.extend is atomic
        return visitor.submit(n)

    with ThreadPoolExecutor(max_workers=CONCURRENT_VISITORS) as pool:
        outcomes = list(pool.map(one, range(submits)))
    latencies = sorted(seconds for seconds, _ in outcomes)
    step_figures = {
        kind: (
            len(values),
            percentile(sorted(values), 50) * 1000,
            percentile(sorted(values), 95) * 1000,
        )
        for kind, values in steps.items()
    }
    return SubmitResult(
        label=label,
        submits=submits,
        ok=sum(ok for _, ok in outcomes),
        p50_ms=percentile(latencies, 50) * 1000,
        p95_ms=percentile(latencies, 95) * 1000,
        emails_received=emails_received(),
        steps=step_figures,
    )


def print_submit_table(results: list[SubmitResult]) -> None:
    print(
        f"\nDetails form submit: {CONCURRENT_VISITORS} visitors at a time, a Celery worker "
        "sending the emails"
    )
    print(f"{'SMTP sink':<26}{'submits':>8}{'ok':>6}{'p50 ms':>10}{'p95 ms':>10}{'emails':>8}")
    for r in results:
        print(
            f"{r.label:<26}{r.submits:>8}{r.ok:>6}{r.p50_ms:>10.2f}{r.p95_ms:>10.2f}"
            f"{r.emails_received:>8}"
        )
    print("(emails: how many the sink had accepted when the last submit finished)")
    print(
        f"\nQuiz steps (never cached: each reads and writes the visitor's session), "
        f"{CONCURRENT_VISITORS} visitors at a time"
    )
    print(f"{'SMTP sink':<26}{'step':<22}{'count':>7}{'p50 ms':>10}{'p95 ms':>10}")
    for r in results:
        for kind, (count, p50, p95) in (r.steps or {}).items():
            print(f"QUIZ {r.label:<21}{kind:<22}{count:>7}{p50:>10.2f}{p95:>10.2f}")
