"""`make bench`: how fast are the public pages next to their own bytes served as a file by a
WSGI app that is WhiteNoise alone (devtools/static_baseline.py), the ceiling for any page?
Does sending the assessment's form wait on the mail server (bench_submit.py)? And how fast
do two Celery workers deliver due follow-up emails, and webhooks (bench_webhooks.py)? And
the insights page over a year of traffic (bench_insights.py)?

The site runs as production runs it: DEBUG off, gunicorn, WhiteNoise serving collected,
hashed, compressed static files, and a real Redis holding the page cache. The URLs are
loaded in alternating rounds on loopback with wrk (or a small Python load generator when
wrk is missing), and requests/s and p50/p95 latency are printed as ratios to the baseline.
The email part hands 1,000 due follow-ups to two real `celery worker` processes through a
real Redis, and counts what an SMTP server on loopback receives, by Message-ID.
Everything started here lives in a temporary folder and is stopped at the end, also on
Ctrl-C or an error.
"""

from __future__ import annotations

import argparse
import asyncio
import email.parser
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import redis

from devtools import bench_submit, redis_server

BASE_DIR = Path(__file__).resolve().parent.parent
ARTICLE_PATH = "/articles/are-you-career-or-job-focused/"
WORKERS = 2
CONNECTIONS = 16
WRK_THREADS = 2
MAX_SECONDS = 20
MAX_ROUNDS = 10
PYTHON_MAX_REQUESTS = 200_000

# wrk's --latency report stops at 50/75/90/99%; this prints p95 too, in one parseable line.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p95_us=%d failures=%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    e.connect + e.read + e.write + e.timeout + e.status))
end
"""


@dataclass
class Result:
    """What one load run measured."""

    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    failures: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def production_env(workdir: Path, redis_url: str, port: int) -> dict[str, str]:
    """Settings as production would set them, but pointing at throwaway places."""
    return os.environ | {
        "DEBUG": "off",
        "HTTPS": "off",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "REDIS_URL": redis_url,
        "CACHE_URL": redis_url,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict[str, str], *args: str) -> str:
    """Run a manage.py command in the production environment; its output on failure."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def prepare_site(env: dict[str, str]) -> None:
    """A fresh database with the seed article, and static files collected for WhiteNoise."""
    manage(env, "migrate", "--noinput")
    manage(env, "load_initial_content")
    manage(env, "collectstatic", "--noinput")


def start_gunicorn(
    env: dict[str, str],
    port: int,
    workdir: Path,
    app: str = "site_project.wsgi:application",
    extra: tuple[str, ...] = (),
    log_name: str = "gunicorn.log",
) -> subprocess.Popen:
    """gunicorn on loopback, in its own session so Ctrl-C reaches us, not it, first.

    Started in the project folder, it reads gunicorn.conf.py as production does; the
    arguments here (worker count, `extra`) win over the file."""
    return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
            "--error-logfile",
            str(workdir / log_name),
            *extra,
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def fetch(url: str) -> tuple[int, bytes]:
    """One plain GET, as a visitor's first request would be."""
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
        return response.status, response.read()


