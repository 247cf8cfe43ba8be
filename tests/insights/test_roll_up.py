"""The daily roll-up: finished days become per-day counts, old raw events go, and running it
twice changes nothing."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from insights.models import DailyCount, Event, Kind
from insights.services import events_roll_up
from insights.tasks import roll_up_events

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 24)


def _event(day: date, kind=Kind.ARTICLE_VIEWED, **fields):
    at = timezone.make_aware(datetime.combine(day, time(12)))
    return Event.objects.create(kind=kind, at=at, **fields)


def _counts():
    return sorted(DailyCount.objects.values_list("day", "kind", "article", "count"))


def test_finished_days_are_summed_and_today_is_left_alone(settings):
    settings.INSIGHTS_RAW_RETENTION_DAYS = 30
    yesterday = TODAY - timedelta(days=1)
    for _ in range(3):
        _event(yesterday, article="a")
    _event(yesterday, kind=Kind.CTA_CLICKED, article="a")
    _event(TODAY, article="a")
    assert events_roll_up(today=TODAY) == 1
    assert _counts() == [
        (yesterday, Kind.ARTICLE_VIEWED, "a", 3),
        (yesterday, Kind.CTA_CLICKED, "a", 1),
    ]
    assert Event.objects.count() == 5  # within retention, the raw rows stay


def test_running_twice_changes_nothing_and_old_raw_events_go(settings):
    settings.INSIGHTS_RAW_RETENTION_DAYS = 7
    old, recent = TODAY - timedelta(days=10), TODAY - timedelta(days=2)
    _event(old, article="a")
    _event(recent, article="b")
    events_roll_up(today=TODAY)
    first = _counts()
    assert events_roll_up(today=TODAY) == 0
    assert (
        _counts()
        == first
        == [(old, Kind.ARTICLE_VIEWED, "a", 1), (recent, Kind.ARTICLE_VIEWED, "b", 1)]
    )
    assert list(Event.objects.values_list("article", flat=True)) == ["b"]


def test_a_missed_night_is_caught_up_next_time(settings):
    settings.INSIGHTS_RAW_RETENTION_DAYS = 30
    _event(TODAY - timedelta(days=3))
    events_roll_up(today=TODAY - timedelta(days=1))
    _event(TODAY - timedelta(days=1))
    _event(TODAY - timedelta(days=1))
    events_roll_up(today=TODAY + timedelta(days=1))
    assert [(d, n) for d, _, _, n in _counts()] == [
        (TODAY - timedelta(days=3), 1),
        (TODAY - timedelta(days=1), 2),
    ]


def test_a_day_is_summed_once_its_last_events_have_had_time_to_arrive(settings):
    settings.INSIGHTS_RAW_RETENTION_DAYS = 30
    midnight = timezone.make_aware(datetime.combine(TODAY, time.min))
    Event.objects.create(kind=Kind.ARTICLE_VIEWED, at=midnight - timedelta(minutes=1))
    assert events_roll_up(now=midnight + timedelta(minutes=5)) == 0
    assert not DailyCount.objects.exists()
    assert events_roll_up(now=midnight + timedelta(minutes=11)) == 1
    assert _counts() == [(TODAY - timedelta(days=1), Kind.ARTICLE_VIEWED, "", 1)]


def test_the_beat_task_runs_the_roll_up():
    # Two days back: the day is finished whenever the test runs, grace minutes included.
    _event(timezone.localdate() - timedelta(days=2))
    assert roll_up_events.delay().get() == 1
    assert DailyCount.objects.get().count == 1
