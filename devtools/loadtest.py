"""`make loadtest`: 50 simulated visitors for 60 seconds against the production shape.

prod_shape starts PostgreSQL, Redis, an SMTP sink and deploy/Procfile.prod (two gunicorn,
two Celery workers, one beat) with rate limits off (RATELIMIT_ENABLE=off: every visitor
comes from 127.0.0.1). locust, headless and on loopback only, runs the visitors of
loadtest_visitors.py. Then it prints requests/s and p95 per step, lets the workers drain
the outbox (bounded), and checks that every submitted lead is in the database and got
exactly one result email. Exits non-zero otherwise.
"""

from __future__ import annotations

import argparse
import json
import math
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from devtools import bench, prod_shape

USERS = 50
SPAWN_RATE = 10  # visitors started a second: all 50 within 5 s
RUN_SECONDS = 60
MAX_JOURNEYS = 1000  # a bound on the count too, whatever the time
STOP_SECONDS = 40  # visitors mid-quiz at the end may finish (a journey takes about 25 s)
DRAIN_SECONDS = 180
LATE_DUPLICATE_SECONDS = 5
TOTAL_SECONDS = 900
STEPS = [
    "article",
    "call to action",
    "quiz intro",
    "start",
    "question",
    "answer",
    "details form",
    "submit details",
    "result page",
]

COUNT_LEADS = """
import os
from leads.models import Lead
emails = open(os.environ["LOADTEST_EMAILS_FILE"]).read().split()
print(Lead.objects.filter(email__in=emails).count())
"""


def say(message: str) -> None:
    print(message, flush=True)


def run_locust(shape: prod_shape.Shape, seconds: int, emails: Path) -> list[dict]:
    """locust as a separate process (it patches the standard library with gevent); its
    statistics as written when it quits, every request included."""
    report = shape.workdir / "locust"
    env = shape.env | {
        "LOADTEST_WEB_URLS": " ".join(shape.web_urls),
        "LOADTEST_EMAILS_FILE": str(emails),
        "LOADTEST_MAX_JOURNEYS": str(MAX_JOURNEYS),
    }
    args = [sys.executable, "-m", "locust", "-f", "devtools/loadtest_visitors.py"]
    args += ["--headless", "--users", str(USERS), "--spawn-rate", str(SPAWN_RATE)]
    args += ["--run-time", f"{seconds}s", "--stop-timeout", str(STOP_SECONDS)]
    args += ["--json-file", str(report), "--loglevel", "WARNING"]
    args += ["--host", shape.web_urls[0]]
    log = shape.workdir / "locust.log"
    with log.open("w") as output:
        subprocess.run(  # noqa: S603 - locust from our venv with our arguments
            args,
            cwd=bench.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            timeout=seconds + STOP_SECONDS + 60,
            check=False,  # failed requests are counted below, with the rest
        )
    stats = Path(f"{report}.json")
    if not stats.exists():
        raise RuntimeError("locust wrote no statistics:\n" + log.read_text()[-3000:])
    return json.loads(stats.read_text())


@dataclass
class Step:
    name: str
    requests: int
    failures: int
    per_second: float
    p50_ms: int
    p95_ms: int


def percentile(histogram: dict[int, int], percent: float) -> int:
    """From locust's histogram of response times (ms, rounded -> count), nearest rank."""
    total = sum(histogram.values())
    wanted, seen = math.ceil(total * percent / 100), 0
    for milliseconds in sorted(histogram):
        seen += histogram[milliseconds]
        if seen >= wanted:
            return milliseconds
    return 0


def _step(name: str, entries: list[dict], seconds: float) -> Step:
    histogram: Counter = Counter()
    for entry in entries:
        histogram.update({int(ms): count for ms, count in entry["response_times"].items()})
    requests = sum(entry["num_requests"] for entry in entries)
    return Step(
        name=name,
        requests=requests,
        failures=sum(entry["num_failures"] for entry in entries),
        per_second=requests / seconds,
        p50_ms=percentile(histogram, 50),
        p95_ms=percentile(histogram, 95),
    )


def summarize(entries: list[dict]) -> list[Step]:
    """A row for each step, in the journey's order, then one for all requests. Requests/s
    are over the whole run, from the first request to the last."""
    if not entries:
        return []
    first = min(entry["start_time"] for entry in entries)
    last = max(entry["last_request_timestamp"] or first for entry in entries)
    seconds = max(last - first, 1e-9)
    by_name = {entry["name"]: entry for entry in entries}
    names = [name for name in STEPS if name in by_name] + sorted(set(by_name) - set(STEPS))
    return [_step(name, [by_name[name]], seconds) for name in names] + [
        _step("all", entries, seconds)
    ]


