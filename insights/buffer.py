"""Funnel events wait in a Redis list, and reach the database in bulk once a minute.

Why: a page view that writes its own row waits for the database's write lock and a disk
sync. On SQLite there is one write lock for the whole site, so under load page views queue
for it (`make bench`: about 400 article pages a second counted one INSERT each, against
about 1,700 for the same page not counted). An LPUSH to Redis costs a fraction of a
millisecond and takes no lock in the database.

When Redis does not answer, the event is written directly as before, so an outage costs
speed, never counts. The flush keeps the INSERT's rule: a step of a visit counts once
(the same unique index, and conflicts are ignored).
"""

import json
import logging
from datetime import datetime
from functools import lru_cache

import redis
from django.conf import settings

from .models import Event

logger = logging.getLogger(__name__)

KEY = "insights:events"
LOCK_KEY = "insights:events:flushing"
BATCH = 5000
TIMEOUT_SECONDS = 0.25  # a page never waits longer than this for a Redis that is gone
LOCK_SECONDS = 300
RECORD_FIELDS = ("kind", "visit", "assessment", "article", "question", "label")


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(
        url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS
    )


def buffer_client() -> redis.Redis | None:
    """The Redis holding the buffer, or None when buffering is switched off."""
    url = settings.INSIGHTS_BUFFER_URL
    return _client(url) if url else None


def buffer_push(event: Event) -> bool:
    """Queue one event; False when it must be written directly (no buffer, or no Redis)."""
    client = buffer_client()
    if client is None:
        return False
    record = {f: getattr(event, f) for f in RECORD_FIELDS} | {"at": event.at.isoformat()}
    try:
        client.lpush(KEY, json.dumps(record, separators=(",", ":")))
    except redis.RedisError:
        logger.warning("Redis did not take an insights event; writing it directly")
        return False
    return True


def buffer_flush() -> int:
    """Write every buffered event to the database; returns how many were written.

    The oldest events are read from the list's tail, written, and only then removed, so a
    failed write leaves them for the next flush. A lock keeps two flushes from writing the
    same events; a flush that dies between its write and the removal can repeat one batch
    (page views have no visit id to deduplicate them), which is the price of never losing one.
    """
    client = buffer_client()
    if client is None:
        return 0
    if not client.set(LOCK_KEY, "1", nx=True, ex=LOCK_SECONDS):
        return 0
    written = 0
    try:
        while raw := client.lrange(KEY, -BATCH, -1):  # the newest first: LPUSH adds at the head
            Event.objects.bulk_create(
                [_event(item) for item in reversed(raw)], ignore_conflicts=True, batch_size=1000
            )
            client.ltrim(KEY, 0, -len(raw) - 1)
            written += len(raw)
    finally:
        client.delete(LOCK_KEY)
    return written


def _event(item: bytes) -> Event:
    record = json.loads(item)
    return Event(**{f: record[f] for f in RECORD_FIELDS}, at=datetime.fromisoformat(record["at"]))
