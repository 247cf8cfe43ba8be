"""Funnel events wait in a Redis list, and reach the database in bulk once a minute.

Why: a page view that writes its own row waits for the database's write lock and a disk
sync. On SQLite there is one write lock for the whole site, so under load page views queue
for it (`make bench`: about 400 article pages a second counted one INSERT each, against
about 1,700 for the same page not counted). An LPUSH to Redis costs a fraction of a
millisecond and takes no lock in the database.

When Redis does not answer, the event is written directly as before, so an outage costs
speed, never counts. Every event gets a random id when it is pushed, kept in its row under
a unique index: writing the same record twice (a flush that repeats a batch, or a push that
timed out after Redis took it) inserts it once.
"""

import json
import logging
import time
import uuid
from datetime import datetime
from functools import lru_cache

import redis
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from redis.exceptions import LockNotOwnedError

from .models import Event

logger = logging.getLogger(__name__)

KEY = "insights:events"
BATCH_KEY = "insights:events:batch"  # the batch being written; kept until it is in the DB
DEAD_KEY = "insights:events:dead"  # records the database refuses, for a person to look at
LOCK_KEY = "insights:events:flushing"
# Set in the WSGI environ by the page cache when it may have pushed the view already.
PRESET_ID_ENVIRON = "insights.buffer_id"
BATCH = 5000
TIMEOUT_SECONDS = 0.25  # a page never waits longer than this for a Redis that is gone
FLUSH_TIMEOUT_SECONDS = 5  # the flush reads 5,000 records at a time: it may wait longer
BACKOFF_SECONDS = 30  # after a failed push, pages skip Redis this long
LOCK_SECONDS = 300
RECORD_FIELDS = ("kind", "visit", "assessment", "article", "question", "label")
# A record the database refuses for what it holds, not because the database is unwell.
RECORD_ERRORS = (ValidationError, DataError, IntegrityError, ValueError, TypeError, KeyError)

# Both scripts act only while the lock is still this flush's: a flush that outlived its lock
# can neither take a new batch nor drop one that the next flush has taken over.
_TAKE = """
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return false end
local pending = redis.call('LRANGE', KEYS[2], 0, -1)
if #pending > 0 then return pending end
local items = redis.call('LRANGE', KEYS[1], -tonumber(ARGV[2]), -1)
if #items == 0 then return items end
redis.call('LTRIM', KEYS[1], 0, -#items - 1)
redis.call('RPUSH', KEYS[2], unpack(items))
return items
"""
_DONE = """
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return 1
"""

_down_until: dict[str, float] = {}  # per buffer URL, in this process


@lru_cache(maxsize=8)
def _client(url: str, timeout: float) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)


def buffer_client(timeout: float = TIMEOUT_SECONDS) -> redis.Redis | None:
    """The Redis holding the buffer, or None when buffering is switched off."""
    url = settings.INSIGHTS_BUFFER_URL
    return _client(url, timeout) if url else None


def record_head(
    *,
    kind: int,
    visit: str = "",
    assessment: str = "",
    article: str = "",
    question: int = 0,
    label: str = "",
) -> str:
    """A buffer record's fixed part: the JSON object, still open for `record_tail`.

    Split so the page cache can keep the head of an article's view with the page, and push
    head + tail from Redis itself (site_project/page_cache.py)."""
    fields = {
        "kind": kind,
        "visit": visit,
        "assessment": assessment,
        "article": article,
        "question": question,
        "label": label,
    }
    return json.dumps(fields, separators=(",", ":"))[:-1]


def record_tail(*, at: datetime, buffer_id: uuid.UUID) -> str:
    """When, and the record's id; closes the object `record_head` opened."""
    return f',"at":"{at.isoformat()}","id":"{buffer_id.hex}"}}'