def wait_until_serving(
    base_url: str, process: subprocess.Popen, log: Path, path: str = "/robots.txt"
) -> None:
    """Block until gunicorn answers, or fail with its log if it dies or takes too long."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log.read_text(errors='replace')}")
        try:
            if fetch(base_url + path)[0] == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not answer within 30 seconds")


def stop_process(process: subprocess.Popen | None) -> None:
    """Ask politely, then insist: nothing we started may outlive the benchmark."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def load_with_wrk(url: str, seconds: int, script: Path) -> Result:
    """Debian's wrk: a C load generator, so the client is not the bottleneck."""
    command = [
        "wrk",
        f"-t{WRK_THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--latency",
        "-s",
        str(script),
        url,
    ]
    done = subprocess.run(  # noqa: S603 - wrk from PATH with our arguments
        command, capture_output=True, text=True, timeout=seconds + 30, check=True
    )
    match = re.search(r"^BENCH (.*)$", done.stdout, re.MULTILINE)
    if not match:
        raise RuntimeError(f"Could not read wrk's output:\n{done.stdout}{done.stderr}")
    figures = {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", match.group(1))}
    return Result(
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        p50_ms=figures["p50_us"] / 1000,
        p95_ms=figures["p95_us"] / 1000,
        failures=figures["failures"],
    )


def percentile(sorted_values: list[float], percent: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return 0.0
    rank = max(1, round(percent / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def load_with_python(url: str, seconds: int) -> Result:
    """A fallback when wrk is missing: threads with their own connections, bounded in
    time and count. Python is a slower client, so compare the ratio, not raw figures."""
    parsed = urllib.parse.urlsplit(url)
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()

    def worker() -> None:
        nonlocal failures
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=5)
        mine, bad = [], 0
        while time.monotonic() < deadline and len(latencies) + len(mine) < PYTHON_MAX_REQUESTS:
            started = time.perf_counter()
            try:
                connection.request("GET", parsed.path)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
                if response.will_close:
                    connection.close()  # reopened by the next request
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
            mine.append(time.perf_counter() - started)
            bad += not ok
        connection.close()
        with lock:
            latencies.extend(mine)
            failures += bad

    started = time.monotonic()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 10)
    elapsed = time.monotonic() - started
    latencies.sort()
    return Result(
        requests=len(latencies),
        seconds=elapsed,
        p50_ms=percentile(latencies, 50) * 1000,
        p95_ms=percentile(latencies, 95) * 1000,
        failures=failures,
    )


BASELINE = "WhiteNoise alone"
BASELINE_FILE = "article.html"


def print_rounds(rounds: list[dict[str, tuple[Result, int]]], tool: str, title: str) -> None:
    """Each round's figures, each row as a share of the WhiteNoise-alone baseline measured
    in the same round, then the range of those ratios over the rounds."""
    print(f"\n{title}")
    print(
        f"Load: {tool}, {CONNECTIONS} connections; gunicorn with {WORKERS} sync workers; "
        f"{len(rounds)} round(s), URLs alternating within each round"
    )
    head = f"{'':<40}{'requests/s':>11}{'p50 ms':>9}{'p95 ms':>9}{'bytes':>7}{'failed':>7}"
    for number, rows in enumerate(rounds, 1):
        base = rows[BASELINE][0].per_second
        print(f"round {number}\n{head}{'x baseline':>11}")
        for label, (result, size) in rows.items():
            ratio = f"{result.per_second / base:.2f}x" if base else "n/a"
            print(
                f"{label:<40}{result.per_second:>11.1f}{result.p50_ms:>9.2f}"
                f"{result.p95_ms:>9.2f}{size:>7}{result.failures:>7}{ratio:>11}"
            )
    print(f"\nRequests/s as a share of {BASELINE} (same round), over {len(rounds)} round(s):")
    for label in rounds[0]:
        if label == BASELINE:
            continue
        ratios = [
            rows[label][0].per_second / rows[BASELINE][0].per_second
            for rows in rounds
            if rows[BASELINE][0].per_second
        ]
        p95 = [rows[label][0].p95_ms for rows in rounds]
        if ratios:
            print(
                f"RATIO {label:<40} {min(ratios):.2f}x to {max(ratios):.2f}x "
                f"(p95 {min(p95):.1f} to {max(p95):.1f} ms)"
            )


def served_from_redis(redis_url: str) -> bool:
    """True when the article page sits in the real Redis page cache."""
    return bool(redis.Redis.from_url(redis_url).keys(f"*page:{ARTICLE_PATH}*"))


# Runs inside `manage.py shell`: the page views waiting in the insights buffer, and written.
COUNT_VIEWS = """
from insights.buffer import KEY, buffer_client
from insights.models import Event, Kind
client = buffer_client()
waiting = client.llen(KEY) if client else 0
written = Event.objects.filter(kind=Kind.ARTICLE_VIEWED).count()
print(f"{waiting} waiting in Redis, {written} written to the database")
"""


def counted_views(env: dict[str, str]) -> str:
    """How the page views reached insights: buffered in Redis, or written one by one."""
    return manage(env, "shell", "--no-imports", "-c", COUNT_VIEWS).strip().splitlines()[-1]


def load(url: str, seconds: int, tool: str, script: Path) -> Result:
    if tool == "wrk":
        return load_with_wrk(url, seconds, script)
    return load_with_python(url, seconds)


def measure_rounds(
    urls: dict[str, str], seconds: int, tool: str, workdir: Path, rounds: int
) -> list[dict[str, tuple[Result, int]]]:
    """Check each URL answers 200, then load them one after the other, `rounds` times, so
    a burst of someone else's work on the machine falls on every row alike."""
    sizes = {}
    for label, url in urls.items():
        status, body = fetch(url)
        if status != 200:
            raise RuntimeError(f"{url} answered {status}")
        sizes[label] = len(body)
    script = workdir / "summary.lua"
    script.write_text(WRK_SCRIPT)
    results = []
    for number in range(1, rounds + 1):
        print(f"Round {number} of {rounds}: {len(urls)} URLs, {seconds}s each, with {tool}")
        results.append(
            {label: (load(url, seconds, tool, script), sizes[label]) for label, url in urls.items()}
        )
    return results


class Servers:
    """gunicorns started for a run; all stopped by stop()."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.processes: list[subprocess.Popen] = []

    def start(
        self,
        env: dict[str, str],
        app: str = "site_project.wsgi:application",
        extra: tuple[str, ...] = (),
        probe: str = "/robots.txt",
    ) -> str:
        port = redis_server.free_port()
        name = f"gunicorn-{len(self.processes)}.log"
        process = start_gunicorn(env, port, self.workdir, app, extra, log_name=name)
        self.processes.append(process)
        base_url = f"http://127.0.0.1:{port}"
        wait_until_serving(base_url, process, self.workdir / name, probe)
        return base_url

    def stop(self) -> None:
        for process in self.processes:
            stop_process(process)
        self.processes.clear()


def start_baseline(servers: Servers, env: dict[str, str], page: bytes) -> str:
    """WhiteNoise alone, serving `page` as a file; its URL."""
    root = servers.workdir / "baseline"
    root.mkdir(exist_ok=True)
    (root / BASELINE_FILE).write_bytes(page)
    base_url = servers.start(
        env | {"BENCH_BASELINE_ROOT": str(root)},
        app="devtools.static_baseline:application",
        probe="/static/" + BASELINE_FILE,
    )
    return f"{base_url}/static/{BASELINE_FILE}"


NGINX_CONF = """
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  keepalive_timeout 65s;
  server {{
    listen 127.0.0.1:{port};
    location = /file/article.html {{ alias {root}/article.html; default_type text/html; }}
    location / {{
      proxy_pass http://127.0.0.1:{upstream};
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-For $remote_addr;
    }}
  }}
}}
"""


def start_nginx(servers: Servers, site_url: str) -> str | None:
    """nginx in front of the site, as deploy/nginx/site.conf puts it (plain http on
    loopback), also serving the article's bytes as a file; its base URL, or None without
    nginx."""
    binary = shutil.which("nginx")
    if binary is None:
        return None
    folder = servers.workdir / "nginx"
    folder.mkdir()
    # nginx's workers run as another user: they need to reach the baseline's file.
    for path in (servers.workdir, servers.workdir / "baseline"):
        path.chmod(0o755)
    port = redis_server.free_port()
    upstream = urllib.parse.urlsplit(site_url).port
    conf = folder / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            dir=folder, port=port, upstream=upstream, root=servers.workdir / "baseline"
        )
    )
    process = subprocess.Popen(  # noqa: S603 - nginx from PATH, our own config
        [binary, "-p", str(folder), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    servers.processes.append(process)
    base_url = f"http://127.0.0.1:{port}"
    wait_until_serving(base_url, process, folder / "error.log", "/file/" + BASELINE_FILE)
    return base_url


# The production gunicorn.conf.py against the two alternatives to recycling workers.
GUNICORN_VARIANTS = {
    "max_requests 2000": ("--max-requests", "2000", "--max-requests-jitter", "200"),
    "max_requests off": ("--max-requests", "0"),
    "preload_app, max_requests 2000": (
        "--preload",
        "--max-requests",
        "2000",
        "--max-requests-jitter",
        "200",
    ),
}


def run(seconds: int, tool: str, submits: int = 0, rounds: int = 3, gunicorn: bool = False) -> None:
    """Set up, measure, print; stop everything and delete the folder whatever happens."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    redis_process = None
    servers = Servers(workdir)
    try:
        (workdir / "redis").mkdir()
        redis_process = redis_server.start(workdir=str(workdir / "redis"))
        env = production_env(workdir, redis_process.url, redis_server.free_port())
        print(f"Preparing the site in {workdir} (migrate, initial content, collectstatic)")
        prepare_site(env)

        site = servers.start(env)
        # The same site with the page cache off: every view renders.
        uncached = servers.start(env | {"PAGE_CACHE_SECONDS": "0"})
        _, page = fetch(site + ARTICLE_PATH)
        urls = {BASELINE: start_baseline(servers, env, page)}
        if gunicorn:
            title = "The cached article page under three gunicorn settings"
            for label, extra in GUNICORN_VARIANTS.items():
                urls[f"article, {label}"] = servers.start(env, extra=extra) + ARTICLE_PATH
        else:
            title = "Public pages against the same bytes served by WhiteNoise alone"
            urls |= {
                "article page (page cache)": site + ARTICLE_PATH,
                "article page (uncached)": uncached + ARTICLE_PATH,
                "home (page cache)": site + "/",
                "article list (page cache)": site + "/articles/",
            }
            if nginx := start_nginx(servers, site):
                urls["nginx: the same bytes as a file"] = f"{nginx}/file/{BASELINE_FILE}"
                urls["nginx -> gunicorn: article (page cache)"] = nginx + ARTICLE_PATH
        results = measure_rounds(urls, seconds, tool, workdir, rounds)
        print(f"Redis page cache holds the article page: {served_from_redis(redis_process.url)}")
        print(f"Article views counted: {counted_views(env)}")
        servers.stop()
        if not gunicorn:
            # The same pages' cost inside the application, which load on the machine doesn't move.
            subprocess.run([sys.executable, "-m", "devtools.bench_inprocess"], env=env, check=False)
        submit_rows = []
        if submits and not gunicorn:
            slow = bench_submit.SLOW_SMTP_SECONDS
            for label, delay in (("answers at once", 0.0), (f"answers after {slow:g} s", slow)):
                submit_rows.append(measure_submit_mode(env, workdir, label, delay, submits))
        print_rounds(results, tool, title)
        if submit_rows:
            bench_submit.print_submit_table(submit_rows)
    finally:
        servers.stop()
        if redis_process is not None:
            redis_process.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def measure_submit_mode(
    env: dict[str, str], workdir: Path, label: str, smtp_delay: float, submits: int
) -> bench_submit.SubmitResult:
    """The details form under load with one kind of SMTP server: its own gunicorn and worker."""
    sink, handler = bench_submit.start_sink(smtp_delay, redis_server.free_port())
    port = redis_server.free_port()
    mode_env = env | {
        "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
        "QUIZ_MIN_SECONDS": "0",  # the load generator answers faster than any person
        # Every visitor comes from 127.0.0.1: the details form's 20/h per address would
        # refuse all but the first 20 submits of the run.
        "RATELIMIT_ENABLE": "off",
        "SITE_URL": f"http://127.0.0.1:{port}",
    }
    worker = gunicorn = None
    try:
        worker = bench_submit.start_worker(mode_env, BASE_DIR, workdir / "celery.log")
        gunicorn = start_gunicorn(mode_env, port, workdir)
        wait_until_serving(f"http://127.0.0.1:{port}", gunicorn, workdir / "gunicorn.log")
        print(f"Sending the details form {submits} times; SMTP sink {label}")
        return bench_submit.measure_submits(
            label, port, submits, lambda: handler.received, percentile
        )
    finally:
        stop_process(gunicorn)
        stop_process(worker)
        sink.stop()


