"""When mail goes: follow-ups in the daytime of the lead's own zone, batches under the pace."""

from datetime import UTC, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from leads.models import Lead, OutboundEmail
from leads.send_window import clean_time_zone, next_in_window
from leads.services import email_deliver, lead_confirm, outbox_sweep
from tests.assessment.walk import DETAILS, answer_all, details_url
from tests.factories import make_quiz
from tests.leads.factories import enqueue, make_reachable_lead, make_step

DENVER = ZoneInfo("America/Denver")
TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def window(settings):
    settings.TIME_ZONE = "America/Denver"
    settings.FOLLOW_UP_SEND_WINDOW = (8, 18)


def at(zone: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=zone)


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        ((2026, 12, 2, 10, 30), (2026, 12, 2, 10, 30)),  # inside: unchanged
        ((2026, 12, 2, 8, 0), (2026, 12, 2, 8, 0)),  # the window opens at 08:00 sharp
        ((2026, 12, 2, 3, 0), (2026, 12, 2, 8, 0)),  # before dawn: this morning
        ((2026, 12, 2, 18, 0), (2026, 12, 3, 8, 0)),  # closed at 18:00: tomorrow
        ((2026, 12, 2, 23, 59), (2026, 12, 3, 8, 0)),
        # The night before daylight saving time starts: 08:00 is MDT, an hour less of UTC.
        ((2026, 3, 7, 22, 0), (2026, 3, 8, 8, 0)),
    ],
)
def test_a_moment_moves_to_the_next_opening_in_the_leads_zone(window, local, expected):
    moved = next_in_window(at(DENVER, *local), time_zone="America/Denver")
    assert moved == at(DENVER, *expected)
    assert moved.astimezone(DENVER).hour == expected[3]


def test_the_leads_zone_decides_not_the_firms(window):
    # 09:00 in Denver is 01:00 the next day in Tokyo: a Tokyo lead waits for 08:00 there.
    moment = at(DENVER, 2026, 12, 2, 9, 0)
    assert next_in_window(moment, time_zone="America/Denver") == moment
    moved = next_in_window(moment, time_zone="Asia/Tokyo")
    assert moved.astimezone(TOKYO) == at(TOKYO, 2026, 12, 3, 8, 0)


@pytest.mark.parametrize("name", ["", "Mars/Olympus_Mons", "UTC; DROP TABLE", "A" * 500, "../etc"])
def test_an_unknown_or_empty_zone_means_the_firms(window, name):
    assert clean_time_zone(name) == ""
    moment = at(DENVER, 2026, 12, 2, 3, 0)
    assert next_in_window(moment, time_zone=name) == at(DENVER, 2026, 12, 2, 8, 0)


@pytest.mark.django_db
def test_scheduled_follow_ups_fall_inside_the_window(window):
    make_step(order=1, delay_days=2)
    lead = make_reachable_lead(time_zone="Asia/Tokyo", confirmed_at=None)
    night_in_tokyo = at(TOKYO, 2026, 12, 1, 2, 30)
    with mock.patch("django.utils.timezone.now", return_value=night_in_tokyo):
        lead_confirm(lead=lead)
    email = OutboundEmail.objects.get(kind="follow_up")
    assert email.send_at.astimezone(TOKYO) == at(TOKYO, 2026, 12, 3, 8, 0)


@pytest.mark.django_db
def test_a_follow_up_due_at_night_is_held_not_sent_and_not_counted_as_a_try(window):
    make_step(order=1, delay_days=0)
    lead = make_reachable_lead(time_zone="America/Denver", confirmed_at=None)
    lead_confirm(lead=lead)
    email = OutboundEmail.objects.get(kind="follow_up")
    night = at(DENVER, 2026, 12, 2, 2, 0)
    OutboundEmail.objects.filter(pk=email.pk).update(send_at=night - timedelta(hours=1))
    mail.outbox.clear()

    with mock.patch("django.utils.timezone.now", return_value=night):
        email_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert len(mail.outbox) == 0
    assert email.status == "queued"
    assert email.attempts == 0
    assert email.send_at == at(DENVER, 2026, 12, 2, 8, 0)
    assert email.last_error == "Waiting for the send window to open."

    with mock.patch("django.utils.timezone.now", return_value=email.send_at):
        email_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == "sent"
    assert [m.subject for m in mail.outbox] == [email.subject]


@pytest.mark.django_db
def test_the_result_email_is_not_held_at_night(window):
    night = at(DENVER, 2026, 12, 2, 2, 0)
    with mock.patch("django.utils.timezone.now", return_value=night):
        email = enqueue(make_reachable_lead(time_zone="America/Denver"))
        email_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == "sent"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sent", "stored"),
    [("Europe/Berlin", "Europe/Berlin"), ("Not/AZone", ""), ("", ""), ("x" * 10_000, "")],
)
def test_the_details_form_keeps_the_browsers_zone_when_the_server_knows_it(sent, stored):
    quiz = make_quiz(questions=2)
    client = Client()
    answer_all(client, quiz)
    response = client.post(details_url(quiz), DETAILS | {"time_zone": sent})
    assert response.status_code == 302  # a bad zone is never an error the visitor must fix
    assert Lead.objects.get().time_zone == stored


@pytest.mark.django_db
def test_the_details_page_asks_the_browser_for_its_zone():
    quiz = make_quiz(questions=2)
    client = Client()
    answer_all(client, quiz)
    page = client.get(details_url(quiz)).content.decode()
    assert 'name="time_zone"' in page and "data-time-zone" in page
    assert "js/time_zone.js" in page


def test_utc_is_a_zone_like_any_other():
    assert clean_time_zone("UTC") == "UTC"
    assert next_in_window(datetime(2026, 12, 2, 12, tzinfo=UTC), time_zone="UTC").hour == 12
    assert timezone.is_aware(next_in_window(datetime(2026, 12, 2, 2, tzinfo=UTC), time_zone="UTC"))


@pytest.mark.django_db
def test_the_sweeper_hands_over_a_minutes_worth_results_first(settings):
    """Under a cap of 3 a minute (plus 1 ahead) the sweeper hands over 4: the result, then
    the oldest follow-ups; the rest wait in the table, not in a worker's queue."""
    settings.EMAIL_PACE_URL = "redis://pace.invalid/0"  # never reached: delivery is mocked
    settings.EMAIL_RATE_PER_MINUTE = 3
    settings.EMAIL_RATE_TRANSACTIONAL_BURST = 1
    settings.OUTBOX_SWEEP_GRACE_SECONDS = 0
    lead = make_reachable_lead()
    old = timezone.now() - timedelta(hours=1)
    follow_ups = [
        enqueue(lead, kind="follow_up", dedupe_key=f"f{n}", send_at=old + timedelta(minutes=n))
        for n in range(5)
    ]
    result = enqueue(lead, dedupe_key="result", send_at=old + timedelta(minutes=30))
    OutboundEmail.objects.update(created_at=old)
    handed: list[int] = []
    with mock.patch(
        "leads.services.email_dispatch",
        side_effect=lambda email_id: handed.append(email_id) or True,
    ):
        assert outbox_sweep() == 4
    assert handed == [result.pk] + [email.pk for email in follow_ups[:3]]
    settings.EMAIL_PACE_URL = ""  # no pace: the usual batch of up to 500
    handed.clear()
    with mock.patch(
        "leads.services.email_dispatch",
        side_effect=lambda email_id: handed.append(email_id) or True,
    ):
        assert outbox_sweep() == 6
