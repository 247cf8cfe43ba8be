"""Recording funnel events, and rolling them up by day.

Imports nothing from the other apps (see models.py), so every app may call these.
"""

import logging
import re
import secrets
from datetime import date, datetime, time, timedelta
from typing import Any

import redis
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.db.models import Count, Max
from django.db.models.functions import TruncDate
from django.http import HttpRequest
from django.urls import Resolver404, resolve
from django.utils import timezone

from .buffer import PRESET_ID_ENVIRON, buffer_flush, buffer_push
from .models import DailyCount, Event

logger = logging.getLogger(__name__)

VISIT_SESSION_KEY = "insights_visit"
GROUP_FIELDS = ("kind", "assessment", "article", "question", "label")

# Crawlers, link previewers, uptime monitors and scripts name themselves; people's browsers
# don't use these words. Matched anywhere in the User-Agent, ignoring case.
BOT_USER_AGENT = re.compile(
    r"bot|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|monitor|pingdom"
    r"|lighthouse|headlesschrome|phantomjs|curl/|wget/|python-requests|python-urllib|httpx"
    r"|aiohttp|go-http-client|java/|okhttp|scrapy|feedfetcher|validator|mediapartners",
    re.IGNORECASE,
)


def is_bot(user_agent: str) -> bool:
    return bool(BOT_USER_AGENT.search(user_agent or ""))


def visit_start(*, session: SessionBase, landing_path: str = "") -> str:
    """A fresh random id for this run through the quiz, and the article it came from.

    Only called when the quiz starts: readers who merely look at pages get no session.
    """
    visit = secrets.token_urlsafe(16)[:22]
    session[VISIT_SESSION_KEY] = {"id": visit, "article": _article_slug(landing_path)}
    return visit


def _article_slug(path: str) -> str:
    try:
        match = resolve(path) if path else None
    except Resolver404:
        return ""
    if match is None or match.view_name != "articles:detail":
        return ""
    return str(match.kwargs.get("slug", ""))


def event_record(
    *,
    kind: int,
    request: HttpRequest | None = None,
    assessment: str = "",
    article: str = "",
    question: int = 0,
    label: str = "",
) -> None:
    """Note one step. Never raises and never reads: nothing for a bot, else one LPUSH to the
    Redis buffer (see buffer.py), or one INSERT when there is no buffer or Redis is down.

    With a request, the visit id (and the article the quiz came from) are taken from the
    session, but only when the visitor already has one: looking never creates a session or a
    cookie. Call it outside a transaction; a failed write is logged and the page goes on.
    """
    try:
        visit = ""
        if request is not None:
            if request.method == "HEAD" or is_bot(request.headers.get("user-agent", "")):
                return
            data = _visit_of(request)
            visit = str(data.get("id", ""))[:22]
            article = article or str(data.get("article", ""))
        event = Event(
            kind=kind,
            visit=visit,
            assessment=assessment[:200],
            article=article[:200],
            question=question,
            label=label[:120],
            at=timezone.now(),
        )
        if request is not None and (preset := request.META.get(PRESET_ID_ENVIRON)):
            # The page cache may have pushed this very view before Redis stopped answering:
            # the same id makes the flush skip that copy.
            event.buffer_id = preset
        if not buffer_push(event):
            # The same step of the same visit, again: counted once.
            Event.objects.bulk_create([event], ignore_conflicts=True)
    except Exception:
        logger.exception("Could not record the insights event %s", kind)


def _visit_of(request: HttpRequest) -> dict[str, Any]:
    if settings.SESSION_COOKIE_NAME not in request.COOKIES and not getattr(
        request.session, "modified", False
    ):
        return {}
    data = request.session.get(VISIT_SESSION_KEY)
    return data if isinstance(data, dict) else {}


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def last_rolled_day() -> date | None:
    last: date | None = DailyCount.objects.aggregate(last=Max("day"))["last"]
    return last


# The last events of a day may still wait in the Redis buffer, or in a request that has
# not pushed them yet: a day is summed once this long has passed since it ended.
ROLL_UP_GRACE = timedelta(minutes=10)
# How long the roll-up waits for a flush already running to finish before it skips this run.
ROLL_UP_FLUSH_WAIT_SECONDS = 120


def events_roll_up(*, today: date | None = None, now: datetime | None = None) -> int:
    """Sum every finished day not rolled up yet into DailyCount; drop raw events past retention.

    The buffer is written out first, so the sums include every event of those days. When
    it can't be (another flush still runs after ROLL_UP_FLUSH_WAIT_SECONDS, or Redis does
    not answer), nothing is summed this run: a day summed early would stay short forever.

    Safe to run twice: a day is summed only once (the latest rolled day marks the point), and
    deleting old events does not change the sums. Returns how many days were summed.
    """
    today = today or timezone.localdate((now or timezone.now()) - ROLL_UP_GRACE)
    try:
        flushed = buffer_flush(wait=ROLL_UP_FLUSH_WAIT_SECONDS)
    except redis.RedisError:
        flushed = None
    if flushed is None:
        logger.warning("Insights roll-up skipped: the event buffer could not be written out")
        return 0
    last = last_rolled_day()
    since = day_start(last + timedelta(days=1)) if last else None
    raw = Event.objects.before(day_start(today))
    if since is not None:
        raw = raw.filter(at__gte=since)
    rows = (
        raw.annotate(day=TruncDate("at", tzinfo=timezone.get_current_timezone()))
        .values("day", *GROUP_FIELDS)
        .annotate(n=Count("id"))
        .order_by()
    )
    sums = {(row["day"], *(row[f] for f in GROUP_FIELDS)): row["n"] for row in rows}
    with transaction.atomic():
        DailyCount.objects.bulk_create(
            [
                DailyCount(day=key[0], count=n, **dict(zip(GROUP_FIELDS, key[1:], strict=True)))
                for key, n in sums.items()
            ],
            batch_size=1000,
            ignore_conflicts=True,
        )
        keep_from = today - timedelta(days=settings.INSIGHTS_RAW_RETENTION_DAYS)
        Event.objects.before(day_start(keep_from)).delete()
    return len({key[0] for key in sums})