# Email delivery ------------------------------------------------------------------------

EMAIL_WORKERS = 2
EMAIL_THREADS_PER_WORKER = 4
EMAIL_MAX_SECONDS = 180
MAX_EMAILS = 20_000
PACE_EMAILS = 500  # due at once, under a cap of
PACE_CAP = 60  # a minute

# Runs inside `manage.py shell`: reachable leads, one follow-up step, and one due follow-up
# row per lead, written straight to the outbox as the confirmation step would leave them.
MAKE_DUE_FOLLOW_UPS = """
from datetime import timedelta
from django.utils import timezone
from leads.models import FollowUpStep, Lead, OutboundEmail
now = timezone.now()
step = FollowUpStep.objects.create(subject="What recruiters look for in a sales leader",
    body="People you have developed.\\n\\nTeams you have led without the title.", delay_days=7)
leads = Lead.objects.bulk_create(
    Lead(email=f"bench{n}@example.com", first_name=f"Reader{n}", consented=True,
         consent_at=now, confirmed_at=now, segment="Career focused") for n in range(COUNT))
leads = Lead.objects.filter(email__startswith="bench").order_by("pk")
OutboundEmail.objects.bulk_create(
    OutboundEmail(lead=lead, kind="follow_up", follow_up_step=step, dedupe_key=step.dedupe_key,
        subject="(rendered when sent)", html_body="", text_body="", to_email=lead.email,
        from_email="follow-ups@example.com", send_at=now - timedelta(minutes=1),
        message_id=f"<bench-{lead.pk}@bench.example.com>")
    for lead in leads)
print(OutboundEmail.objects.filter(status="queued").count())
"""
SWEEP = """
import time
from leads.services import outbox_sweep
started = time.time()
handed = outbox_sweep(limit=COUNT)
print(f"{started} {handed}")
"""
STATUS_COUNTS = """
import json
from django.db.models import Count
from leads.models import OutboundEmail
rows = OutboundEmail.objects.values("status").annotate(n=Count("pk"))
print(json.dumps({row["status"]: row["n"] for row in rows}))
"""


