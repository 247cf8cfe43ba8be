"""Anonymous GETs of public pages, answered from Redis before Django runs (the edge).

`PageCacheApp` wraps the WSGI application (site_project/wsgi.py). For a GET with no session,
CSRF or messages cookie it asks Redis, in one round trip (a Lua script), for the page stored
for this path, scheme, host and query string, and, when there is one and the page counts
views, pushes the view into the insights buffer in that same round trip. A hit is sent as
it is, with a fresh X-Request-ID, or as 304 when the browser's copy is current. Anything
else, a miss, or a Redis that does not answer, goes through the whole middleware stack.

`PageCacheMiddleware`, second in MIDDLEWARE (after the forwarded-header rule), stores what
the stack sent: only views marked @public_page, only status 200, only for requests that
would have been served from here, and never a response that sets a cookie, carries a CSP
nonce or says private/no-store. So the stored headers are exactly the full stack's.

The forwarded-header rule (site_project.edge) is applied here first, the same way: from a
peer that is not a trusted proxy, X-Forwarded-* are dropped before anything reads them, so
a visitor can't pick the https variant (with HSTS) of a page over http.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import threading
import time
import uuid
import weakref
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, Literal

import redis
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.http import parse_etags, parse_http_date_safe

from articles import page_cache
from insights import buffer as insights_buffer
from insights.services import is_bot

from . import resp
from .edge import forwarded_headers_drop_untrusted
from .request_log import HEADER as REQUEST_ID_HEADER
from .request_log import SANE_ID

logger = logging.getLogger(__name__)

BACKOFF_SECONDS = 30  # after a Redis error, skip the edge this long (in this process)
LOCAL_MAX_PAGES = 256  # pages a process keeps in memory (each entry is one page variant)
VIEWS_BATCH = 64  # views held in memory before they are pushed to the insights buffer
VIEWS_MAX_WAIT_SECONDS = 1.0  # ... or this long after the first of them, whichever comes first
VIEWS_MAX_HELD = 10_000  # when Redis is away: the oldest views beyond this are dropped
# How often an idle flusher checks that its app still exists (tests make many apps).
FLUSHER_IDLE_SECONDS = 5.0
# Headers a 304 from the full stack does not carry (ConditionalGetMiddleware keeps only
# validators, Cache-Control and Vary; the middleware outside it adds the security headers).
NOT_IN_304 = frozenset({"content-type", "content-length", "x-frame-options"})

# KEYS: the page's hash, the insights buffer list. ARGV: the variant; the record's tail
# (when the view is to be counted here); "1" to push it. Returns {page, event head}.
_READ = """
local page = redis.call('HGET', KEYS[1], ARGV[1])
if not page then return {false, false} end
local event = redis.call('HGET', KEYS[1], 'event')
if event and ARGV[3] == '1' then
  redis.call('LPUSH', KEYS[2], event .. ARGV[2])
