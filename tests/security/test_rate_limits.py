"""Rate limits: past the limit a visitor gets a 429 page that says how long to wait."""

import time
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from leads.tokens import unsubscribe_url
from tests.leads.factories import make_reachable_lead

pytestmark = pytest.mark.django_db

SLUG = "career-or-job-focused"
DETAILS = f"/assessment/{SLUG}/details/"
NEW_LINK = f"/assessment/{SLUG}/new-link/"


@pytest.fixture(autouse=True)
def _still_clock(monkeypatch):
    """Counts live in fixed windows; a frozen clock keeps a test inside one window."""
    now = time.time()
    monkeypatch.setattr("django_ratelimit.core.time", SimpleNamespace(time=lambda: now))


@pytest.fixture
def content():
    call_command("load_initial_content", stdout=StringIO())


def allowed(settings, name: str) -> int:
    return int(settings.RATELIMITS[name][0].split("/")[0])


def assert_told_to_wait(response) -> None:
    assert response.status_code == 429
    html = response.content.decode()
    assert "Please wait a moment" in html
    assert "try again in" in html
    assert int(response["Retry-After"]) > 0


def post_until_limited(client, settings, name: str, path: str, data=None, **extra):
    for _ in range(allowed(settings, name)):
        response = client.post(path, data or {}, **extra)
        assert response.status_code != 429
    return client.post(path, data or {}, **extra)


def test_sending_the_quiz_form_too_often(client, settings, content):
    assert_told_to_wait(post_until_limited(client, settings, "assessment:details", DETAILS))
    # Reading pages is never limited.
    assert client.get(f"/assessment/{SLUG}/").status_code == 200


def test_starting_and_answering_the_quiz_too_often(client, settings, content):
    """A script hammering the question pages is slowed; a person taking the quiz a few
    times is nowhere near the limits (60 starts and 600 answers an hour by default)."""
    settings.RATELIMITS = {
        **settings.RATELIMITS,
        "assessment:question": ("12/h", "ip"),
    }
    start = post_until_limited(client, settings, "assessment:intro", f"/assessment/{SLUG}/")
    assert_told_to_wait(start)
    question = f"/assessment/{SLUG}/q/1/"
    assert_told_to_wait(post_until_limited(client, settings, "assessment:question", question))
    assert client.get(question).status_code in (200, 302)  # reading is never limited


def test_asking_for_fresh_links_too_often(client, settings, content):
    data = {"email": "ana@example.com"}
    response = post_until_limited(client, settings, "assessment:new_link", NEW_LINK, data)
    assert_told_to_wait(response)


def test_unsubscribing_too_often_through_one_link(client, settings):
    first, second = make_reachable_lead(), make_reachable_lead()
    path = unsubscribe_url(first.pk).removeprefix("https://careers.example.com")
    assert_told_to_wait(post_until_limited(client, settings, "leads:unsubscribe", path))
    # Another person's link, from the same (mail provider's) address, still works.
    other = unsubscribe_url(second.pk).removeprefix("https://careers.example.com")
    assert client.post(other).status_code == 200


def test_guessing_admin_passwords_across_many_accounts(client, settings):
    """One account is locked by django-axes; trying many from one address meets this limit."""
    for number in range(allowed(settings, "admin:login")):
        data = {"username": f"staff{number}", "password": "guess"}
        assert client.post("/admin/login/", data).status_code == 200  # the form again
    assert_told_to_wait(client.post("/admin/login/", {"username": "x", "password": "y"}))


def test_each_visitor_behind_the_proxy_has_their_own_count(client, settings, content):
    settings.BEHIND_PROXY = True
    ana = {"HTTP_X_FORWARDED_FOR": "203.0.113.5"}
    ben = {"HTTP_X_FORWARDED_FOR": "198.51.100.7, 203.0.113.9"}
    data = {"email": "ana@example.com"}
    assert_told_to_wait(
        post_until_limited(client, settings, "assessment:new_link", NEW_LINK, data, **ana)
    )
    assert client.post(NEW_LINK, data, **ben).status_code != 429


def test_switched_off_for_load_tests(client, settings, content):
    settings.RATELIMIT_ENABLE = False
    for _ in range(allowed(settings, "assessment:new_link") + 5):
        assert client.post(NEW_LINK, {"email": "ana@example.com"}).status_code != 429


@pytest.mark.integration
def test_counts_are_shared_through_redis(client, settings, content, redis_process):
    """Every web process sees the same counts: they live in the real Redis cache."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_process.url,
            "KEY_PREFIX": f"test-{time.monotonic_ns()}",
        }
    }
    from django.test import Client

    data = {"email": "ana@example.com"}
    post_until_limited(client, settings, "assessment:new_link", NEW_LINK, data)
    # A new client from the same address: another browser, or another web process.
    assert_told_to_wait(Client().post(NEW_LINK, data))


@pytest.mark.integration  # a Redis that is deliberately not there
def test_with_redis_down_forms_work_unlimited(client, settings, content):
    """A cache outage must not refuse everyone: limits fail open."""
    from devtools import redis_server

    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{redis_server.free_port()}/0",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2},
        }
    }
    settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = False
    for _ in range(allowed(settings, "assessment:new_link") + 2):
        response = client.post(NEW_LINK, {"email": "ana@example.com"})
        assert response.status_code == 200
        assert "Check your email" in response.content.decode()


def test_the_wait_page_is_as_safe_as_any_other(client, settings, content):
    response = post_until_limited(client, settings, "assessment:new_link", NEW_LINK)
    assert response.status_code == 429
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_the_visitor_address_is_always_an_address_or_none(settings, rf):
    """django-axes stores it in an IP column: junk must never reach PostgreSQL."""
    from site_project.edge import visitor_ip

    settings.BEHIND_PROXY = True
    settings.FORWARDED_ALLOW_IPS = ["10.0.0.2"]  # the proxy in front
    spoofed = rf.get("/", HTTP_X_FORWARDED_FOR="not-an-ip", REMOTE_ADDR="10.0.0.2")
    assert visitor_ip(spoofed) == "10.0.0.2"
    forwarded = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.5", REMOTE_ADDR="10.0.0.2")
    assert visitor_ip(forwarded) == "203.0.113.5"
    bare = rf.get("/", REMOTE_ADDR="")
    assert visitor_ip(bare) is None
