"""Markers that tell the truth: a test that is not marked may not leave this process.

During an unmarked test (its setup, body and teardown, function-scoped fixtures included),
starting a process or opening a stream connection fails the test, naming the marker to
add:

- a process (subprocess.Popen and what uses it, os.fork/forkpty/exec*/posix_spawn*/system,
  multiprocessing): `subprocess`, `integration` or `browser` allows it;
- a TCP or Unix connection (socket.connect, connect_ex, create_connection): `integration`
  or `browser` allows it, except to the configured database's host and port, which every
  database test reaches when the suite runs on PostgreSQL.

Fixtures wider than a function (a session's Redis, the browser) start once for many tests,
in the setup of whichever test needs them first, so the guard lets them start and stop
whatever they like, notes which of them started a process or connected, and fails an
unmarked test that uses one of those. Code that leaves through C without Python's socket
module (libpq, Chromium's own network) is not seen.
"""

from __future__ import annotations

import functools
import multiprocessing.process
import os
import socket
import subprocess
from dataclasses import dataclass, field

import pytest

PROCESS = "subprocess"
SERVER = "integration"
ALLOWS = {  # what each marker allows
    "browser": {PROCESS, SERVER},
    "integration": {PROCESS, SERVER},
    "subprocess": {PROCESS},
}
DID = {  # how the message puts each kind of escape
    PROCESS: "started a process",
    SERVER: "opened a connection to",
}


@dataclass
class _State:
    markers: set[str] | None = None  # the running test's markers; None between tests
    wide_fixtures: list[str] = field(default_factory=list)  # wider fixtures setting up now
    noted: dict[str, tuple[str, str]] = field(default_factory=dict)  # fixture: (kind, what)
    violations: list[str] = field(default_factory=list)
    database_addresses: set | None = None


state = _State()


def message(kind: str, what: str) -> str:
    marker = "subprocess" if kind == PROCESS else "integration"
    also = "integration and browser allow it too" if kind == PROCESS else "browser allows it too"
    return (
        f"This test {DID[kind]} {what} but isn't marked: add @pytest.mark.{marker} "
        f"({also}; see tests/markers_guard.py)"
    )


def check(kind: str, what: str) -> None:
    """Called before a process starts or a connection opens: fail an unmarked test."""
    if state.wide_fixtures:
        name = state.wide_fixtures[-1]
        if kind == SERVER or name not in state.noted:  # a connection outranks a process
            state.noted[name] = (kind, what)
        return
    if state.markers is None or any(kind in ALLOWS.get(m, ()) for m in state.markers):
        return
    text = message(kind, what)
    state.violations.append(text)
    pytest.fail(text)  # pytest's Failed is a BaseException: `except Exception` can't eat it


# --- connections -----------------------------------------------------------------------


def _database_addresses() -> set:
    """(host, port) pairs and Unix socket names of the configured databases."""
    if state.database_addresses is None:
        addresses: set = set()
        try:
            from django.conf import settings

            databases = settings.DATABASES if settings.configured else {}
        except ImportError:
            databases = {}
        for db in databases.values():
            if db.get("ENGINE", "").endswith("sqlite3"):
                continue
            host = db.get("HOST") or "localhost"
            port = int(db.get("PORT") or 5432)
            addresses.add(f".s.PGSQL.{port}")  # PostgreSQL's Unix socket, any directory
            try:
                for *_, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
                    addresses.add((sockaddr[0], port))
            except OSError:
                pass
        state.database_addresses = addresses
    return state.database_addresses


def _describe(sock: socket.socket, address) -> str | None:
    """host:port or the socket path; None for what the guard lets through."""
    if sock.type != socket.SOCK_STREAM:
        return None
    if sock.family == socket.AF_UNIX:
        path = address.decode() if isinstance(address, bytes) else str(address)
        if os.path.basename(path) in _database_addresses():
            return None
        return path
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        host, port = address[0], address[1]
        if (host, port) in _database_addresses():
            return None
        return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return None


