"""One HTTP POST to a checked address: bounded in time and in what is read back.

http.client rather than a client library, because it lets us connect to the address the
SSRF guard approved while sending the real Host and checking TLS against the real name.
Redirects are never followed: a 3xx is a failed delivery staff can see.
"""

import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from .url_guard import Target

_READ_CHUNK = 8192


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes  # at most `max_body` bytes; the rest is never read
    seconds: float


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(
    target: Target, *, body: bytes, headers: dict[str, str], timeout: float, max_body: int
) -> Response:
    """POST and read at most `max_body` bytes of the answer, all within about `timeout`.

    Raises OSError (including timeouts) or http.client.HTTPException when the receiver
    can't be reached or answers nonsense.
    """
    started = time.monotonic()
    deadline = started + timeout
    cls = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = cls(target, timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        _remaining(deadline, connection)
        response = connection.getresponse()
        chunks: list[bytes] = []
        size = 0
        while size < max_body:
            _remaining(deadline, connection)
            chunk = response.read1(min(_READ_CHUNK, max_body - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return Response(response.status, b"".join(chunks), time.monotonic() - started)
    finally:
        connection.close()  # the unread rest of a huge body is dropped with the socket


def _remaining(deadline: float, connection: http.client.HTTPConnection) -> None:
    """Shrink the socket's timeout to what is left, so a trickling receiver can't stall us."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("The receiver took too long.")
    if connection.sock is not None:
        connection.sock.settimeout(left)
