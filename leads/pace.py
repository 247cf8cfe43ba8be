"""How fast the outbox may send: caps held across every worker, in Redis.

Mailbox providers judge a new or small sender by its pace as much as by its content, and
most sending services have a per-second limit of their own. The caps are a spacing rule
(GCRA: one message every 60/cap seconds per bucket), kept in Redis so two workers on two
hosts share them:

- a global cap (`EMAIL_RATE_PER_MINUTE`) and a cap per recipient domain
  (`EMAIL_RATE_PER_DOMAIN_PER_MINUTE`), 0 switches either off;
- a warm-up schedule (`EMAIL_WARMUP_START`, `EMAIL_WARMUP_DAILY`): the most follow-ups a
  new sending domain may send on its first days.

Transactional mail (the result, a fresh link, the team's notice) may run up to
`EMAIL_RATE_TRANSACTIONAL_BURST` slots ahead of the spacing, so a visitor's result never
waits behind a batch of follow-ups; warm-up counts it but never holds it.

A message that may not go yet is not lost: the caller puts it back in the outbox with the
wait as its new send time (services.email_deliver). If Redis can't be reached the message
goes: the broker lives there too, so a worker that got the task has a working Redis, and a
cap is a courtesy, not a guarantee anyone's data depends on.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import redis
from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)

# KEYS: global bucket, domain bucket, today's warm-up counter.
# ARGV: now (ms), global spacing (ms), domain spacing (ms), tolerance (ms),
#       today's warm-up limit (-1: none), counter lifetime (s), bulk (1) or transactional (0),
#       the furthest ahead a slot may be booked (ms).
# Returns {-1, 0} when no more follow-ups may go today, else {ms until the message's slot,
# 1 if that slot is now booked for it or 0 if it is too far ahead to book}.
_SCRIPT = """
local now = tonumber(ARGV[1])
local spacing = {tonumber(ARGV[2]), tonumber(ARGV[3])}
local tolerance = tonumber(ARGV[4])
local day_limit = tonumber(ARGV[5])
local bulk = ARGV[7] == '1'
local horizon = tonumber(ARGV[8])
if bulk and day_limit >= 0 then
  local sent_today = tonumber(redis.call('GET', KEYS[3]) or '0')
  if sent_today >= day_limit then return {-1, 0} end
end
local slot = now
local free_at = {}
for i = 1, 2 do
  if spacing[i] > 0 then
    free_at[i] = math.max(tonumber(redis.call('GET', KEYS[i]) or '0'), now)
    slot = math.max(slot, free_at[i] - tolerance)
  end
end
if slot - now > horizon then return {slot - now, 0} end
for i = 1, 2 do
  if free_at[i] then
    local next_free = math.max(free_at[i], slot) + spacing[i]
    redis.call('SET', KEYS[i], next_free, 'PX', math.ceil(next_free - now) + 60000)
  end
end
if day_limit >= 0 then
  redis.call('INCR', KEYS[3])
  redis.call('EXPIRE', KEYS[3], ARGV[6])
end
return {slot - now, 1}
"""
# A slot further ahead than this is not booked: the message waits for the sweeper instead of
# holding a worker's countdown (and a later message's place) for long.
BOOKING_HORIZON = timedelta(minutes=5)


@dataclass(frozen=True)
class Verdict:
    """`wait` is zero when the message may go now; otherwise how long to hold it.

    `booked`: the slot `wait` from now is reserved for this message, which must then go
    without asking again. Booking, rather than asking again and again, keeps a batch from
    stampeding at every free slot.
    """

    wait: timedelta
    booked: bool = True

    @property
    def go(self) -> bool:
        return self.wait <= timedelta(0)


GO = Verdict(wait=timedelta(0))


def _spacing_ms(per_minute: int) -> int:
    return 0 if per_minute <= 0 else math.ceil(60_000 / per_minute)


def warmup_limit(today: date) -> int | None:
    """The most follow-ups allowed today under the warm-up schedule, or None after it ends."""
    start: date | None = settings.EMAIL_WARMUP_START
    schedule: list[int] = settings.EMAIL_WARMUP_DAILY
    if start is None or not schedule:
        return None
    day = max((today - start).days, 0)  # before the start: the first day's limit
    return schedule[day] if day < len(schedule) else None


def _firm_today(now: datetime) -> tuple[date, datetime]:
    """Today in the firm's time zone, and when tomorrow starts (the warm-up's day)."""
    local = timezone.localtime(now, ZoneInfo(settings.TIME_ZONE))
    tomorrow = datetime.combine(local.date() + timedelta(days=1), datetime.min.time())
    return local.date(), tomorrow.replace(tzinfo=local.tzinfo)


class Pace:
    """The shared caps. One per process; the Redis client reconnects by itself."""

    def __init__(self, url: str) -> None:
        self.client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        self.script = self.client.register_script(_SCRIPT)

    def take(self, *, to_email: str, bulk: bool, now: datetime | None = None) -> Verdict:
        """Take a sending slot for one message to `to_email`, or say how long to wait."""
        now = now or timezone.now()
        global_ms = _spacing_ms(settings.EMAIL_RATE_PER_MINUTE)
        domain_ms = _spacing_ms(settings.EMAIL_RATE_PER_DOMAIN_PER_MINUTE)
        today, tomorrow = _firm_today(now)
        limit = warmup_limit(today)
        if not (global_ms or domain_ms or limit is not None):
            return GO
        bursts = settings.EMAIL_RATE_TRANSACTIONAL_BURST if not bulk else 0
        tolerance = max(global_ms, domain_ms) * bursts
        domain = to_email.rpartition("@")[2].lower()
        try:
            wait_ms, booked = self.script(
                keys=["pace:all", f"pace:domain:{domain}", f"pace:day:{today.isoformat()}"],
                args=[
                    int(now.timestamp() * 1000),
                    global_ms,
                    domain_ms,
                    tolerance,
                    -1 if limit is None else limit,
                    2 * 24 * 3600,
                    1 if bulk else 0,
                    int(BOOKING_HORIZON.total_seconds() * 1000),
                ],
            )
        except redis.RedisError:
            logger.warning("Sending pace: Redis unreachable, sending without the caps")
            return GO
        if wait_ms == -1:
            return Verdict(wait=tomorrow - now, booked=False)
        return Verdict(wait=timedelta(milliseconds=int(wait_ms)), booked=bool(booked))


def slot_still_good(slot_at: float, now: datetime) -> bool:
    """A booked slot is kept only if the message is on time (within half a spacing).

    A worker held up (a busy database, a restart) would otherwise send its late messages
    together, in slots already past, and a minute could carry more than the cap. A late
    message books again instead; its old slot stays empty.
    """
    spacings = [
        _spacing_ms(settings.EMAIL_RATE_PER_MINUTE),
        _spacing_ms(settings.EMAIL_RATE_PER_DOMAIN_PER_MINUTE),
    ]
    allowance_ms = min([ms for ms in spacings if ms] or [1000]) / 2
    return now.timestamp() * 1000 - slot_at * 1000 <= allowance_ms


_pace: dict[str, Pace] = {}


def take_slot(*, to_email: str, bulk: bool, now: datetime | None = None) -> Verdict:
    """The outbox's one call: may this message go now? (EMAIL_PACE_URL empty: always.)"""
    url = settings.EMAIL_PACE_URL
    if not url:
        return GO
    if url not in _pace:
        _pace[url] = Pace(url)
    return _pace[url].take(to_email=to_email, bulk=bulk, now=now)
