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
import time
from collections.abc import Callable
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone

from assessment.models import Assessment

from .models import Article, Author

GENERATION_KEY = "articles:content-generation"
# The longest an entry lives: the bound on a change that bumped nothing, and on the memory
# Redis (which also holds the Celery broker) spends on articles nobody reads any more.
KEEP_SECONDS = 10 * 60


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet (or Redis lost it): start one no entry can carry
        cache.set(GENERATION_KEY, time.time_ns(), None)


def content_generation_bump() -> None:
    """Content changed: no kept entry is used again.

    Bumped now and again when the transaction commits: a render between the two could read
    the rows as they were before the commit and keep them under the first bump."""
    _bump()
    transaction.on_commit(_bump)


def kept[T](
    key: str,
    read: Callable[[], T | None],
    *,
    until: Callable[[T], datetime | None] | None = None,
) -> T | None:
    """The value `read()` returns, from the cache when it was kept under the current
    generation. None (a missing article) is not kept. `until` may name a time the value
    changes by itself (a scheduled article going live): it is not kept past it."""
    found = cache.get_many([GENERATION_KEY, key]) or {}
    generation = found.get(GENERATION_KEY)
    entry = found.get(key)
    if generation is not None and isinstance(entry, tuple) and entry[0] == generation:
        return entry[1]
    if generation is None:
        # The first render since Redis started: start the generation before reading.
        fresh = time.time_ns()
        generation = fresh if cache.add(GENERATION_KEY, fresh, None) else None
    value = read()
    if generation is None:  # Redis is down, or another process has just started one
        return value
    if value is not None:
        timeout = float(KEEP_SECONDS)
        changes_at = until(value) if until is not None else None
        if changes_at is not None:
            timeout = min(timeout, max((changes_at - timezone.now()).total_seconds(), 0.0))
        if timeout >= 1:
            cache.set(key, (generation, value), int(timeout))
    return value


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


def live_article(slug: str) -> Article | None:
    """The published article at this slug, with its author and the assessment it promotes
    (what its page shows), or None."""

    def read() -> Article | None:
        return (
            Article.objects.published()
            .select_related("promotes", "author")
            .filter(slug=slug)
            .first()
        )

    article = kept(f"articles:{_schema()}:live:{slug}", read)
    return article if article is not None and article.is_live else None


def newest_articles(count: int) -> list[Article]:
    """The newest published articles (slug and title only), kept until an edit or until the
    next scheduled article goes live, whichever comes first."""

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

    newest = kept(
        f"articles:{_schema()}:newest:{count}",
        read,
        until=lambda newest: newest[0].next_live,  # type: ignore[attr-defined]  # annotated
    )
    return newest or []
