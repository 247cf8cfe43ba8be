"""The production shape on one machine, for `make e2e-prod` and `make loadtest`.

PostgreSQL and Redis on loopback, an SMTP sink that keeps what it receives, the release
step (deploy/bin/release), then deploy/Procfile.prod started by honcho with an environment
file, the way docs/deploying.md runs it: two gunicorn masters on two ports (as if
two hosts behind a load balancer), two Celery workers and one beat, DEBUG off. Everything
lives in temporary folders and is stopped and deleted on the way out; a process still
running after the stop is reported as an error.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from devtools import postgres_server, redis_server, smtp_sink

BASE_DIR = Path(__file__).resolve().parent.parent
PROCFILE = "deploy/Procfile.prod"
RELEASE = "deploy/bin/release"
WEB_PROCESSES = 2
WORKER_PROCESSES = 2
RELEASE_SECONDS = 300
READY_SECONDS = 120
STOP_SECONDS = 60


@dataclass
class Shape:
    """A running production shape: where it listens, its settings and its mail."""

    workdir: Path
    env_file: Path
    env: dict[str, str]
    web_urls: list[str]
    sink: smtp_sink.CapturingSink
    log: Path
    honcho: subprocess.Popen | None = field(default=None, repr=False)

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def processes(self) -> dict[str, int]:
        """How many gunicorn masters, Celery workers and beats honcho is running now."""
        counts = {"gunicorn": 0, "worker": 0, "beat": 0}
        for process in _tree(self.honcho):
            try:
                parent = " ".join(process.parent().cmdline())
                command = " ".join(process.cmdline())
            except psutil.Error:
                continue
            if "gunicorn" in command and "gunicorn" not in parent:
                counts["gunicorn"] += 1
            elif "celery" in command and "celery" not in parent:
                counts["beat" if " beat" in command else "worker"] += 1
        return counts

    def leaked_variables(self) -> list[str]:
        """Variables of the caller's environment that reached the site's processes, other
        than a shell's basics: none may, so that the environment file is what is tested."""
        from_file = {line.partition("=")[0] for line in self.env_file.read_text().splitlines()}
        foreign = set(os.environ) - set(_bare_environment()) - SET_ON_THE_WAY - from_file
        leaked = set()
        for process in _tree(self.honcho):
            try:
                leaked |= foreign & set(process.environ())
            except psutil.Error:
                continue
        return sorted(leaked)


# What honcho and the shell running each Procfile line set for themselves.
SET_ON_THE_WAY = {"PORT", "HONCHO_PROCESS_NAME", "PWD", "OLDPWD", "SHLVL", "_"}


def _settings(workdir: Path, *, database: str, redis: str, smtp_port: int, site_url: str):
    """The environment file's values: production settings pointing at throwaway parts."""
    return {
        "DEBUG": "off",
        "READ_DOTENV": "off",  # not the checkout's .env: this file is every setting
        "HTTPS": "off",  # loopback http; the proxy in front does TLS in production
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": site_url,
        "DATABASE_URL": database,
        "REDIS_URL": redis,
        "CACHE_URL": redis,
        "CELERY_BROKER_URL": redis,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
        "BEAT_SCHEDULE_FILE": str(workdir / "celerybeat-schedule"),
        "WEB_CONCURRENCY": "2",
        "CELERY_WORKER_CONCURRENCY": "2",
        "VENV": sys.prefix,
        "LOG_LEVEL": "INFO",
    }


def _is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _two_free_ports() -> int:
    """A free port whose next one is free too (honcho gives web.1 and web.2 consecutive
    ports), below Linux's ephemeral range (32768 and up), so no outgoing connection made
    meanwhile (the release step opens many) can take one before gunicorn binds it."""
    for _ in range(100):
        port = random.randrange(20000, 32000)  # noqa: S311 - a port, not a secret
        if _is_free(port) and _is_free(port + 1):
            return port
    raise RuntimeError("no two consecutive free ports on 127.0.0.1")


def _honcho(*args: str) -> list[str]:
    return [str(Path(sys.prefix) / "bin" / "honcho"), *args]


def _bare_environment() -> dict[str, str]:
    """What honcho and the site's processes get besides the environment file: a shell's
    basics, none of the site's settings, so the file is the only source of them (the
    scripts find the venv by VENV, which the file sets)."""
    kept = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR")
    return {name: os.environ[name] for name in kept if name in os.environ}


def _release(env_file: Path, log: Path) -> None:
    """deploy/bin/release through honcho, with the environment file, as an operator would."""
    with log.open("a") as output:
        done = subprocess.run(  # noqa: S603 - honcho from our venv with our arguments
            _honcho("run", "-e", str(env_file), RELEASE),
            cwd=BASE_DIR,
            env=_bare_environment(),
            stdout=output,
            stderr=subprocess.STDOUT,
            timeout=RELEASE_SECONDS,
            check=False,
        )
    if done.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        raise RuntimeError(f"The release step failed:\n{tail}")


