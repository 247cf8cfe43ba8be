"""Follow-ups against real parts: the confirm and unsubscribe views, Redis, Celery workers
(one of them a separate process that gets killed) and an SMTP server on loopback."""

import signal
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from leads.models import OutboundEmail
from leads.services import lead_capture
from leads.tasks import deliver_email, sweep_outbox
from leads.tokens import confirm_url, unsubscribe_url
from tests.integration.conftest import running_worker, worker_process
from tests.integration.test_outbox_delivery import wait_until
from tests.leads.factories import make_reachable_lead, make_step

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(120),
]


def path_of(url: str) -> str:
    return url.removeprefix("https://careers.example.com")


def follow_ups():
    return OutboundEmail.objects.filter(kind=OutboundEmail.Kind.FOLLOW_UP)


def make_due(row: OutboundEmail) -> None:
    """Instead of waiting days: the follow-up's time has come."""
    OutboundEmail.objects.filter(pk=row.pk).update(send_at=timezone.now() - timedelta(seconds=1))


def sweep_until(condition, timeout: float = 30) -> bool:
    """Send the beat's sweep every half second until `condition` holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sweep_outbox.delay()
        if wait_until(condition, timeout=0.5):
            return True
    return condition()


def test_follow_ups_start_at_confirmation_arrive_when_due_and_stop_at_unsubscribe(
    broker, smtp_server, settings
):
    settings.OUTBOX_SWEEP_GRACE_SECONDS = 0
    make_step(order=1, delay_days=2, subject="Lead before you have the title", body="Mentor.")
    make_step(order=2, delay_days=7, subject="What recruiters look for", body="People.")
    lead = lead_capture(
        email="ana@example.com",
        first_name="Ana",
        consent_follow_ups=True,
        consent_text="Send me follow-up emails",
        ip_address=None,
        source={},
        segment="Career focused",
    )
    visitor = Client()
    with running_worker():
        assert not follow_ups().exists()  # agreed, but not confirmed: nothing yet

        page = visitor.get(path_of(confirm_url(lead.pk)))
        assert page.status_code == 200 and not follow_ups().exists()  # a GET changes nothing
        assert visitor.post(path_of(confirm_url(lead.pk))).status_code == 200
        first, second = follow_ups().order_by("send_at")
        assert first.status == second.status == OutboundEmail.Status.QUEUED
        assert first.send_at > timezone.now() + timedelta(days=1)

        make_due(first)
        assert sweep_until(lambda: len(smtp_server.messages) == 1)
        [message] = smtp_server.messages
        assert message["Subject"] == "Lead before you have the title"
        assert message["To"] == "ana@example.com"
        assert "follow-ups.careers.example.com" in message["List-Id"]
        assert "Mentor." in message.get_body(("plain",)).get_content()
        assert wait_until(lambda: follow_ups().get(pk=first.pk).status == "sent")

        # One click on the List-Unsubscribe link, as a mail provider sends it.
        unsubscribe = Client(enforce_csrf_checks=True).post(
            path_of(unsubscribe_url(lead.pk)), {"List-Unsubscribe": "One-Click"}
        )
        assert unsubscribe.status_code == 200
        assert follow_ups().get(pk=second.pk).status == "cancelled"
        make_due(second)
        deliver_email.delay(second.pk)  # even handed straight to a worker
        marker = make_reachable_lead(email="marker@example.com")
        OutboundEmail.objects.create(
            lead=marker,
            kind="result",
            dedupe_key="marker",
            subject="Marker",
            html_body="<p>m</p>",
            text_body="m",
            to_email=marker.email,
            from_email="careers@example.com",
            message_id="<marker@careers.example.com>",
        )
        assert sweep_until(lambda: len(smtp_server.messages) == 2)  # the sweeps did run
    assert [m["Subject"] for m in smtp_server.messages] == [
        "Lead before you have the title",
        "Marker",
    ]
    assert follow_ups().get(pk=second.pk).status == "cancelled"


def test_a_worker_killed_mid_batch_loses_nothing(broker, smtp_server, settings):
    step = make_step(subject="Your next step", body="Let's talk.")
    leads = [make_reachable_lead(segment="Career focused") for _ in range(12)]
    rows = OutboundEmail.objects.bulk_create(
        OutboundEmail(
            lead=lead,
            kind=OutboundEmail.Kind.FOLLOW_UP,
            follow_up_step=step,
            dedupe_key=step.dedupe_key,
            subject="(rendered when sent)",
            html_body="",
            text_body="",
            to_email=lead.email,
            from_email="careers@example.com",
            message_id=f"<kill-{n}@careers.example.com>",
            send_at=timezone.now() - timedelta(minutes=1),
        )
        for n, lead in enumerate(leads)
    )
    ids = [row.pk for row in rows]
    smtp_server.delay = 0.4  # slow enough to catch the worker mid-send

    def sending() -> int:
        return OutboundEmail.objects.filter(pk__in=ids, status="sending").count()

    with worker_process(broker_url=broker, smtp_port=smtp_server.port) as doomed:
        for email_id in ids:
            deliver_email.delay(email_id)
        assert wait_until(lambda: sending() >= 2 and len(smtp_server.messages) >= 1, timeout=30)
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
        stuck = sending()
    assert stuck >= 1, "the worker was not mid-send when it died"
    time.sleep(smtp_server.delay + 0.5)  # messages already in the server finish arriving
    seen_before = Counter(m["Message-ID"] for m in smtp_server.messages)

    smtp_server.delay = 0
    settings.OUTBOX_SENDING_TIMEOUT_SECONDS = 1  # instead of ten minutes
    settings.OUTBOX_SWEEP_GRACE_SECONDS = 0
    time.sleep(1.1)
    with running_worker():
        assert sweep_until(
            lambda: OutboundEmail.objects.filter(pk__in=ids, status="sent").count() == len(ids)
        )
    time.sleep(0.3)  # anything late would show up now
    arrived = Counter(m["Message-ID"] for m in smtp_server.messages)
    expected = set(OutboundEmail.objects.filter(pk__in=ids).values_list("message_id", flat=True))
    assert set(arrived) == expected  # every row delivered at least once
    for message_id, count in arrived.items():
        if message_id in seen_before:
            assert count <= 2  # it reached the server before the crash: one retry at most
        else:
            assert count == 1  # exactly once
    assert all(m["Subject"] == "Your next step" for m in smtp_server.messages)
