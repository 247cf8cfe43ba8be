"""Every public address sends the security headers, and its policy allows no inline code."""

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command

from leads.tokens import confirm_url, unsubscribe_url
from tests.assessment.walk import DETAILS, answer_all
from tests.factories import make_article
from tests.leads.factories import make_reachable_lead

pytestmark = pytest.mark.django_db

SLUG = "career-or-job-focused"
ARTICLE = "/articles/are-you-career-or-job-focused/"
PUBLIC_PATHS = [
    "/",
    "/articles/",
    ARTICLE,
    "/articles/feed/",
    "/articles/feed/atom/",
    "/sitemap.xml",
    "/robots.txt",
    "/privacy/",
    "/theme.css",
    "/no-such-page/",
    f"/assessment/{SLUG}/",
    f"/assessment/{SLUG}/new-link/",
    f"/assessment/{SLUG}/download/not-a-real-link/",
]


@pytest.fixture
def content():
    call_command("load_initial_content", stdout=StringIO())


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


def assert_hardened(response) -> None:
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "geolocation=()" in headers["Permissions-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    csp = policy(response)
    for directive in ("default-src", "script-src", "style-src"):
        assert "'unsafe-inline'" not in csp[directive], directive
        assert "'unsafe-eval'" not in csp[directive], directive
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]


# Features browsers know today (the W3C registry and Chrome's list). A name they don't know
# (the withdrawn FLoC's "interest-cohort", a typo) earns a console warning on every page.
KNOWN_FEATURES = {
    "accelerometer", "ambient-light-sensor", "attribution-reporting", "autoplay", "battery",
    "bluetooth", "browsing-topics", "camera", "compute-pressure", "cross-origin-isolated",
    "display-capture", "encrypted-media", "fullscreen", "gamepad", "geolocation", "gyroscope",
    "hid", "identity-credentials-get", "idle-detection", "local-fonts", "magnetometer",
    "microphone", "midi", "otp-credentials", "payment", "picture-in-picture",
    "publickey-credentials-create", "publickey-credentials-get", "screen-wake-lock", "serial",
    "storage-access", "usb", "web-share", "window-management", "xr-spatial-tracking",
}  # fmt: skip


def test_the_permissions_policy_names_only_features_browsers_know(client):
    header = client.get("/robots.txt").headers["Permissions-Policy"]
    directives = dict(part.strip().split("=", 1) for part in header.split(","))
    assert set(directives) <= KNOWN_FEATURES, set(directives) - KNOWN_FEATURES
    assert {"camera", "microphone", "geolocation", "payment", "usb"} <= set(directives)
    assert set(directives.values()) == {"()"}  # switched off, for the site and any frame


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_pages_send_the_security_headers(client, content, path):
    response = client.get(path)
    assert response.status_code < 500
    assert_hardened(response)


def test_every_quiz_step_and_the_result_send_the_security_headers(client, content):
    from assessment.models import Assessment

    quiz = Assessment.objects.get(slug=SLUG)
    assert_hardened(client.post(f"/assessment/{SLUG}/"))
    assert_hardened(client.get(f"/assessment/{SLUG}/q/1/"))
    answer_all(client, quiz)
    assert_hardened(client.get(f"/assessment/{SLUG}/details/"))
    response = client.post(f"/assessment/{SLUG}/details/", DETAILS, follow=True)
    assert response.redirect_chain, "the form should lead to the result page"
    assert response.status_code == 200
    assert_hardened(response)


def test_email_link_pages_send_the_security_headers(client):
    lead = make_reachable_lead()
    for url in (unsubscribe_url(lead.pk), confirm_url(lead.pk)):
        assert_hardened(client.get(url.removeprefix("https://careers.example.com")))


def test_pages_carry_no_inline_script_or_style(client, content):
    """The policy forbids them, so any left in a template would silently break."""
    for path in ["/", "/articles/", ARTICLE, f"/assessment/{SLUG}/", "/privacy/"]:
        html = client.get(path).content.decode()
        # JSON-LD is data, never run, so the policy does not cover it.
        assert not re.search(r"<script(?![^>]*(\bsrc=|application/ld\+json))", html), path
        assert "<style" not in html, path
        assert not re.search(r"\sstyle=", html), path
        assert not re.search(r"\son[a-z]+=", html), path


def test_the_admin_runs_only_the_editors_import_map_inline(admin_client):
    """No 'unsafe-inline' for scripts, in the admin either: the one inline script on the
    article editor, django-prose-editor's import map, is allowed by its hash."""
    article = make_article()
    response = admin_client.get(f"/admin/articles/article/{article.pk}/change/")
    scripts = policy(response)["script-src"]
    assert "'unsafe-inline'" not in scripts
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
    inline = re.findall(
        r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", response.content.decode(), re.S
    )
    assert inline, "the editor's import map"
    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in scripts
    assert response.headers["Permissions-Policy"]


@pytest.mark.subprocess
@pytest.mark.parametrize("behind_proxy", [True, False])
def test_https_settings_follow_the_environment(behind_proxy):
    """HTTPS=on turns on HSTS, secure cookies and the redirect; BEHIND_PROXY trusts the proxy.

    Read in a fresh interpreter: settings are read once, at import.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "HTTPS", "BEHIND_PROXY", "SECURE_HSTS_SECONDS"}
    }
    env |= {"HTTPS": "on", "BEHIND_PROXY": "on" if behind_proxy else "off", "SECRET_KEY": "x" * 64}
    code = (
        "import json, site_project.settings as s; print(json.dumps([s.SECURE_HSTS_SECONDS,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.SECURE_SSL_REDIRECT, getattr(s, 'SECURE_PROXY_SSL_HEADER', None)]))"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    hsts, session_secure, csrf_secure, httponly, redirect, proxy = json.loads(out)
    assert hsts >= 31536000
    assert session_secure and csrf_secure and httponly and redirect
    assert proxy == (["HTTP_X_FORWARDED_PROTO", "https"] if behind_proxy else None)