class SinkHandler:
    """An SMTP server that accepts everything and counts Message-IDs, with arrival times."""

    def __init__(self) -> None:
        self.message_ids: list[str] = []
        self.last_arrival = 0.0
        self.arrivals: list[float] = []
        self._parser = email.parser.BytesHeaderParser()

    async def handle_DATA(self, server, session, envelope):
        headers = self._parser.parsebytes(envelope.original_content or envelope.content)
        self.message_ids.append(str(headers.get("Message-ID", "")).strip())
        self.last_arrival = time.time()
        self.arrivals.append(self.last_arrival)
        return "250 Message accepted for delivery"


def start_email_workers(env: dict[str, str], workdir: Path) -> list[subprocess.Popen]:
    """Two real `celery worker` processes, each with a few threads, like two small hosts."""
    workers = []
    for number in range(EMAIL_WORKERS):
        log = workdir / f"worker-{number}.log"
        args = [sys.executable, "-m", "celery", "-A", "site_project", "worker", "-l", "INFO"]
        args += ["--pool=threads", f"--concurrency={EMAIL_THREADS_PER_WORKER}"]
        args += ["-n", f"bench{number}@%h", "--without-gossip", "--without-mingle"]
        with log.open("w") as output:
            workers.append(
                subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                    args,
                    cwd=BASE_DIR,
                    env=env,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
    deadline = time.monotonic() + 60
    for number, worker in enumerate(workers):
        log = workdir / f"worker-{number}.log"
        while " ready." not in log.read_text(errors="replace"):
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker {number} did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.1)
    return workers


