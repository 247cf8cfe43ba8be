"""Error reporting: Sentry only when SENTRY_DSN is set, and then an error really arrives.

Each case runs in a fresh interpreter, since settings (and Sentry) start once per process.
The "Sentry server" is a small HTTP server on loopback that records what it receives.
"""

import gzip
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brotli
import pytest
from django.conf import settings

SCRIPT = """
import os, django
os.environ["DJANGO_SETTINGS_MODULE"] = "site_project.settings"
django.setup()
import sys
if sys.argv[1] == "modules":
    print("sentry_sdk" in sys.modules)
    raise SystemExit
from django.conf import settings
# No collectstatic here: plain static storage, so the 500 page itself renders.
settings.STORAGES["staticfiles"] = {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
import articles.views
def boom(request):
    raise RuntimeError("the test's own failure")
articles.views.article_list = boom
from django.test import Client
response = Client(raise_request_exception=False).post(
    "/articles/", {"email": os.environ["PROBE_EMAIL"]}, HTTP_HOST="127.0.0.1"
)
print(response.status_code)
import sentry_sdk
sentry_sdk.flush(timeout=5)
"""


def run(*args: str, **env: str) -> str:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("SENTRY_")}
    environment |= {"DEBUG": "off", "SECRET_KEY": "x" * 64, "LOG_LEVEL": "CRITICAL", **env}
    return subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", SCRIPT, *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout


@pytest.mark.subprocess
def test_without_a_dsn_sentry_is_not_even_imported():
    assert run("modules").strip() == "False"


@pytest.fixture
def sentry_server():
    received: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            encoding = self.headers.get("Content-Encoding")
            if encoding == "gzip":
                body = gzip.decompress(body)
            elif encoding == "br":  # sentry-sdk's choice when brotli is installed (locust's)
                body = brotli.decompress(body)
            received.append(body)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.received = received
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.integration  # the interpreter reports to our HTTP server
def test_with_a_dsn_a_server_error_is_reported_without_personal_data(sentry_server):
    port = sentry_server.server_address[1]
    # The address comes from the environment, not the script's text: from Python 3.13 on,
    # Sentry can quote the lines of a `python -c` script, which would show it regardless.
    out = run(
        "error", SENTRY_DSN=f"http://publickey@127.0.0.1:{port}/1", PROBE_EMAIL="ana@example.com"
    )
    assert out.strip() == "500"
    sent = b"".join(sentry_server.received).decode(errors="replace")
    assert "the test's own failure" in sent
    assert "RuntimeError" in sent
    assert "ana@example.com" not in sent  # form bodies stay out of reports