end
return {page, event}
"""
_READ_SHA = hashlib.sha1(_READ.encode()).hexdigest()  # noqa: S324 - Redis names scripts so

StartResponse = Callable[..., Any]


def _scheme(environ: dict[str, Any]) -> str:
    """request.scheme, as Django works it out (SECURE_PROXY_SSL_HEADER)."""
    header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if header:
        name, secure = header
        value = environ.get(name)
        if value is not None:
            return "https" if value.split(",", 1)[0].strip() == secure else "http"
    return str(environ.get("wsgi.url_scheme", "http"))


def _path(environ: dict[str, Any]) -> str:
    return str(environ.get("SCRIPT_NAME", "")) + str(environ.get("PATH_INFO", ""))


def _not_modified(environ: dict[str, Any], headers: list[tuple[str, str]]) -> bool:
    """Django's ConditionalGetMiddleware for a GET: If-None-Match first, else
    If-Modified-Since."""
    etag = last_modified = None
    for name, value in headers:
        lowered = name.lower()
        if lowered == "etag":
            etag = value
        elif lowered == "last-modified":
            last_modified = value
    if if_none_match := environ.get("HTTP_IF_NONE_MATCH"):
        etags = parse_etags(if_none_match)
        if etags == ["*"]:
            return etag is not None
        return etag is not None and etag.removeprefix("W/") in {e.removeprefix("W/") for e in etags}
    if (since := environ.get("HTTP_IF_MODIFIED_SINCE")) and last_modified:
        since_at, modified_at = parse_http_date_safe(since), parse_http_date_safe(last_modified)
        return since_at is not None and modified_at is not None and modified_at <= since_at
    return False


class PageCacheApp:
    """The WSGI application with the page cache in front of it."""

    def __init__(self, application: Callable[..., Iterable[bytes]]) -> None:
        self.application = application
        self._down_until = 0.0
        self._clients: dict[str, resp.RespClient | Literal[False]] = {}
        # The in-process layer: (key, variant) -> (fresh until, headers, body, event head).
        self._local: dict[tuple[str, str], tuple[float, list[tuple[str, str]], bytes, str]] = {}
        self._views: list[str] = []  # counted views not yet in the insights buffer
        self._views_since = 0.0
        self._lock = threading.Lock()  # the Redis socket and the held views
        self._wake = threading.Condition(self._lock)  # tells the flusher views are held
        self._flusher_pid = 0  # threads don't survive a fork: one flusher per process
        _LIVE_APPS.add(self)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if not self._may_serve(environ):
            return self.application(environ, start_response)
        try:
            served = self._serve(environ, start_response)
        except redis.RedisError:
            self._down_until = time.monotonic() + BACKOFF_SECONDS
            logger.warning("The page cache did not answer; skipping it for %s s", BACKOFF_SECONDS)
            return self.application(environ, start_response)
        return self.application(environ, start_response) if served is None else served

    def _read(self, url: str, *args: str) -> tuple[bytes | None, bytes | None]:
        """One round trip: the stored page and its event head (see _READ)."""
        key, variant, tail, push = args
        with self._lock:
            return self._read_locked(url, key, variant, tail, push)

    def _read_locked(self, url: str, *args: str) -> tuple[bytes | None, bytes | None]:
        key, variant, tail, push = args
        client = self._clients.get(url)
        if client is None:
            client = self._clients[url] = resp.connect(url, page_cache.TIMEOUT_SECONDS) or False
        if client is False:  # a URL the small client doesn't speak: redis-py
            redis_client = page_cache.page_cache_client()
            assert redis_client is not None  # noqa: S101 - the URL was checked
            reply = redis_client.eval(_READ, 2, key, insights_buffer.KEY, variant, tail, push)
        else:
            command = (key, insights_buffer.KEY, variant, tail, push)
            try:
                reply = client.call("EVALSHA", _READ_SHA, "2", *command)
            except redis.ResponseError as error:
                if not str(error).startswith("NOSCRIPT"):
                    raise
                reply = client.call("EVAL", _READ, "2", *command)  # loads it for next time
        entry, event = reply
        return entry, event

    def _may_serve(self, environ: dict[str, Any]) -> bool:
        if environ.get("REQUEST_METHOD") != "GET" or time.monotonic() < self._down_until:
            return False
        if not page_cache.page_cache_url() or not environ.get("HTTP_HOST"):
            return False
        # If-Match and If-Unmodified-Since are rare on a GET: Django answers those.
        if "HTTP_IF_MATCH" in environ or "HTTP_IF_UNMODIFIED_SINCE" in environ:
            return False
        return not page_cache.has_private_cookie(environ.get("HTTP_COOKIE", ""))

    def _serve(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes] | None:
        # The forwarded-header rule, as ForwardedHeadersMiddleware applies it.
        forwarded_headers_drop_untrusted(environ)
        url = page_cache.page_cache_url()
        buffer_url = settings.INSIGHTS_BUFFER_URL
        counted = not is_bot(environ.get("HTTP_USER_AGENT", ""))
        buffer_id = uuid.uuid4()
        tail = insights_buffer.record_tail(at=datetime.now(UTC), buffer_id=buffer_id)
        push_here = counted and buffer_url == url
        key = page_cache.page_key(_path(environ))
        variant = page_cache.variant(
            _scheme(environ), environ["HTTP_HOST"], environ.get("QUERY_STRING", "")
        )
        local = self._local.get((key, variant))
        if local is not None and local[0] > time.monotonic():
            _fresh_until, headers, body, event_head = local
            counts = bool(event_head) and counted
            if not counts or push_here:  # else the buffer is elsewhere: Django counts it
                if counts:
                    self._view_hold(url, event_head + tail)
                return self._answer(environ, start_response, list(headers), body)
        if push_here:
            # Should the reply be lost, Django counts the view with this same id.
            environ[insights_buffer.PRESET_ID_ENVIRON] = buffer_id
        entry, event = self._read(url, key, variant, tail, "1" if push_here else "0")
        environ.pop(insights_buffer.PRESET_ID_ENVIRON, None)
        if entry is None:
            return None
        if event is not None and counted and not push_here:
            # The buffer is another Redis, or there is none: Django counts this view.
            return None
        headers, body = page_cache.page_entry_parse(entry)
        local_seconds = settings.PAGE_CACHE_LOCAL_SECONDS
        if local_seconds > 0:
            if len(self._local) >= LOCAL_MAX_PAGES:
                self._local.clear()  # many variants: start over rather than track ages
            head = event.decode() if event is not None else ""
            self._local[(key, variant)] = (
                time.monotonic() + local_seconds,
                list(headers),
                body,
                head,
            )
        return self._answer(environ, start_response, headers, body)

    def _answer(
        self,
        environ: dict[str, Any],
        start_response: StartResponse,
        headers: list[tuple[str, str]],
        body: bytes,
    ) -> Iterable[bytes]:
        """The stored page, or a 304 for the browser's current copy, with a fresh request id."""
        given = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = given if SANE_ID.match(given) else uuid.uuid4().hex
        if _not_modified(environ, headers):
            headers = [(n, v) for n, v in headers if n.lower() not in NOT_IN_304]
            headers.append(("Content-Length", "0"))
            headers.append((REQUEST_ID_HEADER, request_id))
            start_response("304 Not Modified", headers)
            return []
        headers.append((REQUEST_ID_HEADER, request_id))
        start_response("200 OK", headers)
        return [body]

    def _view_hold(self, url: str, record: str) -> None:
        """Count a view served from memory: held, then pushed with others in one LPUSH."""
        with self._lock:
            if not self._views:
                self._views_since = time.monotonic()
                if self._flusher_pid != os.getpid():
                    self._flusher_pid = os.getpid()
                    threading.Thread(
                        target=_flush_when_due, args=(weakref.ref(self),), daemon=True
                    ).start()
                self._wake.notify()
            self._views.append(record)
            if len(self._views) > VIEWS_MAX_HELD:
                del self._views[: len(self._views) - VIEWS_MAX_HELD]
                logger.warning("Page views held too long (Redis away): dropped the oldest")
            due = len(self._views) >= VIEWS_BATCH
        if due:
            self.flush_views()

    def flush_views(self) -> int:
        """Push the held views into the insights buffer; how many went. Kept on failure."""
        url = page_cache.page_cache_url()
        with self._lock:
            views, self._views = self._views, []
            if not views or not url:
                return 0
            try:
                client = self._clients.get(url)
                if client:
                    client.call("LPUSH", insights_buffer.KEY, *views)
                else:
                    redis_client = page_cache.page_cache_client()
                    if redis_client is None:
                        return 0
                    redis_client.lpush(insights_buffer.KEY, *views)
            except (redis.RedisError, OSError):
                logger.warning("Could not push %s page views; keeping them for later", len(views))
                self._views[:0] = views
                return 0
        return len(views)


