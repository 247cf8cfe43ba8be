"""Article content kept in the shared cache between edits, so a page that is rendered (the page
cache is off, or the visitor has a session) reads no article rows from the database.

Every entry is stamped with the content generation it was read under, and one round trip
reads the generation and the entry together: an entry from an older generation is never
used. Every save or delete of an article, an author or an assessment bumps the generation
(the receivers in apps.py), whoever makes it: the admin, an import, a script. A write that
goes around save() (QuerySet.update(), raw SQL) shows within KEEP_SECONDS.

Only published content is kept, the same for every visitor: nothing personal.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Subquery
from django.urls import get_script_prefix
from django.utils import timezone
from django_redis.exceptions import ConnectionInterrupted  # type: ignore[import-untyped]

from assessment.models import Assessment

from .models import Article, Author

logger = logging.getLogger(__name__)

GENERATION_KEY = "articles:content-generation"
# Part of a kept rendered block's key: the release's own (set once per process, before
# gunicorn forks its workers), so blocks rendered by other templates or settings are never
# shown. Each release renders an article's block once per generation.
RENDER_TOKEN = secrets.token_hex(6)
# The longest an entry lives: the bound on a change that bumped nothing, and on the memory
# Redis (which also holds the Celery broker) spends on articles nobody reads any more.
KEEP_SECONDS = 10 * 60


_unreachable_told = False


def _bump() -> None:
    global _unreachable_told
    # django-redis's own client raises where the cache would log a traceback per call
    # (`make run` loads the content before Redis starts: one line is enough).
    client = getattr(cache, "client", None)
    incr = client.incr if client is not None else cache.incr
    try:
        incr(GENERATION_KEY)
    except ValueError:  # no generation yet (or Redis lost it): start one no entry can carry
        cache.set(GENERATION_KEY, time.time_ns(), None)
    except ConnectionInterrupted:
        if not _unreachable_told and settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS:
            _unreachable_told = True
            logger.warning(
                "The cache did not answer: content edits can't retire kept pages, which may "
                "show the old content for up to %s s",
                KEEP_SECONDS,
            )


def content_generation_bump() -> None:
    """Content changed: no kept entry is used again.

    Bumped now and again when the transaction commits: a render between the two could read
    the rows as they were before the commit and keep them under the first bump."""
    _bump()
    transaction.on_commit(_bump)


@dataclass(frozen=True)
class Read:
    """How to read one entry from the database. None (a missing article) is not kept.
    `until` may name a time the value changes by itself (a scheduled article going live):
    it is not kept past it."""

    read: Callable[[], Any]
    until: Callable[[Any], datetime | None] | None = None


def kept(reads: dict[str, Read]) -> dict[str, Any]:
    """Each entry's value, from the cache when it was kept under the current generation,
    else from its read, and the generation under GENERATION_KEY when there is one. One
    round trip to the cache when everything is kept."""
    found = cache.get_many([GENERATION_KEY, *reads]) or {}
    generation = found.get(GENERATION_KEY)
    values: dict[str, Any] = {}
    for key in reads:
        entry = found.get(key)
        if generation is not None and isinstance(entry, tuple) and entry[0] == generation:
            values[key] = entry[1]
    if len(values) == len(reads):
        return values | {GENERATION_KEY: generation}
    if generation is None:
        # The first render since Redis started: start the generation before reading.
        fresh = time.time_ns()
        generation = fresh if cache.add(GENERATION_KEY, fresh, None) else None
    for key, how in reads.items():
        if key in values:
            continue
        value = values[key] = how.read()
        # No generation: Redis is down, or another process has just started one.
        if generation is None or value is None:
            continue
        _keep(key, generation, value, changes_at=how.until(value) if how.until else None)
    return values if generation is None else values | {GENERATION_KEY: generation}


def _keep(key: str, generation: int, value: Any, *, changes_at: datetime | None) -> None:
    """Keep a value under its generation for KEEP_SECONDS, and not past `changes_at` (when
    it changes by itself); not at all when that is less than a second away."""
    timeout = float(KEEP_SECONDS)
    if changes_at is not None:
        timeout = min(timeout, (changes_at - timezone.now()).total_seconds())
    if timeout >= 1:
        cache.set(key, (generation, value), int(timeout))


@functools.cache
def _schema() -> str:
    """Part of every key: after a deploy that changes these models' fields, entries pickled
    by the old code are not read."""
    fields = [
        f"{model._meta.label}.{field.attname}"
        for model in (Article, Author, Assessment)
        for field in model._meta.concrete_fields
    ]
    return hashlib.sha256(",".join(fields).encode()).hexdigest()[:10]


def _live_article(slug: str) -> tuple[str, Read]:
    def read() -> Article | None:
        return (
            Article.objects.published()
            .select_related("promotes", "author")
            .filter(slug=slug)
            .first()
        )

    return f"articles:{_schema()}:live:{slug}", Read(read)


def _newest_articles(count: int) -> tuple[str, Read]:
    def read() -> list[Article] | None:
        # When the next scheduled article goes live, in the same query (and by the same
        # clock as published()).
        next_live = (
            Article.objects.filter(status=Article.Status.PUBLISHED, publish_at__gt=timezone.now())
            .order_by("publish_at")
            .values("publish_at")[:1]
        )
        newest = list(
            Article.objects.published()
            .newest_first()
            .only("slug", "title")
            .annotate(next_live=Subquery(next_live))[:count]
        )
        # None for an empty site: not kept, so its first scheduled article shows on time.
        return newest or None

    return f"articles:{_schema()}:newest:{count}", Read(read, until=lambda n: n[0].next_live)


def newest_articles(count: int) -> list[Article]:
    """The newest published articles (slug and title only), kept until an edit or until the
    next scheduled article goes live, whichever comes first."""
    key, read = _newest_articles(count)
    return kept({key: read})[key] or []


@dataclass(frozen=True)
class ArticlePage:
    """What an article's page shows from the database, the generation it was read under
    (None when Redis is away or a generation was just started elsewhere), and its rendered
    parts when they were kept (see article_parts_keep)."""

    article: Article | None
    newest: list[Article]
    generation: int | None
    parts: dict[str, str] | None
    parts_key: str
    # When "Read next" changes by itself (the next scheduled article goes live).
    changes_at: datetime | None


def _parts(slug: str) -> tuple[str, Read]:
    """The article page's rendered head tags and article block. Read by article_page_rows
    in the same round trip as the rows; rendered by the view (it has the request) and kept
    with article_parts_keep. RENDER_TOKEN in the key: another release's templates or
    settings are never shown; the script prefix: a site served under two prefixes."""
    prefix = get_script_prefix()  # set per request from SCRIPT_NAME: it is in every link
    return f"articles:{_schema()}:parts:{RENDER_TOKEN}:{prefix}:{slug}", Read(lambda: None)


def article_page_rows(slug: str, *, newest: int) -> ArticlePage:
    """In one round trip once kept: the published article at this slug with its author and
    the assessment it promotes (or None), the `newest` published articles (see
    newest_articles), and the page's rendered parts."""
    article_key, article_read = _live_article(slug)
    newest_key, newest_read = _newest_articles(newest)
    parts_key, parts_read = _parts(slug)
    values = kept({article_key: article_read, newest_key: newest_read, parts_key: parts_read})
    article, newest_found = values[article_key], values[newest_key]
    return ArticlePage(
        article=article if article is not None and article.is_live else None,
        newest=newest_found or [],
        generation=values.get(GENERATION_KEY),
        parts=values[parts_key],
        parts_key=parts_key,
        changes_at=newest_read.until(newest_found) if newest_found and newest_read.until else None,
    )


def article_parts_keep(page: ArticlePage, parts: dict[str, str]) -> None:
    """Keep the page's rendered parts under the generation its rows were read under: the
    next render reads them with the rows and renders only the page around them. Not
    without a generation to key them by, and not past the moment "Read next" changes."""
    if page.generation is not None:
        _keep(page.parts_key, page.generation, parts, changes_at=page.changes_at)