@contextmanager
def email_bench(count: int, settings: dict[str, str]) -> Iterator[tuple[dict, SinkHandler, int]]:
    """Redis, an SMTP sink, `count` due follow-ups and two real workers; all stopped after."""
    from aiosmtpd.controller import Controller

    workdir = Path(tempfile.mkdtemp(prefix="bench-email-"))
    redis_process = controller = None
    workers: list[subprocess.Popen] = []
    try:
        (workdir / "redis").mkdir()
        redis_process = redis_server.start(workdir=str(workdir / "redis"))
        sink = SinkHandler()
        smtp_port = redis_server.free_port()
        controller = Controller(sink, hostname="127.0.0.1", port=smtp_port, ready_timeout=10)
        controller.start()
        env = production_env(workdir, redis_process.url, redis_server.free_port()) | {
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "OUTBOX_SWEEP_GRACE_SECONDS": "0",
            "CONN_MAX_AGE": "0",
            # Whatever the hour in Denver: the window is measured by the tests, not here.
            "FOLLOW_UP_SEND_WINDOW": "0,24",
            **settings,
        }
        print(f"\nPreparing {count} due follow-ups in {workdir}")
        manage(env, "migrate", "--noinput")
        queued = int(
            manage(
                env, "shell", "--no-imports", "-c", MAKE_DUE_FOLLOW_UPS.replace("COUNT", str(count))
            ).split()[-1]
        )
        workers = start_email_workers(env, workdir)
        print(
            f"Delivering with {EMAIL_WORKERS} worker processes x {EMAIL_THREADS_PER_WORKER} threads"
        )
        yield env, sink, queued
    finally:
        for worker in workers:
            stop_process(worker)
        if controller is not None:
            controller.stop()
            asyncio.set_event_loop(None)
        if redis_process is not None:
            redis_process.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def sweep(env: dict[str, str], count: int) -> tuple[float, int]:
    """What beat does every minute: hand what is due to the workers. (start time, handed)"""
    started, handed = manage(
        env, "shell", "--no-imports", "-c", SWEEP.replace("COUNT", str(count))
    ).split()[-2:]
    return float(started), int(handed)


