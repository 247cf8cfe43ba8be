"""When a follow-up may arrive: inside the window, in the lead's own time zone.

A follow-up that lands at 3 a.m. sits under a night's mail and reads as a machine's. The
window (FOLLOW_UP_SEND_WINDOW, 08:00 to 18:00 by default) is read in the time zone the
lead's browser gave, else the firm's TIME_ZONE. Only follow-ups wait: a result or a fresh
link is what the visitor is waiting for right now.
"""

from datetime import datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def clean_time_zone(name: str) -> str:
    """An IANA zone name the server knows, or "" (the browser may send anything)."""
    name = (name or "").strip()
    return name if len(name) <= 64 and name in _known_zones() else ""


def lead_zone(time_zone: str) -> ZoneInfo:
    return ZoneInfo(clean_time_zone(time_zone) or settings.TIME_ZONE)


def next_in_window(moment: datetime, *, time_zone: str) -> datetime:
    """`moment` if it falls inside the send window, else when the window next opens."""
    opens, closes = settings.FOLLOW_UP_SEND_WINDOW
    local = moment.astimezone(lead_zone(time_zone))
    if opens <= local.hour < closes:
        return moment
    day = local.date() if local.hour < opens else local.date() + timedelta(days=1)
    # Built from the wall-clock time, so a DST change between now and then is respected.
    return datetime.combine(day, time(opens), tzinfo=local.tzinfo)
