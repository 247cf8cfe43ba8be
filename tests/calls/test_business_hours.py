"""The firm's clock: a request is due two business hours later, in Denver's working week."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from calls.business_hours import (
    business_hours_parse,
    business_time_add,
    holidays_parse,
    in_business_hours,
)

DENVER = ZoneInfo("America/Denver")
HOURS = business_hours_parse("Mon-Fri 08:00-17:00", zone="America/Denver")


def denver(*args) -> datetime:
    return datetime(*args, tzinfo=DENVER)


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (denver(2026, 11, 30, 10, 0), denver(2026, 11, 30, 12, 0)),  # Monday morning
        (denver(2026, 11, 27, 16, 30), denver(2026, 11, 30, 9, 30)),  # Friday 16:30 -> Monday
        (denver(2026, 11, 28, 12, 0), denver(2026, 11, 30, 10, 0)),  # Saturday -> Monday 10:00
        (denver(2026, 12, 1, 6, 0), denver(2026, 12, 1, 10, 0)),  # before opening
        (denver(2026, 12, 1, 18, 0), denver(2026, 12, 2, 10, 0)),  # after closing
        (denver(2026, 12, 1, 15, 0), denver(2026, 12, 1, 17, 0)),  # exactly at closing
    ],
)
def test_two_business_hours_are_counted_in_the_firms_week(start, due):
    assert business_time_add(start, 120, HOURS) == due


def test_a_request_at_night_in_utc_is_due_in_denvers_morning():
    friday_evening_utc = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)  # Friday 16:30 in Denver
    due = business_time_add(friday_evening_utc, 120, HOURS)
    assert due.astimezone(DENVER) == denver(2026, 11, 30, 9, 30)


def test_the_deadline_follows_the_clocks_when_they_change():
    # Denver springs forward on Sunday 14 March 2027: Friday 16:00 MST -> Monday 09:00 MDT.
    due = business_time_add(denver(2027, 3, 12, 16, 0), 120, HOURS)
    assert due == denver(2027, 3, 15, 9, 0)
    assert due.utcoffset() == timedelta(hours=-6)
    assert due.astimezone(UTC) == datetime(2027, 3, 15, 15, 0, tzinfo=UTC)


def test_other_weeks_and_hours_can_be_set():
    part_time = business_hours_parse("Mon,Wed,Fri 09:00-13:00", zone="Europe/London")
    london = ZoneInfo("Europe/London")
    tuesday = datetime(2026, 12, 1, 10, 0, tzinfo=london)
    assert business_time_add(tuesday, 300, part_time) == datetime(
        2026, 12, 4, 10, 0, tzinfo=london
    )  # Wednesday's four hours, then one on Friday


@pytest.mark.parametrize(
    "spec", ["whenever", "Mon-Fri 17:00-08:00", "Funday 08:00-17:00", "Mon-Fri 8-17", ""]
)
def test_a_setting_that_makes_no_sense_is_refused(spec):
    with pytest.raises(ValueError, match=r"usiness hours|Unknown day"):
        business_hours_parse(spec, zone="America/Denver")


# The firm's holidays (FIRM_HOLIDAYS) are skipped like weekends.
WITH_HOLIDAYS = business_hours_parse(
    "Mon-Fri 08:00-17:00",
    zone="America/Denver",
    holidays=holidays_parse(["2025-12-25", "2026-12-25", "2027-01-01"]),
)


@pytest.mark.parametrize(
    ("start", "due"),
    [
        # Wednesday 24 Dec 2025, 16:30: half an hour that day, Christmas off, Friday 26th 09:30.
        (denver(2025, 12, 24, 16, 30), denver(2025, 12, 26, 9, 30)),
        # Thursday 24 Dec 2026: Christmas is a Friday, so the weekend follows: Monday 28th.
        (denver(2026, 12, 24, 16, 30), denver(2026, 12, 28, 9, 30)),
        # A request on the holiday itself waits for the next working morning.
        (denver(2026, 12, 25, 11, 0), denver(2026, 12, 28, 10, 0)),
        # New Year's Eve 2026 (Thursday) 16:30 -> Monday 4 January 2027.
        (denver(2026, 12, 31, 16, 30), denver(2027, 1, 4, 9, 30)),
    ],
)
def test_the_deadline_skips_the_firms_holidays(start, due):
    assert business_time_add(start, 120, WITH_HOLIDAYS) == due
    assert not in_business_hours(denver(2026, 12, 25, 10, 0), WITH_HOLIDAYS)
    # Without the holidays, Christmas Day counts as a working day.
    assert business_time_add(denver(2026, 12, 24, 16, 30), 120, HOURS) == denver(
        2026, 12, 25, 9, 30
    )


def test_holiday_dates_are_read_with_spaces_and_blanks_ignored():
    assert holidays_parse([" 2026-12-25", "", "2027-01-01 "]) == {
        datetime(2026, 12, 25).date(),
        datetime(2027, 1, 1).date(),
    }


@pytest.mark.parametrize("bad", ["2026-13-01", "2026-02-30", "25/12/2026", "Christmas", "20261225"])
def test_a_holiday_that_is_not_a_date_is_named_in_the_error(bad):
    with pytest.raises(ValueError, match=rf"FIRM_HOLIDAYS: '{re.escape(bad)}' is not a date"):
        holidays_parse(["2026-12-25", bad])


def test_a_naive_start_is_refused():
    with pytest.raises(ValueError, match="aware"):
        business_time_add(datetime(2026, 12, 1, 10, 0), 120, HOURS)


@given(
    start=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
    ),
    minutes=st.integers(min_value=1, max_value=3 * 540),
)
# A start a microsecond past the hour: the last microsecond spills into the next morning.
@example(start=datetime(2026, 1, 1, 19, 0, 0, 1, tzinfo=UTC), minutes=300)
def test_the_deadline_is_always_inside_open_hours_and_never_early(start, minutes):
    due = business_time_add(start, minutes, HOURS)
    assert due - start >= timedelta(minutes=minutes)
    # The instant before the deadline is open business time.
    assert in_business_hours(due - timedelta(microseconds=1), HOURS)
    # And `minutes` of open time lie between, counted minute by minute (to within the
    # start's seconds).
    open_minutes, moment = 0, start.astimezone(DENVER).replace(second=0, microsecond=0)
    while moment < due:
        open_minutes += in_business_hours(moment, HOURS)
        moment += timedelta(minutes=1)
    assert abs(open_minutes - minutes) <= 1
