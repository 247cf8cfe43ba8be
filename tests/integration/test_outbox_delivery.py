"""The outbox against real parts: Redis, a Celery worker, and an SMTP server on loopback."""

import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import close_old_connections, connection, transaction

from devtools import redis_server
from leads.models import Lead, OutboundEmail
from leads.services import email_deliver, email_resend
from leads.tasks import deliver_email, sweep_outbox
from tests.integration.conftest import running_worker, use_broker, worker_process
from tests.leads.factories import enqueue, make_lead

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(90),  # a hung worker or server fails the test instead of the run
]


def wait_until(condition, timeout: float = 20, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def status_of(email: OutboundEmail) -> str:
    return OutboundEmail.objects.values_list("status", flat=True).get(pk=email.pk)


def test_the_email_arrives_with_text_html_and_unsubscribe_headers(broker, smtp_server):
    lead = make_lead(email="ana@example.com", first_name="Ana")
    with running_worker():
        with transaction.atomic():
            email = enqueue(lead, html_body="<p>Hello <b>Ana</b></p>", text_body="Hello Ana")
        [message] = smtp_server.wait_for(1)
        assert wait_until(lambda: status_of(email) == OutboundEmail.Status.SENT)
    email.refresh_from_db()
    assert message["To"] == "ana@example.com"
    assert message["Message-ID"] == email.message_id
    assert message["List-Unsubscribe"].startswith("<https://careers.example.com/email/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_body(("plain",)).get_content().strip() == "Hello Ana"
    assert message.get_body(("html",)).get_content().strip() == "<p>Hello <b>Ana</b></p>"


def test_421_twice_then_accepted_delivers_exactly_once(broker, smtp_server):
    smtp_server.temporary_failures = 2
    with running_worker():
        email = enqueue(make_lead())
        assert wait_until(lambda: status_of(email) == OutboundEmail.Status.SENT)
    assert len(smtp_server.messages) == 1
    email.refresh_from_db()
    assert email.attempts == 3


def test_550_fails_the_row_and_a_resend_delivers(broker, smtp_server):
    smtp_server.refuse_recipients = True
    # A policy refusal the firm can fix; "no such mailbox" would suppress the address
    # (tests/integration/test_no_such_mailbox.py).
    smtp_server.refusal = "550 5.7.1 Relaying denied"
    with running_worker():
        email = enqueue(make_lead())
        assert wait_until(lambda: status_of(email) == OutboundEmail.Status.FAILED)
        email.refresh_from_db()
        assert "550" in email.last_error
        assert email.attempts == 1
        smtp_server.refuse_recipients = False
        email_resend(email=email)
        smtp_server.wait_for(1)
        assert wait_until(lambda: status_of(email) == OutboundEmail.Status.SENT)
    assert len(smtp_server.messages) == 1


def _due_rows(count: int) -> list[int]:
    lead = make_lead()
    rows = [
        OutboundEmail(
            lead=lead,
            kind=OutboundEmail.Kind.RESULT,
            dedupe_key=f"race-{n}",
            subject=f"Message {n}",
            html_body="<p>x</p>",
            text_body="x",
            to_email=lead.email,
            from_email="careers@example.com",
            message_id=f"<race-{n}@careers.example.com>",
        )
        for n in range(count)
    ]
    return [row.pk for row in OutboundEmail.objects.bulk_create(rows)]


def test_two_workers_racing_over_200_rows_send_each_once(broker, smtp_server):
    ids = _due_rows(200)
    with (
        worker_process(broker_url=broker, smtp_port=smtp_server.port) as second_worker,
        running_worker(concurrency=2),
    ):
        # Every row handed over twice, as when the sweeper and the on-commit hand-off overlap.
        for email_id in ids + ids:
            deliver_email.delay(email_id)
        smtp_server.wait_for(200, timeout=40)
        assert wait_until(
            lambda: OutboundEmail.objects.filter(status="sent").count() == 200, timeout=20
        )
    time.sleep(0.3)  # anything late would show up now
    assert any("deliver_email" in line for line in second_worker.log), "no real race"
    message_ids = [message["Message-ID"] for message in smtp_server.messages]
    assert len(message_ids) == 200
    assert len(set(message_ids)) == 200


def test_concurrent_deliver_calls_in_threads_send_each_row_once(smtp_server):
    ids = _due_rows(60)
    start = threading.Barrier(3)

    def deliver_all(order: list[int]) -> int:
        start.wait(timeout=10)
        try:
            return sum(email_deliver(email_id=email_id) is not None for email_id in order)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=3) as pool:
        orders = [ids, list(reversed(ids)), ids[30:] + ids[:30]]
        claimed = sum(pool.map(deliver_all, orders, timeout=60))
    close_old_connections()
    assert claimed == 60
    assert len(smtp_server.messages) == 60
    assert OutboundEmail.objects.filter(status="sent").count() == 60


def gave_up_on_the_hand_off(email: OutboundEmail, caplog) -> bool:
    """email_dispatch caught the broker's error and left the row to the sweeper."""
    return f"Could not queue email {email.pk}; the outbox sweeper will send it" in caplog.text


# A broker that is down or never answers must not hold up the web request. The module's
# timeout fails a hang; the tests check that the hand-off was tried, given up on (the
# socket timeouts end each try) and not tried again and again, and that the row waits.


def test_redis_down_at_enqueue_keeps_the_row_and_the_sweeper_sends_it_later(
    smtp_server, monkeypatch, settings, caplog
):
    monkeypatch.setattr(
        "celery.app.autoretry.get_exponential_backoff_interval", lambda **kwargs: 0.2
    )
    own_redis = redis_server.start()
    port = own_redis.port
    use_broker(own_redis.url)
    own_redis.stop()
    try:
        with transaction.atomic():
            lead = make_lead()
            email = enqueue(lead)
        assert gave_up_on_the_hand_off(email, caplog)
        assert Lead.objects.filter(pk=lead.pk).exists()
        assert status_of(email) == OutboundEmail.Status.QUEUED

        own_redis = redis_server.start(port=port)
        settings.OUTBOX_SWEEP_GRACE_SECONDS = 0  # instead of waiting a minute
        with running_worker():
            sweep_outbox.delay()  # what celery beat sends every minute
            smtp_server.wait_for(1)
            assert wait_until(lambda: status_of(email) == OutboundEmail.Status.SENT)
        assert len(smtp_server.messages) == 1
    finally:
        own_redis.stop()
        use_broker("memory://")


def test_a_broker_that_never_answers_holds_up_enqueue_only_briefly(settings, caplog):
    """A half-dead Redis (accepts, never replies) must not hang a web request."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted = []

    def accept_all() -> None:
        while True:
            try:
                accepted.append(listener.accept()[0])
            except OSError:  # the listener was closed
                return

    threading.Thread(target=accept_all, daemon=True).start()
    use_broker(f"redis://127.0.0.1:{listener.getsockname()[1]}/0")
    try:
        with transaction.atomic():
            email = enqueue(make_lead())
    finally:
        use_broker("memory://")
        listener.close()
        for sock in accepted:
            sock.close()
    assert gave_up_on_the_hand_off(email, caplog)
    # It reached the broker, and gave up within the publish retry policy instead of
    # reconnecting for as long as the broker stays silent.
    tries = 1 + settings.CELERY_TASK_PUBLISH_RETRY_POLICY["max_retries"]
    assert 1 <= len(accepted) <= tries, f"{len(accepted)} connections to the silent broker"
    assert status_of(email) == OutboundEmail.Status.QUEUED