def outbox_statuses(env: dict[str, str]) -> dict[str, int]:
    return json.loads(manage(env, "shell", "--no-imports", "-c", STATUS_COUNTS).split("\n")[-2])


def run_emails(count: int) -> None:
    """Deliver `count` due follow-ups with two workers, no caps; messages/s, lost, duplicated."""
    with email_bench(count, {"EMAIL_PACE_URL": ""}) as (env, sink, queued):
        started, handed = sweep(env, count)
        deadline = time.monotonic() + EMAIL_MAX_SECONDS
        while len(sink.message_ids) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        finished = sink.last_arrival
        time.sleep(1)  # a late duplicate would arrive now
        statuses = outbox_statuses(env)
        received = len(sink.message_ids)
        unique = set(sink.message_ids)
        seconds = max(finished - started, 1e-9)
        lost = queued - len(unique)
        print(f"\nFollow-up emails: {queued} due, {handed} handed to the workers by the sweeper")
        print(
            f"{'':<16}{'messages':>10}{'seconds':>10}{'messages/s':>12}{'lost':>6}{'duplicated':>12}"
        )
        print(
            f"{'SMTP sink':<16}{received:>10}{seconds:>10.2f}{len(unique) / seconds:>12.1f}"
            f"{lost:>6}{received - len(unique):>12}"
        )
        print(f"Outbox after the run: {statuses}")


def busiest_minute(arrivals: list[float]) -> int:
    """The most messages that arrived in any 60-second window (sliding, not by the clock)."""
    arrivals = sorted(arrivals)
    most, first = 0, 0
    for last, moment in enumerate(arrivals):
        while moment - arrivals[first] >= 60:
            first += 1
        most = max(most, last - first + 1)
    return most