_LIVE_APPS: weakref.WeakSet[PageCacheApp] = weakref.WeakSet()


@atexit.register
def _flush_all_at_exit() -> None:
    """A process that ends on purpose pushes what it holds (one registration, however many
    apps a test session builds)."""
    for app in list(_LIVE_APPS):
        app.flush_views()


def _flush_when_due(ref: weakref.ref[PageCacheApp]) -> None:
    """The process's one flusher: pushes held views VIEWS_MAX_WAIT_SECONDS after the first
    of them (a full batch goes at once, from the request that filled it). It holds the app
    weakly between steps, so it ends once the app is gone."""
    while (app := ref()) is not None:
        _flush_step(app)
        del app  # else the next ref() would find it alive through this very name


def _flush_step(app: PageCacheApp) -> None:
    with app._wake:
        if not app._views:
            app._wake.wait(FLUSHER_IDLE_SECONDS)
            return
        wait = app._views_since + VIEWS_MAX_WAIT_SECONDS - time.monotonic()
        if wait > 0:
            app._wake.wait(wait)
            return
    app.flush_views()


class PageCacheMiddleware:
    """Stores what the whole stack sent for a public page, for the edge to serve next time."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(response, "public_page", False) and self._storable(request, response):
            meta = request.META
            page_cache.page_store(
                path=_path(meta),
                variant_name=page_cache.variant(
                    request.scheme or "http", meta["HTTP_HOST"], meta.get("QUERY_STRING", "")
                ),
                headers=list(response.items()),
                body=response.content,
                event_head=getattr(response, "page_view_event", None),
            )
        return response

    @staticmethod
    def _storable(request: HttpRequest, response: HttpResponse) -> bool:
        if request.method != "GET" or response.status_code != 200 or response.streaming:
            return False
        if not page_cache.page_cache_url() or not request.META.get("HTTP_HOST"):
            return False
        if page_cache.has_private_cookie(request.META.get("HTTP_COOKIE", "")):
            return False
        if response.cookies or "nonce-" in response.get("Content-Security-Policy", ""):
            return False
        cache_control = response.get("Cache-Control", "")
        return "private" not in cache_control and "no-store" not in cache_control
