"""The production gunicorn configuration: sized from the cores, and it serves the site."""

import json
import os
import runpy
import subprocess
import sys
import urllib.request

import pytest
from django.conf import settings

from devtools import redis_server
from devtools.bench import stop_process, wait_until_serving

CONFIG = settings.BASE_DIR / "gunicorn.conf.py"


def load(monkeypatch, **env) -> dict:
    for name in ("WEB_CONCURRENCY", "GUNICORN_HOST", "PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def test_two_workers_a_core_plus_one(monkeypatch):
    config = load(monkeypatch)
    assert config["workers"] == 2 * len(os.sched_getaffinity(0)) + 1
    assert config["bind"] == "127.0.0.1:8000"  # loopback unless told otherwise


def test_the_environment_overrides_the_size(monkeypatch):
    assert load(monkeypatch, WEB_CONCURRENCY="3")["workers"] == 3


def test_a_port_from_systemd_or_honcho_stays_on_loopback(monkeypatch):
    assert load(monkeypatch, PORT="8001")["bind"] == "127.0.0.1:8001"


def test_a_shared_host_keeps_each_instance_on_its_own_port(monkeypatch):
    """GUNICORN_HOST comes from the environment file every instance reads; the port is
    the instance's own, so site-web@8001 and site-web@8002 never bind the same address."""
    binds = {
        load(monkeypatch, GUNICORN_HOST="10.0.0.5", PORT=port)["bind"] for port in ("8001", "8002")
    }
    assert binds == {"10.0.0.5:8001", "10.0.0.5:8002"}


@pytest.mark.integration
def test_gunicorn_serves_the_site_with_it(tmp_path):
    port = redis_server.free_port()
    env = {
        **os.environ,
        "DEBUG": "off",
        "SECRET_KEY": "x" * 64,
        "GUNICORN_HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "GUNICORN_ACCESS_LOG": str(tmp_path / "access.log"),
    }
    log = tmp_path / "gunicorn.log"
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "gunicorn", "-c", str(CONFIG), "site_project.wsgi:application"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
        start_new_session=True,
    )
    try:
        wait_until_serving(f"http://127.0.0.1:{port}", process, log)
        url = f"http://127.0.0.1:{port}/healthz"
        with urllib.request.urlopen(url, timeout=5) as response:
            assert response.status == 200
            assert json.loads(response.read()) == {"status": "ok"}
    finally:
        stop_process(process)
    assert "Booting worker" in log.read_text()