def _guard_connect(original):
    @functools.wraps(original)
    def connect(self, address, *args, **kwargs):
        if state.markers is not None or state.wide_fixtures:
            what = _describe(self, address)
            if what is not None:
                check(SERVER, what)
        return original(self, address, *args, **kwargs)

    return connect


# --- processes -------------------------------------------------------------------------


def _command(args) -> str:
    parts = [args] if isinstance(args, (str, bytes, os.PathLike)) else list(args)
    text = " ".join(str(p) if isinstance(p, str) else os.fsdecode(p) for p in parts)
    return f"({text[:77]}...)" if len(text) > 80 else f"({text})"


def _guard_process(original, describe):
    @functools.wraps(original)
    def start(*args, **kwargs):
        if state.markers is not None or state.wide_fixtures:
            check(PROCESS, describe(*args, **kwargs))
        return original(*args, **kwargs)

    return start


def _popen_args(self, args, *rest, **kwargs):
    return _command(args)


def _os_call(name):
    def describe(*args, **kwargs):
        first = args[0] if args and isinstance(args[0], (str, bytes, os.PathLike)) else None
        return f"(os.{name} {os.fsdecode(first)})" if first is not None else f"(os.{name})"

    return describe


PATCHES = [
    (socket.socket, "connect", _guard_connect),
    (socket.socket, "connect_ex", _guard_connect),
    (subprocess.Popen, "__init__", lambda f: _guard_process(f, _popen_args)),
    (
        multiprocessing.process.BaseProcess,
        "start",
        lambda f: _guard_process(f, lambda self: f"(multiprocessing {self.name})"),
    ),
]
for _name in ("fork", "forkpty", "execv", "execve", "posix_spawn", "posix_spawnp", "system"):
    if hasattr(os, _name):
        PATCHES.append((os, _name, lambda f, n=_name: _guard_process(f, _os_call(n))))

_originals: list[tuple[object, str, object]] = []


def install() -> None:
    for owner, name, wrap in PATCHES:
        original = getattr(owner, name)
        _originals.append((owner, name, original))
        setattr(owner, name, wrap(original))


def uninstall() -> None:
    while _originals:
        owner, name, original = _originals.pop()
        setattr(owner, name, original)


# --- pytest hooks ----------------------------------------------------------------------


def pytest_configure(config):
    install()


def pytest_unconfigure(config):
    uninstall()


def _markers(item) -> set[str]:
    return {mark.name for mark in item.iter_markers() if mark.name in ALLOWS}


def _enter(name: str) -> None:
    state.wide_fixtures.append(name)


def _leave() -> None:
    if state.wide_fixtures:
        state.wide_fixtures.pop()


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """Wider fixtures set up and tear down unguarded, but what they start is noted."""
    if fixturedef.scope == "function":
        return (yield)
    # Finalizers run last-in first-out: leave after the fixture's own teardown, enter
    # before it.
    fixturedef.addfinalizer(_leave)
    _enter(fixturedef.argname)
    try:
        return (yield)
    finally:
        _leave()
        fixturedef.addfinalizer(functools.partial(_enter, fixturedef.argname))


def _phase():
    """Run one phase of a test (as a wrapper's `yield from`); if code under test caught the
    guard's failure (`except BaseException`), fail the phase anyway."""
    try:
        result = yield
    finally:
        violations, state.violations = state.violations, []
    if violations:
        pytest.fail("\n".join(dict.fromkeys(violations)), pytrace=False)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    state.markers = _markers(item)
    state.violations = []
    return (yield from _phase())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    for name in item.fixturenames:
        if name in state.noted:
            kind, what = state.noted[name]
            if not any(kind in ALLOWS[m] for m in state.markers or ()):
                text = message(kind, what).replace("This test", f"Fixture {name!r}", 1)
                pytest.fail(text.replace("but isn't", "for this test, which isn't"), pytrace=False)
    return (yield from _phase())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield from _phase())
    finally:
        state.markers = None
