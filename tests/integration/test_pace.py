"""The sending pace against a real Redis and a real Celery worker.

The caps are computed from a given moment (`now`), so the unit part is exact; the worker
part checks what a provider would see: every message once, spaced by the cap.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from devtools import redis_server
from leads.models import OutboundEmail
from leads.pace import Pace
from leads.services import email_dispatch
from tests.integration.conftest import redis_server_client, running_worker
from tests.integration.test_outbox_delivery import _due_rows, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

DENVER = ZoneInfo("America/Denver")
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=DENVER)


@pytest.fixture
def pace(redis_process, settings):
    url = redis_process.url
    with redis_server_client(url) as client:
        client.flushdb()
    settings.TIME_ZONE = "America/Denver"
    settings.EMAIL_RATE_PER_MINUTE = 0
    settings.EMAIL_RATE_PER_DOMAIN_PER_MINUTE = 0
    settings.EMAIL_RATE_TRANSACTIONAL_BURST = 0
    settings.EMAIL_WARMUP_START = None
    settings.EMAIL_WARMUP_DAILY = []
    return Pace(url)


def later(ms: int) -> datetime:
    return NOW + timedelta(milliseconds=ms)


def test_a_global_cap_books_each_message_its_own_slot(pace, settings):
    settings.EMAIL_RATE_PER_MINUTE = 60  # one a second
    assert pace.take(to_email="a@example.com", bulk=True, now=NOW).go
    # Each message that can't go now books the next free slot, so a batch never stampedes.
    second = pace.take(to_email="b@example.org", bulk=True, now=later(250))
    assert (second.wait, second.booked) == (timedelta(milliseconds=750), True)
    third = pace.take(to_email="c@example.net", bulk=True, now=later(250))
    assert (third.wait, third.booked) == (timedelta(milliseconds=1750), True)
    # Once the booked slots have passed, the next message goes at once.
    assert pace.take(to_email="d@example.com", bulk=True, now=later(3000)).go


def test_a_slot_too_far_ahead_is_not_booked(pace, settings):
    settings.EMAIL_RATE_PER_MINUTE = 1  # one a minute: the sixth is more than 5 minutes out
    verdicts = [pace.take(to_email="a@example.com", bulk=True, now=NOW) for _ in range(8)]
    assert [v.booked for v in verdicts] == [True] * 6 + [False] * 2
    assert verdicts[5].wait == timedelta(minutes=5)
    # An unbooked message took nothing: the next one's slot is still six minutes out.
    assert verdicts[7].wait == timedelta(minutes=6)


def test_a_domain_cap_holds_one_domain_and_lets_the_others_through(pace, settings):
    settings.EMAIL_RATE_PER_DOMAIN_PER_MINUTE = 2  # one every 30 s per domain
    assert pace.take(to_email="ana@gmail.com", bulk=True, now=NOW).go
    held = pace.take(to_email="bo@GMAIL.com", bulk=True, now=later(1000))
    assert held.wait == timedelta(seconds=29)
    assert pace.take(to_email="cy@outlook.com", bulk=True, now=later(1000)).go
    # bo's slot at 30 s is booked; the next Gmail address gets the one after.
    assert pace.take(to_email="di@gmail.com", bulk=True, now=later(30_000)).wait == timedelta(
        seconds=30
    )


def test_transactional_mail_may_run_ahead_of_follow_ups_by_the_burst(pace, settings):
    settings.EMAIL_RATE_PER_MINUTE = 60
    settings.EMAIL_RATE_TRANSACTIONAL_BURST = 3
    assert pace.take(to_email="a@example.com", bulk=True, now=NOW).go
    assert pace.take(to_email="b@example.com", bulk=True, now=NOW).wait == timedelta(seconds=1)
    # Slots at 0 s and 1 s are taken; a result may go up to 3 slots ahead of the queue.
    results = [pace.take(to_email=f"r{n}@example.com", bulk=False, now=NOW) for n in range(3)]
    assert [r.wait for r in results] == [timedelta(0), timedelta(0), timedelta(seconds=1)]
    # The follow-ups wait behind the results that went ahead: five slots are taken.
    assert pace.take(to_email="c@example.com", bulk=True, now=NOW).wait == timedelta(seconds=5)


def test_warm_up_holds_follow_ups_until_tomorrow_but_never_results(pace, settings):
    settings.EMAIL_WARMUP_START = date(2026, 12, 1)
    settings.EMAIL_WARMUP_DAILY = [5, 2, 10]  # today is the second day: two follow-ups
    assert pace.take(to_email="a@example.com", bulk=True, now=NOW).go
    assert pace.take(to_email="b@example.com", bulk=True, now=NOW).go
    held = pace.take(to_email="c@example.com", bulk=True, now=NOW)
    assert NOW + held.wait == datetime(2026, 12, 3, 0, 0, tzinfo=DENVER)  # the firm's midnight
    assert pace.take(to_email="r@example.com", bulk=False, now=NOW).go
    tomorrow = datetime(2026, 12, 3, 9, 0, tzinfo=DENVER)
    assert pace.take(to_email="c@example.com", bulk=True, now=tomorrow).go
    # After the schedule's last day there is no daily limit at all.
    settings.EMAIL_WARMUP_DAILY = [1]
    far = datetime(2027, 1, 10, 9, 0, tzinfo=DENVER)
    assert all(pace.take(to_email="d@example.com", bulk=True, now=far).go for _ in range(5))


def test_no_caps_set_never_touches_redis(settings):
    settings.EMAIL_RATE_PER_MINUTE = 0
    settings.EMAIL_RATE_PER_DOMAIN_PER_MINUTE = 0
    settings.EMAIL_WARMUP_START = None
    closed = Pace(f"redis://127.0.0.1:{redis_server.free_port()}/0")
    assert closed.take(to_email="a@example.com", bulk=True).go


def test_an_unreachable_redis_lets_mail_go_rather_than_stall_it(settings, caplog):
    settings.EMAIL_RATE_PER_MINUTE = 60
    closed = Pace(f"redis://127.0.0.1:{redis_server.free_port()}/0")
    assert closed.take(to_email="a@example.com", bulk=True).go
    assert "Redis unreachable, sending without the caps" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_every_message_once_no_faster_than_the_cap(broker, smtp_server, settings):
    settings.EMAIL_PACE_URL = broker
    settings.EMAIL_RATE_PER_MINUTE = 300  # one every 200 ms
    settings.EMAIL_RATE_TRANSACTIONAL_BURST = 0
    ids = _due_rows(12)
    with running_worker(concurrency=2):
        for email_id in ids:
            email_dispatch(email_id=email_id)
        smtp_server.wait_for(12, timeout=60)
        sent = OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT)
        assert wait_until(lambda: sent.count() == 12, timeout=30)
    subjects = sorted(m["Subject"] for m in smtp_server.messages)
    assert subjects == sorted(f"Message {n}" for n in range(12))  # each once, none lost
    assert set(OutboundEmail.objects.values_list("attempts", flat=True)) == {
        1
    }  # holds aren't tries
    # Twelve messages at one per 200 ms can't arrive in less than 11 gaps of 200 ms (less a
    # little for the clocks): the floor holds on any machine, however slow.
    span = smtp_server.arrival_times[-1] - smtp_server.arrival_times[0]
    assert span >= 11 * 0.2 * 0.95
