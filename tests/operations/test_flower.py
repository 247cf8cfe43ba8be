"""`make flower`: on loopback, behind a password, or not at all."""

import base64
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings

from devtools import redis_server
from devtools.bench import stop_process


def start(**env: str) -> subprocess.Popen:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("FLOWER_")}
    return subprocess.Popen(
        [sys.executable, "-m", "operations.flower"],
        cwd=settings.BASE_DIR,
        env=environment | env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def get(url: str, auth: str | None = None) -> int:
    request = urllib.request.Request(url)  # noqa: S310 - loopback only
    if auth:
        request.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.subprocess
def test_it_refuses_to_start_without_a_password():
    process = start()
    _, err = process.communicate(timeout=30)
    assert process.returncode != 0
    assert "FLOWER_BASIC_AUTH" in err


@pytest.mark.integration
def test_it_asks_for_the_password(redis_process):
    port = redis_server.free_port()
    auth = "ops:a-long-flower-password"
    process = start(
        FLOWER_BASIC_AUTH=auth,
        FLOWER_PORT=str(port),
        CELERY_BROKER_URL=redis_process.url,
        DEBUG="on",
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert process.poll() is None, process.stderr.read()
            try:
                status = get(url)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("Flower did not answer within 30 seconds")
        assert status == 401
        assert get(url, "ops:wrong") == 401
        assert get(url, auth) == 200
    finally:
        stop_process(process)
