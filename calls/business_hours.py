"""The firm's clock: when a request made at any moment falls due, in business time.

Pure functions over datetimes, no ORM, so they are tested on their own (with hypothesis).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPEC = re.compile(
    r"^\s*(?P<days>[A-Za-z,\- ]+?)\s+(?P<opens>\d{1,2}:\d{2})\s*-\s*(?P<closes>\d{1,2}:\d{2})\s*$"
)


@dataclass(frozen=True)
class BusinessHours:
    days: frozenset[int]  # 0 is Monday
    opens: time
    closes: time
    zone: ZoneInfo
    holidays: frozenset[date] = frozenset()  # whole days closed, in the firm's zone

    def is_open_on(self, day: date) -> bool:
        return day.weekday() in self.days and day not in self.holidays

    def opening(self, day: date) -> datetime:
        return datetime.combine(day, self.opens, tzinfo=self.zone)

    def closing(self, day: date) -> datetime:
        return datetime.combine(day, self.closes, tzinfo=self.zone)


def business_hours_parse(spec: str, *, zone: str, holidays: Iterable[date] = ()) -> BusinessHours:
    """Read "Mon-Fri 08:00-17:00" (or "Mon,Wed,Fri 09:00-13:00"). Raises ValueError."""
    match = _SPEC.match(spec)
    if not match:
        raise ValueError(f'Business hours must look like "Mon-Fri 08:00-17:00", not {spec!r}')
    days: set[int] = set()
    for part in match["days"].replace(" ", "").lower().split(","):
        first, _, last = part.partition("-")
        if first[:3] not in DAY_NAMES or (last and last[:3] not in DAY_NAMES):
            raise ValueError(f"Unknown day in business hours: {part!r}")
        start = DAY_NAMES.index(first[:3])
        end = DAY_NAMES.index(last[:3]) if last else start
        days.update(range(start, end + 1) if start <= end else [*range(start, 7), *range(end + 1)])
    opens, closes = (
        time.fromisoformat(match["opens"].zfill(5)),
        time.fromisoformat(match["closes"].zfill(5)),
    )
    if opens >= closes:
        raise ValueError(f"Business hours must open before they close: {spec!r}")
    return BusinessHours(frozenset(days), opens, closes, ZoneInfo(zone), frozenset(holidays))


def holidays_parse(values: Iterable[str]) -> frozenset[date]:
    """Read FIRM_HOLIDAYS ("2026-12-25", ...). Raises ValueError naming the bad entry."""
    days: set[date] = set()
    for value in values:
        text = value.strip()
        if not text:
            continue
        try:
            if len(text) != 10:  # fromisoformat also takes "20261225" and "2026-W52-5"
                raise ValueError(text)
            days.add(date.fromisoformat(text))
        except ValueError:
            raise ValueError(
                f"FIRM_HOLIDAYS: {text!r} is not a date; write each as YYYY-MM-DD, "
                "separated by commas (2026-12-25,2027-01-01)."
            ) from None
    return frozenset(days)


def business_time_add(start: datetime, minutes: int, hours: BusinessHours) -> datetime:
    """The moment `minutes` of open business time after `start` (an aware datetime).

    A request at 16:30 on a Friday with two hours to go is due at 09:30 on Monday; so is
    one at 16:30 on Thursday 24 December when the 25th is a holiday.
    """
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime")
    if not hours.days:
        raise ValueError("Business hours name no day")
    moment = start.astimezone(hours.zone)
    left = timedelta(minutes=minutes)
    while True:
        day = moment.date()
        if not hours.is_open_on(day) or moment >= hours.closing(day):
            moment = hours.opening(day + timedelta(days=1))
            continue
        moment = max(moment, hours.opening(day))
        room = hours.closing(day) - moment
        if left <= room:
            return moment + left
        left -= room
        moment = hours.opening(day + timedelta(days=1))


def in_business_hours(moment: datetime, hours: BusinessHours) -> bool:
    local = moment.astimezone(hours.zone)
    return hours.is_open_on(local.date()) and hours.opens <= local.time() < hours.closes
