"""The guard in tests/markers_guard.py: an unmarked test that starts a process or connects
to a server fails, naming the marker to add; a marked one doesn't."""

import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings

from tests import markers_guard

pytest_plugins = ["pytester"]


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """Something listening on loopback (binding and listening are no connection)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(4)
        yield sock


@contextmanager
def tripped(match: str):
    """The guard fails the block; what it noted (which would fail this test once its body
    ends, even had the code under test caught the failure) is then forgiven."""
    with pytest.raises(pytest.fail.Exception, match=match):
        yield
    assert markers_guard.state.violations
    markers_guard.state.violations.clear()


def test_an_unmarked_test_may_not_connect(listener):
    host, port = listener.getsockname()
    expected = (
        rf"This test opened a connection to 127\.0\.0\.1:{port} but isn't marked: "
        r"add @pytest\.mark\.integration"
    )
    with tripped(expected):
        socket.create_connection((host, port), timeout=5)
    with socket.socket() as sock, tripped(expected):
        sock.connect_ex((host, port))


def test_an_unmarked_test_may_not_start_a_process():
    expected = (
        r"This test started a process \(true\) but isn't marked: add @pytest\.mark\.subprocess"
    )
    with tripped(expected):
        subprocess.run(["true"], check=False)  # noqa: S607 - never runs


def test_the_configured_database_may_be_reached_unmarked(listener, monkeypatch):
    """A suite on PostgreSQL connects to it from every database test."""
    host, port = listener.getsockname()
    monkeypatch.setattr(markers_guard.state, "database_addresses", {(host, port)})
    socket.create_connection((host, port), timeout=5).close()


def test_the_database_addresses_come_from_the_settings(monkeypatch):
    databases = {"default": {"ENGINE": "django.db.backends.postgresql", "HOST": "127.0.0.1"}}
    monkeypatch.setattr(settings, "DATABASES", databases)
    monkeypatch.setattr(markers_guard.state, "database_addresses", None)
    assert markers_guard._database_addresses() == {("127.0.0.1", 5432), ".s.PGSQL.5432"}


@pytest.mark.integration
def test_a_marked_test_may_connect(listener):
    socket.create_connection(listener.getsockname(), timeout=5).close()


@pytest.mark.subprocess
def test_a_marked_test_may_start_a_process():
    assert subprocess.run([sys.executable, "-c", "pass"], check=False).returncode == 0


INNER = """
import socket
import subprocess
import sys

import pytest


@pytest.fixture(scope="session")
def started():
    '''Like redis_process: a session fixture that starts a process.'''
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return "started"


@pytest.fixture
def listener():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(4)
        yield sock


@pytest.fixture
def connects_at_teardown(listener):
    yield
    socket.create_connection(listener.getsockname()).close()


def test_1_unmarked_sets_up_the_session_fixture(started):
    pass


@pytest.mark.subprocess
def test_2_marked_uses_the_same_session_fixture(started):
    assert started == "started"


def test_3_unmarked_uses_the_session_fixture_already_set_up(started):
    pass


def test_4_unmarked_connects(listener):
    socket.create_connection(listener.getsockname()).close()


def test_5_unmarked_eats_the_failure(listener):
    try:
        socket.create_connection(listener.getsockname()).close()
    except BaseException:
        pass


def test_6_unmarked_fixture_connects_at_teardown(connects_at_teardown):
    pass


@pytest.mark.integration
def test_7_marked_connects(listener):
    socket.create_connection(listener.getsockname()).close()


def test_8_unmarked_stays_in_process(listener):
    assert listener.getsockname()[1]
"""


@pytest.mark.subprocess
def test_the_guard_in_a_session_of_its_own(pytester, monkeypatch):
    """Session fixtures start for whichever test needs them first, marked or not."""
    monkeypatch.setenv("PYTHONPATH", str(settings.BASE_DIR))
    pytester.makeini("[pytest]\nmarkers =\n    integration: x\n    subprocess: x\n    browser: x\n")
    pytester.makepyfile(test_inner=INNER)
    result = pytester.runpytest_subprocess(
        "-p", "tests.markers_guard", "-p", "no:django", "-p", "no:cacheprovider", "-rA"
    )
    result.assert_outcomes(passed=4, failed=4, errors=1)
    result.stdout.fnmatch_lines_random(
        [
            "PASSED test_inner.py::test_2_marked_uses_the_same_session_fixture",
            "PASSED test_inner.py::test_7_marked_connects",
            "PASSED test_inner.py::test_8_unmarked_stays_in_process",
            "FAILED test_inner.py::test_1_unmarked_sets_up_the_session_fixture*",
            "FAILED test_inner.py::test_3_unmarked_uses_the_session_fixture_already_set_up*",
            "FAILED test_inner.py::test_4_unmarked_connects*",
            "FAILED test_inner.py::test_5_unmarked_eats_the_failure*",
            "ERROR test_inner.py::test_6_unmarked_fixture_connects_at_teardown*",
        ]
    )
    output = result.stdout.str()
    fixture = (
        f"Fixture 'started' started a process ({sys.executable} -c pass) "
        "for this test, which isn't marked: add @pytest.mark.subprocess"
    )
    # One report section per failing test starts with the message; the short summary repeats it
    # after "FAILED …::name - ", cut to the terminal's width unless CI is set (so count lines).
    reports = [line for line in result.stdout.lines if line.startswith(fixture)]
    assert len(reports) == 2  # tests 1 and 3
    connection = "This test opened a connection to 127.0.0.1:"
    assert output.count(connection) >= 3  # tests 4, 5 and 6
    assert "but isn't marked: add @pytest.mark.integration" in output
