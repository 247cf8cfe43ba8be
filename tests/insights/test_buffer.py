"""The Redis buffer under trouble, with a real Redis: a flush that outlives its lock, the
same records written twice, a roll-up while a flush runs, bad records, and Redis gone."""

import json
import logging
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from devtools.redis_server import free_port
from insights import buffer, services
from insights.buffer import BATCH_KEY, DEAD_KEY, KEY, LOCK_KEY, buffer_flush
from insights.models import DailyCount, Event, Kind
from insights.services import event_record, events_roll_up
from insights.tasks import flush_events

# A real Redis (event_buffer), or one that is deliberately not there.
pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def _view(article="a"):
    event_record(kind=Kind.ARTICLE_VIEWED, article=article)


def test_a_flush_that_outlives_its_lock_loses_nothing_and_counts_nothing_twice(
    event_buffer, monkeypatch, caplog
):
    for article in "abc":
        _view(article)
    real_write = buffer._write
    second = {}

    def slow_write(client, raw):
        written = real_write(client, raw)
        if not second:  # the first flush is slow: its lock expires, and the next one runs
            second["written"] = None
            event_buffer.delete(LOCK_KEY)
            _view("d")
            _view("e")
            second["written"] = buffer_flush()
        return written

    monkeypatch.setattr(buffer, "_write", slow_write)
    assert buffer_flush() == 3
    # The second flush wrote the first one's batch again (inserting nothing) and the rest.
    assert second["written"] == 5
    assert sorted(Event.objects.values_list("article", flat=True)) == list("abcde")
    assert event_buffer.llen(KEY) == event_buffer.llen(BATCH_KEY) == 0
    assert "outlived its lock" in caplog.text


def test_a_flush_while_another_holds_the_lock_writes_nothing(event_buffer):
    _view()
    other = event_buffer.lock(LOCK_KEY, timeout=60)
    assert other.acquire(blocking=False)
    assert buffer_flush() is None
    assert flush_events.delay().get() == 0
    assert not Event.objects.exists() and event_buffer.llen(KEY) == 1
    other.release()
    assert flush_events.delay().get() == 1


def test_the_same_records_written_twice_count_once(event_buffer):
    _view("a")
    _view("b")
    records = event_buffer.lrange(KEY, 0, -1)
    # The request whose push timed out after Redis took it writes the event directly too.
    Event.objects.bulk_create([buffer._event(records[0])])
    assert buffer_flush() == 2
    event_buffer.lpush(KEY, *reversed(records))  # a batch that was written but not dropped
    assert buffer_flush() == 2
    assert sorted(Event.objects.values_list("article", flat=True)) == ["a", "b"]


def test_the_roll_up_skips_while_a_flush_holds_the_lock_and_sums_everything_later(
    event_buffer, monkeypatch, caplog, settings
):
    settings.INSIGHTS_RAW_RETENTION_DAYS = 30
    monkeypatch.setattr(services, "ROLL_UP_FLUSH_WAIT_SECONDS", 0.2)
    tomorrow = timezone.localdate() + timedelta(days=1)
    Event.objects.create(kind=Kind.ARTICLE_VIEWED, article="a")  # already in the database
    _view("a")  # still in Redis
    other = event_buffer.lock(LOCK_KEY, timeout=60)
    assert other.acquire(blocking=False)
    assert events_roll_up(today=tomorrow) == 0
    assert not DailyCount.objects.exists()  # today is not summed without the buffered view
    assert "roll-up skipped" in caplog.text
    other.release()
    assert events_roll_up(today=tomorrow) == 1
    assert DailyCount.objects.get().count == 2


def test_the_roll_up_waits_for_a_flush_that_finishes_in_time(event_buffer, settings):
    settings.INSIGHTS_RAW_RETENTION_DAYS = 30
    _view("a")
    other = event_buffer.lock(LOCK_KEY, timeout=60, thread_local=False)  # released by a timer
    assert other.acquire(blocking=False)
    threading.Timer(0.3, other.release).start()
    assert events_roll_up(today=timezone.localdate() + timedelta(days=1)) == 1
    assert DailyCount.objects.get().count == 1


def test_the_roll_up_skips_when_the_buffer_redis_is_gone(settings, caplog):
    settings.INSIGHTS_BUFFER_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens
    Event.objects.create(kind=Kind.ARTICLE_VIEWED, article="a")
    assert events_roll_up(today=timezone.localdate() + timedelta(days=1)) == 0
    assert not DailyCount.objects.exists()
    assert "roll-up skipped" in caplog.text


def test_bad_records_go_to_the_dead_list_and_the_good_ones_are_written(event_buffer, caplog):
    _view("good")
    now = timezone.now().isoformat()
    older_code = {"kind": Kind.CTA_CLICKED, "article": "old", "at": now}  # no label, no id
    bad = [
        b"not json",
        b"\xff\xfe",
        json.dumps({"kind": "x", "at": now}).encode(),
        json.dumps({"kind": 99, "at": now}).encode(),  # a kind that does not exist
        json.dumps({"article": "no kind", "at": now}).encode(),
        json.dumps({"kind": Kind.CTA_CLICKED, "at": "yesterday"}).encode(),
        json.dumps({"kind": Kind.LEAD, "label": "x" * 500, "at": now}).encode(),  # too long
        json.dumps({"kind": Kind.LEAD, "question": -1, "at": now}).encode(),
    ]
    event_buffer.lpush(KEY, json.dumps(older_code), *bad)
    _view("good too")
    with caplog.at_level(logging.ERROR, logger="insights.buffer"):
        assert buffer_flush() == 3
    assert sorted(Event.objects.values_list("article", "label")) == [
        ("good", ""),
        ("good too", ""),
        ("old", ""),
    ]
    assert sorted(event_buffer.lrange(DEAD_KEY, 0, -1)) == sorted(bad)
    assert caplog.text.count(f"Insights event moved to {DEAD_KEY}") == len(bad)
    assert event_buffer.llen(KEY) == event_buffer.llen(BATCH_KEY) == 0
    assert buffer_flush() == 0  # nothing retried forever


def test_a_record_the_database_refuses_goes_to_the_dead_list(event_buffer):
    """What validation can't foresee: the database itself refuses one row (a trigger here),
    so the batch is written row by row and only that row goes to the dead list."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN IF NEW.article = "
                "'refused' THEN RAISE EXCEPTION 'refused' USING ERRCODE = 'check_violation';"
                " END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON insights_event "
                "FOR EACH ROW EXECUTE FUNCTION refuse()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON insights_event "
                "WHEN NEW.article = 'refused' BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
    for article in ("good", "refused", "good too"):
        _view(article)
    assert buffer_flush() == 2
    assert sorted(Event.objects.values_list("article", flat=True)) == ["good", "good too"]
    assert b'"refused"' in event_buffer.lindex(DEAD_KEY, 0)
    assert event_buffer.llen(DEAD_KEY) == 1 and event_buffer.llen(BATCH_KEY) == 0


def test_without_redis_pages_skip_it_for_a_while_and_warn_once(client, settings, caplog):
    settings.INSIGHTS_BUFFER_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens
    for _ in range(3):
        _view()
    assert Event.objects.count() == 3
    assert caplog.text.count("Redis did not take an insights event") == 1
