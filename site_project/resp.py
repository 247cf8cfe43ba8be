"""A minimal Redis client for the page cache's one command per request.

redis-py spends 40 to 80 µs of Python on each command on the bench machine (packing,
the connection pool, retries, the RESP3 parser); the round trip itself on loopback takes
about 10 µs. For the edge, which serves a whole page in less time than redis-py takes to
ask for it, that overhead was most of the cost. This speaks RESP2 itself over one socket per
process and thread: it sends one command and reads one reply. Any error closes the socket
and raises a redis-py exception, so callers handle it as they would redis-py's.

Only redis:// and unix:// URLs (with a password and a database number); for anything else
(rediss://, sentinels) `connect` returns None and callers use redis-py.
"""

from __future__ import annotations

import os
import socket
import threading
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError

Reply = bytes | int | None | list[Any]


def _pack(*args: bytes | str) -> bytes:
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = arg.encode() if isinstance(arg, str) else arg
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


class RespClient:
    """One command at a time; a socket per process and thread, opened when first needed."""

    def __init__(self, url: str, timeout: float) -> None:
        parts = urlsplit(url)
        self.timeout = timeout
        self.unix_path = parts.path if parts.scheme == "unix" else None
        self.address = (parts.hostname or "127.0.0.1", parts.port or 6379)
        query = parse_qs(parts.query)
        path_db = parts.path.lstrip("/") if parts.scheme == "redis" else ""
        self.db = int((query.get("db") or [path_db or "0"])[0])
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self._local = threading.local()

    def call(self, *args: bytes | str) -> Reply:
        stream = self._stream()
        try:
            stream.write(_pack(*args))
            stream.flush()
            reply = self._read(stream)
        except (OSError, ValueError) as error:
            self.close()
            raise RedisConnectionError(f"page cache Redis: {error}") from error
        if isinstance(reply, ResponseError):
            raise reply
        return reply

    def close(self) -> None:
        stream = getattr(self._local, "stream", None)
        self._local.stream = None
        if stream is not None:
            try:
                stream.close()
            finally:
                self._local.sock.close()

    def _stream(self) -> Any:
        # A forked worker must not share its parent's socket.
        if getattr(self._local, "pid", None) != os.getpid():
            self._local.stream = None
            self._local.pid = os.getpid()
        if self._local.stream is None:
            try:
                self._connect()
            except OSError as error:
                raise RedisConnectionError(f"page cache Redis: {error}") from error
        return self._local.stream

    def _connect(self) -> None:
        if self.unix_path:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self.timeout)
            sock.connect(self.unix_path)
        else:
            sock = socket.create_connection(self.address, timeout=self.timeout)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._local.sock = sock
        self._local.stream = sock.makefile("rwb")
        setup: list[tuple[str, ...]] = []
        if self.password is not None:
            setup.append(
                ("AUTH", self.username, self.password) if self.username else ("AUTH", self.password)
            )
        if self.db:
            setup.append(("SELECT", str(self.db)))
        try:
            for command in setup:
                self.call(*command)
        except Exception:
            self.close()  # never keep a socket that failed to sign in or pick its database
            raise

    def _read(self, stream: Any) -> Reply | ResponseError:
        line = stream.readline()
        if not line.endswith(b"\r\n"):
            raise ValueError("connection closed")
        kind, rest = line[:1], line[1:-2]
        if kind == b"$":
            size = int(rest)
            if size < 0:
                return None
            data = stream.read(size + 2)
            if len(data) != size + 2:
                raise ValueError("connection closed")
            return bytes(data[:-2])
        if kind == b"*":
            count = int(rest)
            if count < 0:
                return None
            items = [self._read(stream) for _ in range(count)]
            return items
        if kind == b":":
            return int(rest)
        if kind == b"+":
            return bytes(rest)
        if kind == b"-":
            return ResponseError(rest.decode(errors="replace"))
        raise ValueError(f"unexpected reply {line[:20]!r}")


def connect(url: str, timeout: float) -> RespClient | None:
    scheme = urlsplit(url).scheme
    return RespClient(url, timeout) if scheme in ("redis", "unix") else None
