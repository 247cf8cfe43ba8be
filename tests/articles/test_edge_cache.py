"""The edge page cache (site_project/page_cache.py): anonymous GETs of public pages from
Redis before any middleware runs, with exactly the headers the whole stack sends.

These call the WSGI application itself, as gunicorn does (Django's test client goes around
it), against a real Redis."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import formatdate
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client

from articles import page_cache
from articles.page_cache import page_cache_client
from articles.services import article_publish, article_unpublish
from insights.buffer import KEY as BUFFER_KEY
from insights.buffer import buffer_flush
from insights.models import Event, Kind
from site_project.page_cache import PageCacheApp
from tests.factories import make_article

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

PER_REQUEST = {"x-request-id"}


@dataclass
class Reply:
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    from_edge: bool

    def header_map(self) -> dict[str, str]:
        return {
            name.lower(): value for name, value in self.headers if name.lower() not in PER_REQUEST
        }


class Site:
    """The WSGI app as gunicorn runs it, counting the requests that reached Django."""

    def __init__(self) -> None:
        self.django = WSGIHandler()
        self.reached_django = 0

        def inner(environ, start_response):
            self.reached_django += 1
            return self.django(environ, start_response)

        self.app = PageCacheApp(inner)

    def get(
        self,
        path: str,
        headers: dict[str, str] | None = None,
        *,
        remote: str = "127.0.0.1",
        scheme: str = "http",
        edge: bool = True,
    ) -> Reply:
        path, _, query = path.partition("?")
        environ: dict = {}
        setup_testing_defaults(environ)
        environ.update(
            PATH_INFO=path,
            QUERY_STRING=query,
            REQUEST_METHOD="GET",
            HTTP_HOST="testserver",
            REMOTE_ADDR=remote,
            SERVER_NAME="testserver",
        )
        environ["wsgi.url_scheme"] = scheme
        for name, value in (headers or {}).items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        seen: dict = {}

        def start_response(status, response_headers, exc_info=None):
            seen["status"], seen["headers"] = status, response_headers

        before = self.reached_django
        result = (self.app if edge else self.django)(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        from_edge = edge and self.reached_django == before
        return Reply(seen["status"], list(seen["headers"]), body, from_edge)


@pytest.fixture
def edge(redis_process, settings) -> Iterator[Site]:
    """The page cache and the insights buffer in one real Redis, as in production."""
    settings.PAGE_CACHE_URL = redis_process.url
    settings.INSIGHTS_BUFFER_URL = redis_process.url
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PAGE_CACHE_LOCAL_SECONDS = 0  # every request asks Redis; test_edge_memory.py: on
    client = page_cache_client()
    _forget(client)
    # Like Django's test client: the test's transaction must survive each request's end.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield Site()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        _forget(client)


def _forget(client) -> None:
    keys = [*client.scan_iter("*:page:*"), BUFFER_KEY]
    client.delete(*keys)


def _session_cookie(user=None) -> str:
    client = Client()
    if user is not None:
        client.force_login(user)
    else:
        session = client.session
        session["something"] = "personal"
        session.save()
    return f"sessionid={client.cookies['sessionid'].value}"


def test_anonymous_visitor_gets_the_cached_page_with_the_same_headers(edge):
    article = make_article(body="<p>Cached body</p>")
    path = article.get_absolute_url()
    first = edge.get(path)
    again = edge.get(path)
    assert not first.from_edge and again.from_edge
    assert first.status == again.status == "200 OK"
    assert again.body == first.body and b"Cached body" in again.body
    assert again.header_map() == first.header_map()
    for header in (
        "content-security-policy",
        "permissions-policy",
        "x-content-type-options",
        "referrer-policy",
        "cross-origin-opener-policy",
        "x-frame-options",
        "etag",
        "last-modified",
    ):
        assert header in again.header_map(), header
    # Each request still gets its own id, or the proxy's.
    ids = {value for name, value in first.headers + again.headers if name == "X-Request-ID"}
    assert len(ids) == 2
    given = edge.get(path, {"X-Request-ID": "proxy-id-12345"})
    assert given.from_edge and ("X-Request-ID", "proxy-id-12345") in given.headers


def test_home_and_the_article_list_are_cached_too(edge):
    make_article(title="Listed one")
    for path in ("/", "/articles/", "/articles/?page=1"):
        first, again = edge.get(path), edge.get(path)
        assert not first.from_edge and again.from_edge, path
        assert again.body == first.body and again.header_map() == first.header_map()


def test_304_from_the_edge_matches_the_stacks(edge):
    path = make_article().get_absolute_url()
    page = edge.get(path)
    etag = page.header_map()["etag"]
    last_modified = page.header_map()["last-modified"]
    for conditional in ({"If-None-Match": etag}, {"If-Modified-Since": last_modified}):
        stack = edge.get(path, conditional, edge=False)
        cached = edge.get(path, conditional)
        assert cached.from_edge, conditional
        assert stack.status == cached.status == "304 Not Modified"
        assert cached.body == b""
        assert cached.header_map() == stack.header_map()
    stale = edge.get(path, {"If-Modified-Since": formatdate(0, usegmt=True)})
    assert stale.from_edge and stale.status == "200 OK"
    other = edge.get(path, {"If-None-Match": '"something-else"'})
    assert other.from_edge and other.status == "200 OK"


def test_https_variant_keeps_hsts_and_only_a_trusted_proxy_can_claim_https(edge, settings):
    settings.BEHIND_PROXY = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    site = type(edge)()  # SecurityMiddleware reads these settings when it is built
    path = make_article().get_absolute_url()
    secure = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"}
    first, again = site.get(path, secure), site.get(path, secure)
    assert again.from_edge and again.header_map() == first.header_map()
    assert "strict-transport-security" in again.header_map()
    # The same headers from anyone but the proxy are dropped: plain http, so the redirect.
    forged = site.get(path, secure, remote="203.0.113.9")
    assert not forged.from_edge and forged.status.startswith("301")


def test_signed_in_staff_never_get_nor_fill_the_cached_page(edge, admin_user):
    path = make_article(body="<p>Public body</p>").get_absolute_url()
    cookie = _session_cookie(admin_user)
    staff = edge.get(path, {"Cookie": cookie})
    assert not staff.from_edge
    assert not list(page_cache_client().scan_iter("*:page:*"))  # nothing stored
    edge.get(path)  # an anonymous visitor fills it
    again = edge.get(path, {"Cookie": cookie})
    assert not again.from_edge and "private" in again.header_map()["cache-control"]


@pytest.mark.parametrize("cookie", ["session", "csrftoken=abc", "messages=xyz"])
def test_a_visitor_with_a_session_csrf_or_messages_cookie_goes_through_django(edge, cookie):
    path = make_article().get_absolute_url()
    cookie = _session_cookie() if cookie == "session" else cookie
    edge.get(path, {"Cookie": cookie})
    assert not list(page_cache_client().scan_iter("*:page:*"))  # nothing stored
    edge.get(path)
    assert not edge.get(path, {"Cookie": cookie}).from_edge
    # A cookie the site never sets changes nothing.
    assert edge.get(path, {"Cookie": "theme=dark"}).from_edge


def test_drafts_are_never_cached_and_publishing_clears_the_pages(edge):
    article = make_article(status="draft", body="<p>Draft body</p>")
    path = article.get_absolute_url()
    assert edge.get(path).status.startswith("404")
    assert edge.get(path).status.startswith("404")  # still from Django
    home = edge.get("/")
    assert b"Draft body" not in home.body and edge.get("/").from_edge
    article_publish(article=article)
    assert not edge.get("/").from_edge  # the home page was cleared
    assert not edge.get("/articles/").from_edge
    published = edge.get(path)
    assert published.status == "200 OK" and b"Draft body" in published.body
    assert edge.get(path).from_edge
    article_unpublish(article=article)
    gone = edge.get(path)
    assert not gone.from_edge and gone.status.startswith("404")
    assert article.title.encode() not in edge.get("/").body


def test_views_from_the_edge_are_counted_like_the_stacks(edge):
    article = make_article()
    path = article.get_absolute_url()
    etag = edge.get(path).header_map()["etag"]  # through Django: one view, via the buffer
    assert edge.get(path).from_edge  # from the edge: one view, pushed in the same round trip
    assert edge.get(path, {"If-None-Match": etag}).status.startswith("304")  # 304s count too
    assert edge.get(path, {"User-Agent": "Googlebot/2.1"}).from_edge  # bots don't count
    edge.get("/")  # the home page counts nothing
    edge.get("/")
    records = [json.loads(item) for item in page_cache_client().lrange(BUFFER_KEY, 0, -1)]
    assert len(records) == 3
    assert {(r["kind"], r["article"], r["visit"]) for r in records} == {
        (Kind.ARTICLE_VIEWED, article.slug, "")
    }
    assert len({r["id"] for r in records}) == 3
    assert buffer_flush() == 3
    assert Event.objects.filter(kind=Kind.ARTICLE_VIEWED, article=article.slug).count() == 3


def test_pages_still_served_when_the_page_cache_is_down(edge, settings):
    settings.PAGE_CACHE_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    site = type(edge)()
    path = make_article().get_absolute_url()
    assert site.get(path).status == "200 OK"
    assert site.get("/").status == "200 OK"


def test_invented_query_strings_can_t_fill_redis(edge, settings):
    path = make_article().get_absolute_url()
    for n in range(page_cache.MAX_VARIANTS + 10):
        edge.get(f"{path}?utm_content=x{n}")
    stored = page_cache_client().hlen(page_cache.page_key(path))
    assert stored <= page_cache.MAX_VARIANTS + 1  # the variants and the view's event record
    # A variant past the cap is still served, by Django.
    late = edge.get(f"{path}?utm_content=late")
    assert late.status == "200 OK" and not edge.get(f"{path}?utm_content=late").from_edge