def _start(env_file: Path, base_port: int, log: Path) -> subprocess.Popen:
    args = _honcho("start", "-f", PROCFILE, "-e", str(env_file), "-p", str(base_port))
    args += ["-c", f"web={WEB_PROCESSES},worker={WORKER_PROCESSES}", "--no-colour"]
    args += ["web", "worker", "beat"]
    with log.open("a") as output:
        return subprocess.Popen(  # noqa: S603 - honcho from our venv with our arguments
            args,
            cwd=BASE_DIR,
            env=_bare_environment(),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches us first; we stop honcho ourselves
        )


def readiness(url: str) -> tuple[int, dict]:
    """GET /readyz: its status and JSON (0 and {} when nothing answers yet)."""
    try:
        with urllib.request.urlopen(url + "/readyz", timeout=5) as response:  # noqa: S310
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    except OSError:
        return 0, {}
    try:
        return status, json.loads(body)
    except ValueError:
        return status, {"not JSON": body[:200].decode("utf-8", "replace")}


def _wait_until_ready(shape: Shape) -> None:
    """Every web process answers /readyz with 200 and hears both workers."""
    wanted = f"ok ({WORKER_PROCESSES} workers)"
    deadline = time.monotonic() + READY_SECONDS
    for url in shape.web_urls:
        while True:
            if shape.honcho.poll() is not None:
                raise RuntimeError(f"honcho stopped during start-up:\n{shape.log_tail()}")
            status, body = readiness(url)
            if status == 200 and body.get("checks", {}).get("celery") == wanted:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"{url}/readyz not ready in {READY_SECONDS} s ({status} {body}):\n"
                    + shape.log_tail()
                )
            time.sleep(0.5)


def _tree(process: subprocess.Popen | None) -> list[psutil.Process]:
    if process is None:
        return []
    try:
        return psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _stop(honcho: subprocess.Popen | None) -> list[str]:
    """Stop honcho (it stops its processes); return whatever is still running after it."""
    if honcho is None:
        return []
    started = _tree(honcho)
    if honcho.poll() is None:
        honcho.send_signal(signal.SIGTERM)
        try:
            honcho.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            honcho.kill()
            honcho.wait(timeout=10)
    _, alive = psutil.wait_procs(started, timeout=15)
    leftovers = []
    for process in alive:
        try:
            leftovers.append(f"{process.pid} {' '.join(process.cmdline())[:120]}")
            process.kill()
        except psutil.Error:
            continue
    return leftovers


def _remove(folder: Path, problems: list[str]) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    if folder.exists():
        problems.append(f"temporary folder left behind: {folder}")


@contextmanager
def running(
    extra_env: dict[str, str] | None = None, say: Callable[[str], None] = print
) -> Iterator[Shape]:
    """Start the whole shape, yield it, then stop it; fail if anything outlives the stop.

    Stopping runs in reverse order of starting (the processes before the database they
    use), also when starting fails halfway.
    """
    workdir = Path(tempfile.mkdtemp(prefix="prod-shape-"))
    problems: list[str] = []
    with ExitStack() as stack:
        stack.callback(_remove, workdir, problems)
        postgres = stack.enter_context(postgres_server.running())
        sink = stack.enter_context(smtp_sink.running())
        (workdir / "redis").mkdir()
        redis = redis_server.start(workdir=str(workdir / "redis"))
        stack.callback(redis.stop)
        say(
            f"PostgreSQL on 127.0.0.1:{postgres.port}, Redis on 127.0.0.1:{redis.port}, "
            f"SMTP sink on 127.0.0.1:{sink.port}"
        )
        base_port = _two_free_ports()
        web_urls = [f"http://127.0.0.1:{base_port + n}" for n in range(WEB_PROCESSES)]
        values = _settings(
            workdir,
            database=postgres.url,
            redis=redis.url,
            smtp_port=sink.port,
            site_url=web_urls[0],
        ) | (extra_env or {})
        env_file = workdir / "site.env"
        env_file.write_text("".join(f"{key}={value}\n" for key, value in values.items()))
        # The settings for tools run beside the shape (the load test's checks); the shape's
        # own processes read them from env_file only.
        env = _clean_environment() | values
        shape = Shape(workdir, env_file, env, web_urls, sink, workdir / "processes.log")
        say("Release step (deploy/bin/release): migrate, collectstatic, load_initial_content")
        _release(env_file, shape.log)
        say(
            f"honcho start -f {PROCFILE}: web x{WEB_PROCESSES}, worker x{WORKER_PROCESSES}, beat x1"
        )
        shape.honcho = _start(env_file, base_port, shape.log)
        stack.callback(lambda: problems.extend(_stop(shape.honcho)))
        _wait_until_ready(shape)
        leaked = shape.leaked_variables()
        if leaked:
            raise RuntimeError(f"Not from the environment file: {', '.join(leaked)}")
        say(f"Ready: {', '.join(web_urls)} (every setting from {env_file.name} alone)")
        yield shape
    if problems:
        raise RuntimeError("Not cleaned up after the stop:\n" + "\n".join(problems))


def _clean_environment() -> dict[str, str]:
    """The caller's environment without the site's own settings, which the file sets."""
    ignored = {"DATABASE_URL", "DEBUG", "HTTPS", "BEHIND_PROXY", "EMAIL_BACKEND_OVERRIDE"}
    ignored |= {"GUNICORN_HOST", "SENTRY_DSN", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {key: value for key, value in os.environ.items() if key not in ignored}
