"""`make bench` (--part webhooks): how fast do two Celery workers deliver webhooks to a
receiver on loopback, and how long does an event wait before the receiver has it?

Two real `celery worker` processes (4 threads each) take the deliveries from a real Redis
and POST them to a threaded HTTP receiver in this process, which checks every signature
with `standardwebhooks`, as a CRM would. Two runs:

- burst: `--burst` events queued in one transaction (one delivery each), handed on at
  commit; deliveries per second from the commit to the last arrival
- stream: `--stream` events at `--rate` per second, each in its own transaction; p50 and
  p95 of the delay from the event's timestamp to its arrival

Lost and duplicated deliveries are counted by `webhook-id`. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import sys
import tempfile
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from standardwebhooks.webhooks import Webhook

from devtools import redis_server
from devtools.bench import manage, percentile, production_env, start_email_workers, stop_process

MAX_EVENTS = 20_000

SETUP = """
from crm_webhooks.models import Endpoint
Endpoint.objects.create(name="bench", url="URL", events=["lead.created"], secret="SECRET")
"""
BURST = """
import time
from django.db import transaction
from crm_webhooks.services import queue_event
with transaction.atomic():
    for n in range(COUNT):
        queue_event("lead.created", {"lead": {"id": n + 1}}, key=f"burst:{n}")
print(time.time())
"""
STREAM = """
import time
from django.db import transaction
from crm_webhooks.services import queue_event
started = time.monotonic()
for n in range(COUNT):
    time.sleep(max(0.0, started + n / RATE - time.monotonic()))
    with transaction.atomic():
        queue_event("lead.created", {"lead": {"id": n + 1}}, key=f"stream:{n}")
print(time.time())
"""
STATUS_COUNTS = """
import json
from django.db.models import Count
from crm_webhooks.models import Delivery
rows = Delivery.objects.values("status").annotate(n=Count("pk"))
print(json.dumps({row["status"]: row["n"] for row in rows}))
"""


class Receiver:
    """Records (webhook-id, arrival time, event timestamp) for every verified delivery."""

    def __init__(self, secret: str) -> None:
        self.hook = Webhook(secret)
        self.arrivals: list[tuple[str, float, float]] = []
        self.bad = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                arrived = time.time()
                try:
                    event = receiver.hook.verify(body, dict(self.headers.items()))
                    status = 200
                except Exception:
                    event, status = None, 400
                with receiver.lock:
                    if event is None:
                        receiver.bad += 1
                    else:
                        stamp = datetime.fromisoformat(event["timestamp"]).timestamp()
                        receiver.arrivals.append((self.headers["webhook-id"], arrived, stamp))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while len(self.arrivals) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1)  # a late duplicate would arrive now

    def take(self) -> list[tuple[str, float, float]]:
        with self.lock:
            arrivals, self.arrivals = self.arrivals, []
        return arrivals


def report(name: str, count: int, arrivals: list[tuple[str, float, float]], since: float) -> None:
    ids = [webhook_id for webhook_id, _, _ in arrivals]
    unique = len(set(ids))
    delays = sorted((arrived - stamp) * 1000 for _, arrived, stamp in arrivals)
    last = max((arrived for _, arrived, _ in arrivals), default=since)
    seconds = max(last - since, 1e-9)
    p50 = percentile(delays, 50) if delays else 0.0
    p95 = percentile(delays, 95) if delays else 0.0
    print(
        f"{name:<8}{count:>8}{unique:>10}{seconds:>9.2f}{unique / seconds:>13.1f}"
        f"{p50:>9.0f}{p95:>9.0f}{count - unique:>6}{len(ids) - unique:>12}"
    )


def run(burst: int, stream: int, rate: float) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
    redis_process = receiver = None
    workers = []
    try:
        (workdir / "redis").mkdir()
        redis_process = redis_server.start(workdir=str(workdir / "redis"))
        secret = "whsec_" + "YmVuY2gtc2VjcmV0LWJlbmNoLXNlY3JldC1iZW5jaCE="
        receiver = Receiver(secret)
        env = production_env(workdir, redis_process.url, redis_server.free_port()) | {
            "WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8",
            "WEBHOOK_SWEEP_GRACE_SECONDS": "60",
            "CONN_MAX_AGE": "0",
        }
        manage(env, "migrate", "--noinput")
        url = f"http://127.0.0.1:{receiver.port}/hooks"
        manage(
            env, "shell", "--no-imports", "-c", SETUP.replace("URL", url).replace("SECRET", secret)
        )
        workers = start_email_workers(env, workdir)
        print(f"\nWebhooks: 2 worker processes x 4 threads, a receiver on loopback ({workdir})")
        print(
            f"{'run':<8}{'events':>8}{'arrived':>10}{'seconds':>9}{'deliveries/s':>13}"
            f"{'p50 ms':>9}{'p95 ms':>9}{'lost':>6}{'duplicated':>12}"
        )
        if burst:
            committed = float(
                manage(
                    env, "shell", "--no-imports", "-c", BURST.replace("COUNT", str(burst))
                ).split()[-1]
            )
            receiver.wait_for(burst, timeout=180)
            report("burst", burst, receiver.take(), committed)
        if stream:
            started = time.time()
            script = STREAM.replace("COUNT", str(stream)).replace("RATE", str(rate))
            manage(env, "shell", "--no-imports", "-c", script)
            receiver.wait_for(stream, timeout=60)
            report(f"{rate:g}/s", stream, receiver.take(), started)
        statuses = json.loads(
            manage(env, "shell", "--no-imports", "-c", STATUS_COUNTS).split("\n")[-2]
        )
        print(f"Deliveries after the runs: {statuses}; bad signatures: {receiver.bad}")
    finally:
        for worker in workers:
            stop_process(worker)
        if receiver is not None:
            receiver.server.shutdown()
            receiver.server.server_close()
        if redis_process is not None:
            redis_process.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--burst", type=int, default=1000, help="events queued at once")
    parser.add_argument("--stream", type=int, default=300, help="events queued one by one")
    parser.add_argument("--rate", type=float, default=30.0, help="stream events per second")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        run(
            min(max(args.burst, 0), MAX_EVENTS),
            min(max(args.stream, 0), MAX_EVENTS),
            min(max(args.rate, 1.0), 1000.0),
        )
    except KeyboardInterrupt:
        print("\nInterrupted; everything started has been stopped.", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
