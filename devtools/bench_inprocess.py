"""Microseconds of CPU and of wall clock per request, in process, for the bench's pages.

A load test on a shared two-core machine measures the neighbours as much as the site; the
cost of one request inside the WSGI application does not move with them. This calls each
WSGI application directly (no gunicorn, no sockets but Redis), as `make bench` prepared it:
WhiteNoise alone serving the article's bytes, the article from the edge's memory, from
Redis, and rendered by Django (with its rows kept in the cache, and cold, right after an
edit). Run by devtools/bench.py with the bench's environment.
"""

from __future__ import annotations

import importlib
import io
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import django

REQUESTS = 2000
ARTICLE_PATH = "/articles/are-you-career-or-job-focused/"


def environ(path: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
    }


def cost(app: Callable[..., Iterable[bytes]], path: str, n: int) -> tuple[float, float]:
    """(CPU µs, wall µs) per request, after a warm-up."""
    for _ in range(50):
        b"".join(app(environ(path), lambda *args: None))
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(n):
        b"".join(app(environ(path), lambda *args: None))
    return (time.process_time() - cpu) * 1e6 / n, (time.perf_counter() - wall) * 1e6 / n


def cold(app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    """The render right after an edit: the kept article rows are stale, so it reads them
    from the database (articles/content_cache.py). Includes the bump's two INCRs."""
    from articles.content_cache import content_generation_bump

    def wrapper(environ: dict, start_response: Callable[..., object]) -> Iterable[bytes]:
        content_generation_bump()
        return app(environ, start_response)

    return wrapper


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_project.settings")
    django.setup()
    from django.conf import settings

    from site_project.page_cache import PageCacheApp
    from site_project.wsgi import application, django_application

    page = b"".join(application(environ(ARTICLE_PATH), lambda *args: None))
    folder = Path(tempfile.mkdtemp(prefix="bench-inprocess-"))
    (folder / "article.html").write_bytes(page)
    os.environ["BENCH_BASELINE_ROOT"] = str(folder)
    from devtools import static_baseline

    try:
        baseline = importlib.reload(static_baseline).application
        rows = [("WhiteNoise alone", cost(baseline, "/static/article.html", REQUESTS))]
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # the file is served: not needed any more
    settings.PAGE_CACHE_LOCAL_SECONDS = 60.0  # nothing expires during the run
    memory = PageCacheApp(django_application)
    rows.append(("article, edge from memory", cost(memory, ARTICLE_PATH, REQUESTS)))
    memory.flush_views()
    settings.PAGE_CACHE_LOCAL_SECONDS = 0
    rows.append(
        ("article, edge from Redis", cost(PageCacheApp(django_application), ARTICLE_PATH, REQUESTS))
    )
    settings.PAGE_CACHE_SECONDS = 0  # the view renders every time
    rows.append(("article, rendered", cost(django_application, ARTICLE_PATH, REQUESTS // 10)))
    rows.append(("article, rendered, cold", cost(cold(django_application), ARTICLE_PATH, 100)))
    base_wall = rows[0][1][1]
    print("\nPer request in process (no gunicorn), µs; x baseline = WhiteNoise alone's / this")
    print(f"{'':<28}{'CPU':>8}{'wall':>8}{'x baseline (wall)':>19}")
    for name, (cpu, wall) in rows:
        print(f"{name:<28}{cpu:>8.1f}{wall:>8.1f}{base_wall / wall:>18.2f}x")


if __name__ == "__main__":
    main()
