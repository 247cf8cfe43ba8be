"""No secret in the repository: production refuses to start without SECRET_KEY."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.subprocess  # Django started in another process, with other settings


def start_django(**env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=environment | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_secret_key_production_stops_with_a_clear_message():
    # The checkout's own .env (written by `make install`) must not supply one here.
    result = start_django(DEBUG="off", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_with_a_secret_key_it_starts():
    result = start_django(DEBUG="off", SECRET_KEY="x" * 64)
    assert result.returncode == 0, result.stderr
