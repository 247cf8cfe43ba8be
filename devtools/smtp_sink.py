"""An SMTP server on loopback that keeps every message, so `make e2e-prod` and
`make loadtest` can check what the site really sent: to whom, how often, and with which
links and headers."""

from __future__ import annotations

import asyncio
import email
import email.policy
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from devtools.redis_server import free_port


class CapturingSink:
    """aiosmtpd handler: accepts everything and keeps (envelope recipients, message)."""

    def __init__(self) -> None:
        self.port = 0
        self._received: list[tuple[tuple[str, ...], EmailMessage]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        recipients = tuple(address.lower() for address in envelope.rcpt_tos)
        with self._lock:
            self._received.append((recipients, message))
        return "250 Message accepted for delivery"

    def messages_to(self, address: str) -> list[EmailMessage]:
        address = address.lower()
        with self._lock:
            return [message for rcpt, message in self._received if address in rcpt]

    def count_by_recipient(self) -> Counter:
        with self._lock:
            return Counter(address for rcpt, _ in self._received for address in rcpt)

    def message_ids(self) -> list[str]:
        with self._lock:
            return [str(message["Message-ID"]) for _, message in self._received]

    def wait_until(self, condition, timeout: float) -> bool:
        """Poll `condition()` until it is true or `timeout` seconds have passed."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.2)
        return True


@contextmanager
def running() -> Iterator[CapturingSink]:
    """The sink on a free port of 127.0.0.1, in a thread of this process."""
    sink = CapturingSink()
    sink.port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port, ready_timeout=10)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
        asyncio.set_event_loop(None)
