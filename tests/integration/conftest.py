"""Real parts for the integration tests: an SMTP server on loopback and a Celery worker.

The Redis server comes from the session fixture `redis_process` in tests/conftest.py.
"""

import asyncio
import email
import email.policy
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import kombu.pools
import pytest
from aiosmtpd.controller import Controller
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connection

from devtools import redis_server
from site_project.celery import app as celery_app


class RecordingHandler:
    """Stores what it accepts; can be told to answer 421 a few times, 550 to everyone, or
    to be slow."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        # What was on the wire, unparsed: a parsed header hides encoded-words and folding.
        self.raw: list[bytes] = []
        self.mail_from: list[str] = []  # each message's envelope sender (MAIL FROM)
        self.arrival_times: list[float] = []  # time.monotonic() as each message was accepted
        self.temporary_failures = 0
        self.refuse_recipients = False
        self.refusal = "550 5.1.1 No such user here"  # the answer when refusing recipients
        self.delay = 0.0  # seconds to hold each message before accepting it (a slow server)
        self._lock = threading.Lock()
        self.arrived = threading.Condition(self._lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_recipients:
            return self.refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        with self._lock:
            if self.temporary_failures > 0:
                self.temporary_failures -= 1
                return "421 4.3.2 Service not available, try again later"
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.messages.append(message)
            self.raw.append(bytes(envelope.content))
            self.mail_from.append(envelope.mail_from)
            self.arrival_times.append(time.monotonic())
            self.arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 20) -> list:
        """Block until `count` messages arrived (or the timeout passed); return them all."""
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
            return list(self.messages)


@pytest.fixture
def smtp_server(settings) -> Iterator[RecordingHandler]:
    """aiosmtpd on a free loopback port, with the site's default mailer pointed at it."""
    handler = RecordingHandler()
    handler.port = port = redis_server.free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    yield handler
    controller.stop()
    asyncio.set_event_loop(None)


def use_broker(url: str) -> None:
    """Point the Celery app at a broker, dropping connections made for the old one."""
    celery_app.conf.broker_url = url
    celery_app.conf.task_always_eager = False
    kombu.pools.reset()  # closes and forgets every pooled connection and producer
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def running_worker(concurrency: int = 2):
    """A real Celery worker in a thread of this process, consuming from the test Redis."""
    celery_app.conf.worker_hijack_root_logger = False
    with start_worker(
        celery_app,
        pool="threads",
        concurrency=concurrency,
        perform_ping_check=False,
        shutdown_timeout=15,
        loglevel="WARNING",
    ) as worker:
        yield worker


@pytest.fixture
def broker(redis_process, monkeypatch) -> Iterator[str]:
    """Real Redis as the broker, with sub-second retry delays so tests stay fast."""
    monkeypatch.setattr(
        "celery.app.autoretry.get_exponential_backoff_interval", lambda **kwargs: 0.2
    )
    redis_process_url = redis_process.url
    use_broker(redis_process_url)
    with redis_server_client(redis_process_url) as client:
        client.flushdb()
    yield redis_process_url
    use_broker("memory://")


def _database_url() -> str:
    """The test database as a DATABASE_URL, for a worker in another process."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    if db["ENGINE"].endswith("postgresql"):
        auth = f"{quote(db['USER'] or '')}:{quote(db['PASSWORD'] or '')}@"
        return f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    pytest.skip(f"no DATABASE_URL for {db['ENGINE']}")


@contextmanager
def worker_process(*, broker_url: str, smtp_port: int, concurrency: int = 2):
    """A second, separate Celery worker process (`celery worker`), as in production."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker_url,
        "REDIS_URL": broker_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "SECRET_KEY": settings.SECRET_KEY,
        "SITE_URL": settings.SITE_URL,
        "CONN_MAX_AGE": "0",
        "LOG_LEVEL": "WARNING",
        # As in tests/conftest.py: no caps, and not the time of day (tests/integration/test_pace.py)
        "EMAIL_PACE_URL": "",
        "FOLLOW_UP_SEND_WINDOW": "0,24",
    }
    args = [sys.executable, "-m", "celery", "-A", "site_project", "worker", "-l", "INFO"]
    args += ["--pool=threads", f"--concurrency={concurrency}", "-n", f"second-{os.getpid()}@%h"]
    args += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        args,
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    ready = threading.Event()
    log: list[str] = []

    def watch() -> None:
        for line in process.stderr:
            log.append(line)
            if " ready." in line:
                ready.set()

    process.log = log
    threading.Thread(target=watch, daemon=True).start()
    try:
        if not ready.wait(timeout=30):
            raise RuntimeError("second worker did not start:\n" + "".join(log[-30:]))
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@contextmanager
def redis_server_client(url: str):
    import redis

    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        yield client
    finally:
        client.close()
