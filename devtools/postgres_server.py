"""A throwaway PostgreSQL cluster on loopback, for `make e2e-prod` and `make loadtest`.

initdb refuses to run as root, so as root the cluster belongs to the `postgres` user (as in
.ci/run), started from `/` so it never needs to read the caller's folder. As anyone else
it belongs to the caller. It listens on 127.0.0.1 only and is deleted when stopped.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from devtools.redis_server import free_port

START_SECONDS = 60
STOP_SECONDS = 30


def postgres_bin() -> Path:
    """The newest installed PostgreSQL's programs (Debian keeps them out of PATH)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parts)
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise RuntimeError("PostgreSQL is not installed (no initdb): apt-get install postgresql")


def _as_owner() -> dict:
    """subprocess options that run a program as the cluster's owner, from `/`."""
    if os.geteuid() != 0:
        return {"cwd": "/"}
    return {"cwd": "/", "user": "postgres", "group": "postgres", "extra_groups": []}


@dataclass
class PostgresServer:
    """A running cluster with one database, `site`, owned by the role `site`."""

    process: subprocess.Popen
    port: int
    datadir: Path

    @property
    def url(self) -> str:
        return f"postgres://site:site@127.0.0.1:{self.port}/site"

    def stop(self) -> None:
        """Fast shutdown (SIGINT): sessions are ended and the server and its children exit."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _wait_until_accepting(server: PostgresServer, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(f"PostgreSQL exited:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with psycopg.connect(
                host="127.0.0.1", port=server.port, user="postgres", dbname="postgres"
            ):
                return
        except psycopg.OperationalError as exc:
            if time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL refused connections for {START_SECONDS} s") from exc
            time.sleep(0.2)


def _create_site_database(port: int) -> None:
    with psycopg.connect(
        host="127.0.0.1", port=port, user="postgres", dbname="postgres", autocommit=True
    ) as connection:
        connection.execute("CREATE ROLE site LOGIN PASSWORD 'site'")
        connection.execute("CREATE DATABASE site OWNER site")


def _initdb(programs: Path, datadir: Path) -> None:
    args = [str(programs / "initdb"), "-D", str(datadir), "-A", "trust", "-U", "postgres"]
    args += ["-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"]
    done = subprocess.run(  # noqa: S603 - PostgreSQL's own initdb with our arguments
        args,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **_as_owner(),
    )
    if done.returncode != 0:
        raise RuntimeError(f"initdb failed:\n{done.stdout}{done.stderr}")


@contextmanager
def running() -> Iterator[PostgresServer]:
    """initdb, start, create the `site` database; stop and delete everything afterwards."""
    programs = postgres_bin()
    top = Path(tempfile.mkdtemp(prefix="prod-shape-pg-"))
    datadir, log = top / "data", top / "postgres.log"
    server = None
    try:
        datadir.mkdir()
        log.touch()
        if os.geteuid() == 0:
            shutil.chown(top, "postgres")
            shutil.chown(datadir, "postgres")
            shutil.chown(log, "postgres")
        _initdb(programs, datadir)
        port = free_port()
        args = [str(programs / "postgres"), "-D", str(datadir), "-p", str(port)]
        args += ["-h", "127.0.0.1", "-k", str(top)]
        with log.open("a") as log_file:
            process = subprocess.Popen(  # noqa: S603 - the postgres server, loopback only
                args,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **_as_owner(),
            )
        server = PostgresServer(process=process, port=port, datadir=datadir)
        _wait_until_accepting(server, log)
        _create_site_database(port)
        yield server
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(top, ignore_errors=True)
