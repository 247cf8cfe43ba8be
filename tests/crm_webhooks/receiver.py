"""A real HTTP receiver on loopback for the webhook tests.

It verifies each delivery's signature with `standardwebhooks`, as a CRM would, and can be
told to answer slowly, with 500 or 410, with a redirect, with a huge body, or not at all.
With `signed=False` it takes unsigned JSON, as Slack and Teams do.
"""

import json
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

HUGE = 3 * 1024**3  # what the "huge" answer claims to be: 3 GB


@dataclass
class Received:
    webhook_id: str
    payload: Any
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)  # when it arrived


@dataclass
class Receiver:
    secret: str
    port: int = 0
    mode: str = "ok"  # ok, slow, 500, 410, redirect, huge, silent
    signed: bool = True  # False: a chat service, which checks no signature
    delay: float = 0.0  # seconds before answering (any mode)
    received: list[Received] = field(default_factory=list)
    bad_signatures: int = 0
    huge_bytes_sent: int = 0
    redirect_target_hits: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/crm"

    def url_for(self, host: str, scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}/hooks/crm"

    def ids(self) -> list[str]:
        with self.lock:
            return [r.webhook_id for r in self.received]

    def wait_for(self, count: int, timeout: float = 20) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.received) < count:
            time.sleep(0.02)
        with self.lock:
            return list(self.received)


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # quiet
            pass

        def do_POST(self):
            if self.path == "/moved":
                with receiver.lock:
                    receiver.redirect_target_hits += 1
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                if receiver.signed:
                    payload = Webhook(receiver.secret).verify(body, headers)
                else:
                    payload = json.loads(body)
            except WebhookVerificationError:
                with receiver.lock:
                    receiver.bad_signatures += 1
                self._answer(400, b"bad signature")
                return
            with receiver.lock:
                receiver.received.append(Received(headers.get("webhook-id", ""), payload, headers))
            if receiver.delay:
                receiver.stop.wait(receiver.delay)
            mode = receiver.mode
            if mode == "silent":
                receiver.stop.wait(60)  # never answers; the test's end lets it go
                return
            if mode == "huge":
                self._huge()
                return
            if mode == "redirect":
                self.send_response(307)
                self.send_header("Location", f"http://127.0.0.1:{receiver.port}/moved")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            status = {"500": 500, "410": 410}.get(mode, 200)
            self._answer(status, json.dumps({"ok": status == 200}).encode())

        def _answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _huge(self) -> None:
            """Claim 3 GB and keep writing until the client hangs up."""
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(HUGE))
            self.end_headers()
            chunk = b"x" * 65536
            try:
                while receiver.huge_bytes_sent < HUGE and not receiver.stop.is_set():
                    self.wfile.write(chunk)
                    receiver.huge_bytes_sent += len(chunk)
            except OSError:
                pass  # the client closed the connection: what we want

    return Handler


@contextmanager
def running_receiver(secret: str, tls: ssl.SSLContext | None = None) -> Iterator[Receiver]:
    """The receiver on a free loopback port, in threads of this process (HTTPS with `tls`)."""
    receiver = Receiver(secret=secret)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