def run_paced_emails(count: int, cap: int, minutes: int) -> None:
    """`count` follow-ups due at once under a cap: does every minute stay under it?"""
    settings = {"EMAIL_RATE_PER_MINUTE": str(cap), "EMAIL_RATE_PER_DOMAIN_PER_MINUTE": "0"}
    with email_bench(count, settings) as (env, sink, queued):
        started, handed = sweep(env, count)
        for minute in range(1, minutes):  # beat's sweep, every minute
            time.sleep(max(0.0, started + 60 * minute - time.time()))
            handed += sweep(env, count)[1]
        time.sleep(max(0.0, started + 60 * minutes - time.time()))
        time.sleep(1)  # anything in flight lands now
        statuses = outbox_statuses(env)
        arrivals = [moment for moment in sink.arrivals if moment <= started + 60 * minutes]
        unique = set(sink.message_ids)
        waiting = statuses.get("queued", 0) + statuses.get("sending", 0)
        lost = queued - statuses.get("sent", 0) - waiting  # one table snapshot, no race
        print(
            f"\nPaced follow-ups: {queued} due at once, cap {cap} a minute, {EMAIL_WORKERS} "
            f"workers, {minutes} minutes; the sweeper handed over {handed}"
        )
        print(
            f"{'sent':>8}{'per minute':>12}{'busiest 60 s':>14}{'waiting':>9}{'lost':>6}"
            f"{'duplicated':>12}"
        )
        print(
            f"{len(arrivals):>8}{len(arrivals) / minutes:>12.1f}{busiest_minute(arrivals):>14}"
            f"{waiting:>9}{lost:>6}{len(sink.message_ids) - len(unique):>12}"
        )
        print(f"Outbox after the run: {statuses}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seconds", type=int, default=5, help=f"per URL and round (1 to {MAX_SECONDS}; default 5)"
    )
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument(
        "--part",
        choices=["all", "pages", "gunicorn", "emails", "pace", "webhooks", "insights"],
        default="all",
        help="what to measure (gunicorn: worker recycling settings, not part of all)",
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds over the URLs, alternating (default 3)"
    )
    parser.add_argument(
        "--emails", type=int, default=1000, help=f"due follow-ups to deliver (1 to {MAX_EMAILS})"
    )
    parser.add_argument(
        "--submits",
        type=int,
        default=60,
        help=f"details-form submits per SMTP sink (0 skips them; at most "
        f"{bench_submit.MAX_SUBMITS}; default 60)",
    )
    parser.add_argument(
        "--pace-minutes",
        type=int,
        default=3,
        help=f"minutes to watch {PACE_EMAILS} due follow-ups under a cap of {PACE_CAP} (default 3)",
    )
    args = parser.parse_args(argv)
    seconds = min(max(args.seconds, 1), MAX_SECONDS)
    emails = min(max(args.emails, 1), MAX_EMAILS)
    tool = args.tool
    if tool == "auto":
        tool = "wrk" if shutil.which("wrk") else "python"

    # Ctrl-C and a plain `kill` both clean up (SIGINT may arrive ignored from a parent).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        rounds = min(max(args.rounds, 1), MAX_ROUNDS)
        if args.part in ("all", "pages"):
            run(seconds, tool, max(0, min(args.submits, bench_submit.MAX_SUBMITS)), rounds)
        if args.part == "gunicorn":
            run(seconds, tool, 0, rounds, gunicorn=True)
        if args.part in ("all", "emails"):
            run_emails(emails)
        if args.part in ("all", "pace"):
            run_paced_emails(PACE_EMAILS, PACE_CAP, args.pace_minutes)
        if args.part in ("all", "webhooks"):
            # Its own database and workers (devtools/bench_webhooks.py).
            subprocess.run([sys.executable, "-m", "devtools.bench_webhooks"], check=False)
        if args.part in ("all", "insights"):
            # Its own process: it needs a fresh database of its own.
            subprocess.run([sys.executable, "-m", "devtools.bench_insights"], check=False)
    except KeyboardInterrupt:
        print("\nInterrupted; everything started has been stopped.", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
