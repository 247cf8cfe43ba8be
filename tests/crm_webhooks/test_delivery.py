"""Delivery bookkeeping without a network: the address is checked again when sending (DNS
rebinding), retries back off, an endpoint failing for days is switched off and the admins
are told, and the sweeper hands on what was missed. tests/crm_webhooks/test_receiver.py
does the same against a real HTTP receiver."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from crm_webhooks import services
from crm_webhooks.models import Delivery, Endpoint
from crm_webhooks.services import (
    backoff_seconds,
    deliveries_prune,
    deliveries_sweep,
    delivery_deliver,
    delivery_resend,
    endpoints_notify_disabled,
    queue_event,
)
from crm_webhooks.transport import Response
from tests.crm_webhooks.factories import make_endpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def answers(monkeypatch):
    """Stands in for the network: each POST gets the next answer; records what was sent."""
    sent: list[dict] = []
    queue: list[Response | Exception] = []

    def post(target, *, body, headers, timeout, max_body):
        sent.append({"target": target, "body": body, "headers": headers})
        answer = queue.pop(0) if queue else Response(200, b"", 0.01)
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(services, "post", post)
    monkeypatch.setattr(services, "delivery_dispatch", lambda **kwargs: True)
    return sent, queue


def queued(endpoint: Endpoint) -> Delivery:
    [delivery] = queue_event("lead.created", {"lead": {"id": 1}}, key="lead.created:1")
    return delivery


def test_a_name_that_now_resolves_to_a_private_address_is_not_called(dns, answers):
    sent, _ = answers
    endpoint = make_endpoint(url="https://crm.example.com/hooks")
    delivery = queued(endpoint)
    dns["crm.example.com"] = ["10.0.0.8"]  # rebound since the endpoint was saved
    delivery_deliver(delivery_id=delivery.pk)
    assert sent == []
    delivery.refresh_from_db()
    assert delivery.status == "queued" and delivery.attempts == 1
    assert "resolves to 10.0.0.8, a private address" in delivery.last_error
    dns["crm.example.com"] = ["93.184.215.14"]
    delivery_deliver(delivery_id=delivery.pk)
    assert sent == []  # not due yet: it waits for its backoff
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    delivery_deliver(delivery_id=delivery.pk)
    [request] = sent
    assert request["target"].address == "93.184.215.14"  # the address that was checked
    assert Delivery.objects.get(pk=delivery.pk).status == "delivered"


def test_retries_back_off_then_stop_at_the_last_attempt(dns, answers, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    sent, queue = answers
    queue.extend([Response(500, b"oops", 0.02)] * 3)
    delivery = queued(make_endpoint(url="https://crm.example.com/hooks"))
    waits = []
    for _ in range(3):
        before = timezone.now()
        delivery_deliver(delivery_id=delivery.pk)
        delivery.refresh_from_db()
        waits.append(round((delivery.next_attempt_at - before).total_seconds()))
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert waits[:2] == [backoff_seconds(1), backoff_seconds(2)] == [30, 60]
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert delivery.last_error == "HTTP 500: oops" and delivery.response_status == 500
    assert len({r["headers"]["webhook-id"] for r in sent}) == 1  # the same id on every try
    assert backoff_seconds(20) == settings.WEBHOOK_RETRY_BACKOFF_MAX_SECONDS


def test_an_endpoint_failing_for_n_days_is_switched_off_and_admins_are_told(
    dns, answers, settings, django_user_model
):
    django_user_model.objects.create_superuser("boss", "boss@example.com", "x")
    settings.WEBHOOK_DISABLE_AFTER_DAYS = 3
    _, queue = answers
    endpoint = make_endpoint(url="https://crm.example.com/hooks")
    queue.append(ConnectionRefusedError())
    delivery_deliver(delivery_id=queued(endpoint).pk)
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.failing_since is not None  # one bad day is not N
    Endpoint.objects.filter(pk=endpoint.pk).update(
        failing_since=timezone.now() - timedelta(days=3, minutes=1)
    )
    deliveries_sweep()
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert endpoint.disabled_reason == "Every delivery failed for 3 days."
    [notice] = mail.outbox
    assert notice.to == ["boss@example.com"]
    assert "The CRM" in notice.subject and "Every delivery failed for 3 days" in notice.body
    deliveries_sweep()
    assert len(mail.outbox) == 1  # told once
    # Events for a switched-off endpoint are not queued.
    assert queue_event("lead.created", {"lead": {"id": 2}}, key="lead.created:2") == []


def test_a_notice_that_could_not_be_sent_is_retried_by_the_sweeper(dns, settings, monkeypatch):
    settings.WEBHOOK_ALERT_EMAILS = ["ops@example.com"]
    endpoint = make_endpoint(
        is_active=False, disabled_at=timezone.now(), disabled_reason="410 Gone"
    )

    def broken(**kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(services, "send_mail", broken)
    assert endpoints_notify_disabled() == 0
    endpoint.refresh_from_db()
    assert endpoint.disabled_notice_sent_at is None
    monkeypatch.undo()
    assert endpoints_notify_disabled() == 1
    assert mail.outbox[0].to == ["ops@example.com"]


def test_the_sweeper_hands_on_rows_the_hand_off_missed_and_rows_a_dead_worker_left(
    dns, settings, monkeypatch
):
    handed: list[int] = []
    monkeypatch.setattr(
        services, "delivery_dispatch", lambda delivery_id, **kw: handed.append(delivery_id) or True
    )
    endpoint = make_endpoint(url="https://crm.example.com/hooks")
    old = timezone.now() - timedelta(minutes=5)
    missed = queued(endpoint)
    Delivery.objects.filter(pk=missed.pk).update(next_attempt_at=old)
    [stuck] = queue_event("lead.erased", {"lead": {"id": 1}}, key="lead.erased:1")
    Delivery.objects.filter(pk=stuck.pk).update(status="sending", claimed_at=old, attempts=1)
    [fresh] = queue_event("lead.erased", {"lead": {"id": 2}}, key="lead.erased:2")
    handed.clear()
    assert deliveries_sweep() == 2
    assert sorted(handed) == sorted([missed.pk, stuck.pk])  # the fresh one has its own hand-off
    assert fresh.pk not in handed


def test_a_switched_off_endpoint_cancels_what_it_had_waiting(dns, answers):
    sent, _ = answers
    endpoint = make_endpoint(url="https://crm.example.com/hooks")
    delivery = queued(endpoint)
    Endpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
    delivery_deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "cancelled" and sent == []


def test_old_finished_payloads_are_emptied_and_can_no_longer_be_resent(settings):
    settings.WEBHOOK_PAYLOAD_RETENTION_DAYS = 30
    endpoint = make_endpoint()
    old, recent, waiting = (
        queue_event("lead.created", {"lead": {"id": n}}, key=f"lead.created:{n}")[0]
        for n in (1, 2, 3)
    )
    Delivery.objects.filter(pk__in=[old.pk, recent.pk]).update(status="delivered")
    Delivery.objects.filter(pk__in=[old.pk, waiting.pk]).update(
        created_at=timezone.now() - timedelta(days=31)
    )
    assert deliveries_prune() == 1
    old.refresh_from_db()
    assert old.payload == {} and old.webhook_id and old.status == "delivered"
    assert Delivery.objects.get(pk=recent.pk).payload["data"] == {"lead": {"id": 2}}
    assert Delivery.objects.get(pk=waiting.pk).payload  # not sent yet: kept
    with pytest.raises(ValueError, match="erased or has expired"):
        delivery_resend(delivery=old)
    assert endpoint.deliveries.count() == 3


def test_beat_sweeps_every_minute_and_prunes_daily():
    from crm_webhooks.tasks import prune_webhook_payloads, sweep_webhooks
    from site_project.celery import app as celery_app

    schedule = {e["task"]: e["schedule"] for e in celery_app.conf.beat_schedule.values()}
    assert schedule[sweep_webhooks.name] == 60.0
    assert schedule[prune_webhook_payloads.name] == 24 * 3600
    assert {sweep_webhooks.name, prune_webhook_payloads.name} <= set(celery_app.tasks)