def print_steps(steps: list[Step], seconds: int) -> None:
    say(f"\n{USERS} visitors for {seconds} s, alternating between 2 gunicorn processes")
    say(f"{'step':<16}{'requests':>9}{'failed':>8}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}")
    for step in steps:
        say(
            f"{step.name:<16}{step.requests:>9}{step.failures:>8}{step.per_second:>8.1f}"
            f"{step.p50_ms:>8}{step.p95_ms:>8}"
        )


def check_leads_and_emails(shape: prod_shape.Shape, emails: Path) -> list[str]:
    """Every submitted lead exists and got exactly one result email; returns the problems."""
    submitted = emails.read_text().split() if emails.exists() else []
    if not submitted:
        return ["no visitor reached the result page"]
    say(f"\nWaiting (at most {DRAIN_SECONDS} s) for the workers to send every result email")
    started = time.monotonic()
    shape.sink.wait_until(
        lambda: all(shape.sink.count_by_recipient()[a] for a in submitted), DRAIN_SECONDS
    )
    drained = time.monotonic() - started
    time.sleep(LATE_DUPLICATE_SECONDS)  # a duplicate would arrive now
    counts = shape.sink.count_by_recipient()
    missing = [a for a in submitted if counts[a] == 0]
    doubled = [a for a in submitted if counts[a] > 1]
    ids = shape.sink.message_ids()
    in_database = int(
        bench.manage(
            shape.env | {"LOADTEST_EMAILS_FILE": str(emails)},
            "shell",
            "--no-imports",
            "-c",
            COUNT_LEADS,
        ).split()[-1]
    )
    say(f"Leads submitted: {len(submitted)}; in the database: {in_database}")
    say(
        f"Result emails: {len(submitted) - len(missing)} addresses reached, {len(missing)} "
        f"missing, {len(doubled)} with more than one; outbox drained {drained:.1f} s after "
        f"the last visitor; {len(ids)} messages at the sink in all "
        f"({len(ids) - len(set(ids))} repeated Message-IDs)"
    )
    problems = []
    if in_database != len(submitted):
        problems.append(f"{len(submitted) - in_database} submitted leads are not in the database")
    if missing:
        problems.append(f"{len(missing)} leads got no result email, e.g. {missing[:3]}")
    if doubled:
        problems.append(f"{len(doubled)} leads got more than one email, e.g. {doubled[:3]}")
    if len(ids) != len(set(ids)):
        problems.append("the same Message-ID arrived more than once")
    return problems


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def _time_is_up(signum, frame):
    raise TimeoutError(f"the load test took longer than {TOTAL_SECONDS} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=RUN_SECONDS, help="10 to 300; 60")
    seconds = min(max(parser.parse_args(argv).seconds, 10), 300)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGALRM, _time_is_up)
    signal.alarm(TOTAL_SECONDS)
    started = time.monotonic()
    try:
        with prod_shape.running(extra_env={"RATELIMIT_ENABLE": "off"}, say=say) as shape:
            emails = shape.workdir / "submitted-emails.txt"
            say(f"locust: {USERS} visitors, {seconds} s, at most {MAX_JOURNEYS} journeys")
            steps = summarize(run_locust(shape, seconds, emails))
            print_steps(steps, seconds)
            failures = steps[-1].failures if steps else 0
            problems = check_leads_and_emails(shape, emails)
            if failures:
                problems.insert(0, f"{failures} requests failed (see the table)")
            if problems:
                say(
                    "Last lines from locust:\n" + (shape.workdir / "locust.log").read_text()[-3000:]
                )
    except (RuntimeError, OSError, TimeoutError, subprocess.TimeoutExpired) as exc:
        say(f"loadtest FAILED: {type(exc).__name__}: {exc}")
        return 1
    except KeyboardInterrupt:
        say("loadtest interrupted; everything it started has been stopped.")
        return 130
    finally:
        signal.alarm(0)
    if problems:
        say("loadtest FAILED:\n  " + "\n  ".join(problems))
        return 1
    say(f"loadtest passed in {time.monotonic() - started:.0f} s; everything stopped and removed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