def buffer_push(event: Event) -> bool:
    """Queue one event; False when it must be written directly (no buffer, or no Redis).

    The event gets its id here, so the direct write after a timed-out push carries the same
    id as the record Redis may have taken after all: the later flush then inserts nothing.
    """
    url = settings.INSIGHTS_BUFFER_URL
    if not url or time.monotonic() < _down_until.get(url, 0.0):
        return False
    event.buffer_id = event.buffer_id or uuid.uuid4()
    record = record_head(**{f: getattr(event, f) for f in RECORD_FIELDS}) + record_tail(
        at=event.at, buffer_id=event.buffer_id
    )
    try:
        _client(url, TIMEOUT_SECONDS).lpush(KEY, record)
    except redis.RedisError:
        _down_until[url] = time.monotonic() + BACKOFF_SECONDS
        logger.warning(
            "Redis did not take an insights event; writing events directly for %s s",
            BACKOFF_SECONDS,
        )
        return False
    return True


def buffer_flush(*, wait: float = 0) -> int | None:
    """Write every buffered event to the database; how many records were written (a repeat
    included), or None when another flush held the lock for longer than `wait` seconds.

    Each batch is moved, in one step, from the list to a batch list, written, and only then
    dropped, so neither a failed write nor a crash loses it: the next flush writes the batch
    list first, and the ids make that repeat insert nothing.
    """
    client = buffer_client(FLUSH_TIMEOUT_SECONDS)
    if client is None:
        return 0
    lock = client.lock(LOCK_KEY, timeout=LOCK_SECONDS)
    if not lock.acquire(blocking=wait > 0, blocking_timeout=wait or None):
        return None
    try:
        return _flush_holding(client, lock.local.token)
    finally:
        try:
            lock.release()
        except LockNotOwnedError:
            logger.warning("The insights flush outlived its lock; the next one takes over")


def _flush_holding(client: redis.Redis, token: bytes) -> int:
    take, done = client.register_script(_TAKE), client.register_script(_DONE)
    written = 0
    while raw := take(keys=[KEY, BATCH_KEY, LOCK_KEY], args=[token, BATCH]):
        written += _write(client, list(reversed(raw)))  # the oldest first
        if not done(keys=[BATCH_KEY, LOCK_KEY], args=[token, LOCK_SECONDS]):
            break  # the lock expired: whoever holds it now writes this batch again
    return written


def _write(client: redis.Redis, raw: list[bytes]) -> int:
    """Insert a batch; when that fails for a record's sake, row by row, and the rows that
    still fail go to the dead list. A database that is down raises, and the batch waits."""
    parsed, dead = [], []
    for item in raw:
        try:
            parsed.append((item, _event(item)))
        except RECORD_ERRORS as error:  # not JSON (a ValueError) included
            dead.append((item, error))
    try:
        with transaction.atomic():
            Event.objects.bulk_create(
                [e for _, e in parsed], ignore_conflicts=True, batch_size=1000
            )
        written = len(parsed)
    except RECORD_ERRORS:
        written = 0
        for item, event in parsed:
            try:
                with transaction.atomic():
                    Event.objects.bulk_create([event], ignore_conflicts=True)
                written += 1
            except RECORD_ERRORS as error:
                dead.append((item, error))
    for item, problem in dead:
        logger.error("Insights event moved to %s: %r (%s)", DEAD_KEY, item[:300], problem)
        client.lpush(DEAD_KEY, item)
    return written


def _event(item: bytes) -> Event:
    """A record back as a valid Event; fields a record lacks (older code) get defaults.

    Validated like a form, so what the database would refuse, or SQLite's INSERT OR IGNORE
    would drop without a word (a NULL, a CHECK), is caught here, one record at a time."""
    record = json.loads(item)
    fields = {f: record[f] for f in RECORD_FIELDS if f in record}
    if "at" in record:
        fields["at"] = datetime.fromisoformat(record["at"])
    if "id" in record:
        fields["buffer_id"] = uuid.UUID(record["id"])
    event = Event(**fields)
    event.clean_fields()
    return event
