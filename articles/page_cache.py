"""The public page cache in Redis, read at the edge (site_project/page_cache.py).

A page is stored whole, as the full middleware stack sent it to an anonymous visitor with no
cookie: status 200, every header (CSP, HSTS on https, Permissions-Policy, ETag, ...) and the
body. It lives in one Redis hash per path, one field per variant (scheme, host and query
string), so clearing a page is one DEL whatever variants were stored. A page that counts a
view for insights keeps the event record's fixed part in the field "event", so the edge can
push the view into the insights buffer in the same round trip as it reads the page.

Views opt in with @public_page; nothing else is ever stored. Redis errors are logged and
swallowed: the cache is an optimisation, never a reason for a page to fail.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from functools import lru_cache, wraps
from typing import Any

import redis
from django.conf import settings
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 0.25  # a page never waits longer than this for a Redis that is gone
EVENT_FIELD = "event"
# Cookies that make a response personal: whoever sends one goes through the whole stack.
# (Other cookies, set by nothing on this site, don't change what a page shows.)
PRIVATE_COOKIES_SETTINGS = ("SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME")
MESSAGES_COOKIE = "messages"  # django.contrib.messages' CookieStorage
# Variants kept per page (query strings: utm_* links, list pages). Past this, a page is
# served by Django uncached: a script inventing query strings can't fill Redis, which also
# holds the Celery broker and the insights buffer (no eviction there).
MAX_VARIANTS = 64
# Headers never stored: per request (the id), or added by the server itself.
NOT_STORED = frozenset({"x-request-id", "date", "server", "connection"})


def page_cache_url() -> str:
    return str(settings.PAGE_CACHE_URL or "") if settings.PAGE_CACHE_SECONDS > 0 else ""


@lru_cache(maxsize=8)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(
        url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS
    )


def page_cache_client() -> redis.Redis | None:
    url = page_cache_url()
    return _client(url) if url else None


def page_key(path: str) -> str:
    """`path` is the raw WSGI SCRIPT_NAME + PATH_INFO, as the edge sees it."""
    return f"{settings.CACHES['default'].get('KEY_PREFIX', 'site')}:page:{path}"


def variant(scheme: str, host: str, query: str) -> str:
    return f"{scheme}://{host}?{query}"


@lru_cache(maxsize=1)
def _private_cookie_names(*names: str) -> frozenset[str]:
    return frozenset(names)


def private_cookie_names() -> frozenset[str]:
    return _private_cookie_names(
        *(getattr(settings, name) for name in PRIVATE_COOKIES_SETTINGS), MESSAGES_COOKIE
    )


def has_private_cookie(cookie_header: str) -> bool:
    """True when the Cookie header carries a session, CSRF or messages cookie."""
    if not cookie_header:
        return False
    names = private_cookie_names()
    return any(part.split("=", 1)[0].strip() in names for part in cookie_header.split(";"))


def public_page(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Mark a view's responses as the same for every anonymous visitor with no cookie, so
    the edge may store them (site_project.page_cache.PageCacheMiddleware decides)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.public_page = True  # type: ignore[attr-defined]  # read by the middleware
        return response

    return wrapper


def page_store(
    *,
    path: str,
    variant_name: str,
    headers: list[tuple[str, str]],
    body: bytes,
    event_head: str | None = None,
) -> None:
    """Keep one variant of a page. The whole hash expires PAGE_CACHE_SECONDS after its first
    variant was stored (EXPIRE NX), so no variant outlives that, however often others are
    added. A clear that lands between the render and this store is lost: the page can then
    be stale for at most PAGE_CACHE_SECONDS, as with Django's own cache."""
    client = page_cache_client()
    if client is None:
        return
    kept = [(name, value) for name, value in headers if name.lower() not in NOT_STORED]
    entry = json.dumps(kept, separators=(",", ":")).encode() + b"\n" + body
    key = page_key(path)
    try:
        if client.hlen(key) >= MAX_VARIANTS + 1:  # + the "event" field; close enough under races
            return
        with client.pipeline(transaction=True) as pipe:
            pipe.hset(key, variant_name, entry)
            if event_head is not None:
                pipe.hset(key, EVENT_FIELD, event_head)
            pipe.expire(key, settings.PAGE_CACHE_SECONDS, nx=True)
            pipe.execute()
    except redis.RedisError:
        logger.warning("Could not store %s in the page cache", path)


def page_entry_parse(entry: bytes) -> tuple[list[tuple[str, str]], bytes]:
    head, _, body = entry.partition(b"\n")
    return [(str(name), str(value)) for name, value in json.loads(head)], body


def pages_clear(paths: Iterable[str]) -> None:
    """Forget every variant of these pages (their URL paths)."""
    client = page_cache_client()
    keys = [page_key(path) for path in paths]
    if client is None or not keys:
        return
    try:
        client.delete(*keys)
    except redis.RedisError:
        # Then the page is stale until it expires (PAGE_CACHE_SECONDS); say so loudly,
        # unless cache errors are known to be expected (`make content`, before Redis runs).
        if settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS:
            logger.error("Could not clear %s from the page cache", ", ".join(keys))
