"""Webhooks against real parts: an HTTP receiver on loopback that checks every signature
with `standardwebhooks`, Redis, a Celery worker in this process and one in another that
gets killed, and an SMTP server for the admins' notice."""

import signal
import time
from collections import Counter
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from django.db import transaction
from django.utils import timezone

from crm_webhooks.models import Delivery, Endpoint, new_secret
from crm_webhooks.services import delivery_deliver, queue_event
from crm_webhooks.tasks import deliver_webhook, sweep_webhooks
from devtools import redis_server
from leads.services import lead_capture
from tests.crm_webhooks.factories import make_endpoint
from tests.crm_webhooks.receiver import HUGE, running_receiver
from tests.integration.conftest import running_worker, worker_process
from tests.integration.test_outbox_delivery import wait_until

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(90),
]


@pytest.fixture(autouse=True)
def _loopback_allowed(settings):
    """The tests' receiver is on loopback, which production refuses (the SSRF guard)."""
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    settings.WEBHOOK_TIMEOUT_SECONDS = 2.0


@pytest.fixture
def receiver():
    secret = new_secret()
    with running_receiver(secret) as receiver:
        receiver.endpoint = make_endpoint(url=receiver.url, secret=secret)
        yield receiver


def one_delivery(event: str = "lead.created", n: int = 1) -> Delivery:
    [delivery] = queue_event(event, {"lead": {"id": n}}, key=f"{event}:{n}")
    return delivery


def deliver(delivery: Delivery) -> Delivery:
    delivery_deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    return delivery


def due_again(delivery: Delivery) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_a_delivery_arrives_signed_and_the_receiver_verifies_it(receiver):
    delivery = deliver(one_delivery())
    [got] = receiver.wait_for(1)
    assert receiver.bad_signatures == 0
    assert got.payload == delivery.payload
    assert got.webhook_id == delivery.webhook_id
    assert got.headers["webhook-signature"].startswith("v1,")
    assert got.headers["content-type"] == "application/json"
    assert delivery.status == "delivered" and delivery.response_status == 200
    assert delivery.response_ms is not None and delivery.delivered_at is not None


def test_a_receiver_with_another_secret_refuses_the_signature(receiver):
    Endpoint.objects.filter(pk=receiver.endpoint.pk).update(secret=new_secret())
    delivery = deliver(one_delivery())
    assert receiver.bad_signatures == 1 and receiver.received == []
    assert delivery.status == "queued" and delivery.response_status == 400


def test_500_is_retried_with_the_same_webhook_id_until_it_is_taken(receiver):
    receiver.mode = "500"
    delivery = deliver(one_delivery())
    assert delivery.status == "queued" and delivery.response_status == 500
    assert delivery.next_attempt_at > timezone.now()
    assert delivery.last_error.startswith("HTTP 500")
    receiver.mode = "ok"
    due_again(delivery)
    delivery = deliver(delivery)
    assert delivery.status == "delivered" and delivery.attempts == 2
    assert receiver.ids() == [delivery.webhook_id] * 2  # the receiver can drop the repeat


def test_410_switches_the_endpoint_off_and_emails_the_admins(receiver, smtp_server, settings):
    settings.WEBHOOK_ALERT_EMAILS = ["ops@example.com"]
    receiver.mode = "410"
    delivery = deliver(one_delivery())
    assert delivery.status == "failed"
    endpoint = Endpoint.objects.get(pk=receiver.endpoint.pk)
    assert not endpoint.is_active
    assert "410 Gone" in endpoint.disabled_reason
    assert smtp_server.wait_for(1)
    notice = message_from_bytes(smtp_server.raw[0], policy=default_policy)
    assert notice["To"] == "ops@example.com"
    assert "switched off" in notice["Subject"]
    assert "410 Gone" in notice.get_content()
    # Nothing more is queued for it.
    assert queue_event("lead.created", {"lead": {"id": 2}}, key="lead.created:2") == []


def test_a_redirect_is_not_followed(receiver):
    receiver.mode = "redirect"
    delivery = deliver(one_delivery())
    assert receiver.redirect_target_hits == 0
    assert delivery.status == "queued" and delivery.response_status == 307
    assert "redirects are not followed" in delivery.last_error


def test_a_3_gb_answer_is_not_read_to_the_end(receiver, settings):
    settings.WEBHOOK_MAX_RESPONSE_BYTES = 65536
    receiver.mode = "huge"
    delivery = deliver(one_delivery())
    assert delivery.status == "delivered" and delivery.response_status == 200
    # What the receiver managed to write before we hung up: socket buffers, not 3 GB.
    time.sleep(0.2)
    assert receiver.huge_bytes_sent < 16 * 1024**2 < HUGE


def test_a_receiver_slower_than_the_timeout_is_a_timed_out_try(receiver):
    receiver.delay = 10  # answers after 10 s; we wait 2 (WEBHOOK_TIMEOUT_SECONDS)
    delivery = deliver(one_delivery())
    assert delivery.status == "queued" and delivery.attempts == 1
    assert "timed out" in delivery.last_error and delivery.response_status is None


def test_a_receiver_that_never_answers_is_a_timed_out_try(receiver):
    receiver.mode = "silent"
    delivery = deliver(one_delivery())
    assert "timed out" in delivery.last_error and delivery.status == "queued"


def test_nothing_listening_is_a_refused_try(settings):
    port = redis_server.free_port()
    make_endpoint(url=f"http://127.0.0.1:{port}/hooks")
    delivery = deliver(one_delivery())
    assert delivery.status == "queued"
    assert "Connection refused" in delivery.last_error


def test_a_real_worker_delivers_a_new_lead_once_even_when_queued_twice(receiver, broker):
    with running_worker():
        with transaction.atomic():
            lead = lead_capture(
                email="ana@example.com",
                first_name="Ana",
                consent_follow_ups=False,
                consent_text="",
                ip_address=None,
                source={},
            )
        [got] = receiver.wait_for(1)
        key = f"lead.created:{lead.pk}"
        with transaction.atomic():  # the same event again, as a retried request would
            queue_event("lead.created", {"lead": {"id": lead.pk}}, key=key)
        sweep_webhooks.delay()
        time.sleep(1)  # a second copy would arrive now
    assert got.payload["type"] == "lead.created"
    assert got.payload["data"]["lead"]["email"] == "ana@example.com"
    assert len(receiver.received) == 1
    assert Delivery.objects.get().status == "delivered"


def test_a_real_worker_retries_after_a_500_with_backoff(receiver, broker, settings):
    settings.WEBHOOK_RETRY_BACKOFF_SECONDS = 1
    receiver.mode = "500"
    with running_worker():
        with transaction.atomic():
            delivery = one_delivery()
        receiver.wait_for(1)
        receiver.mode = "ok"
        assert wait_until(
            lambda: Delivery.objects.get(pk=delivery.pk).status == "delivered", timeout=20
        )
    assert receiver.ids() == [delivery.webhook_id] * 2


def test_a_worker_killed_mid_batch_loses_nothing(receiver, broker, settings, monkeypatch):
    monkeypatch.setenv("WEBHOOK_ALLOWED_NETWORKS", "127.0.0.0/8")
    rows = [one_delivery(n=n) for n in range(12)]
    ids = [row.pk for row in rows]
    receiver.delay = 0.4  # slow enough to catch the worker mid-delivery

    def sending() -> int:
        return Delivery.objects.filter(pk__in=ids, status="sending").count()

    with worker_process(broker_url=broker, smtp_port=1) as doomed:
        for pk in ids:
            deliver_webhook.delay(pk)
        assert wait_until(lambda: sending() >= 2 and len(receiver.received) >= 1, timeout=30)
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
        stuck = sending()
    assert stuck >= 1, "the worker was not mid-delivery when it died"
    time.sleep(receiver.delay + 0.3)
    seen_before = Counter(receiver.ids())

    receiver.delay = 0
    settings.WEBHOOK_SENDING_TIMEOUT_SECONDS = 1  # instead of two minutes
    settings.WEBHOOK_SWEEP_GRACE_SECONDS = 0
    time.sleep(1.1)
    with running_worker():
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            sweep_webhooks.delay()
            if wait_until(
                lambda: Delivery.objects.filter(pk__in=ids, status="delivered").count() == 12,
                timeout=0.5,
            ):
                break
    time.sleep(0.3)
    arrived = Counter(receiver.ids())
    expected = set(Delivery.objects.filter(pk__in=ids).values_list("webhook_id", flat=True))
    assert Delivery.objects.filter(pk__in=ids, status="delivered").count() == 12
    assert set(arrived) == expected  # every event at least once
    for webhook_id, count in arrived.items():
        # A repeat only for what reached the receiver before the crash, with the same id.
        assert count == 1 or (webhook_id in seen_before and count <= 2)
    assert receiver.bad_signatures == 0


def self_signed(tmp_path, name: str) -> tuple[str, str]:
    """A certificate for `name` (and its key), as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = timezone.now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_path), str(key_path)


@pytest.fixture
def crm_test_resolves_to_loopback(monkeypatch):
    """crm.test resolves to 127.0.0.1: the delivery must connect there but speak to crm.test."""
    from crm_webhooks import url_guard

    monkeypatch.setattr(
        url_guard, "resolve", lambda host, port: ["127.0.0.1"] if host == "crm.test" else []
    )


@pytest.mark.usefixtures("crm_test_resolves_to_loopback")
def test_the_checked_address_is_called_with_the_real_name_as_host(receiver):
    Endpoint.objects.filter(pk=receiver.endpoint.pk).update(url=receiver.url_for("crm.test"))
    delivery = deliver(one_delivery())
    [got] = receiver.wait_for(1)
    assert delivery.status == "delivered"
    assert got.headers["host"] == f"crm.test:{receiver.port}"


@pytest.mark.parametrize(("certified", "delivered"), [("crm.test", True), ("other.test", False)])
@pytest.mark.usefixtures("crm_test_resolves_to_loopback")
def test_https_checks_the_certificate_against_the_name_not_the_address(
    tmp_path, monkeypatch, certified, delivered
):
    import ssl

    cert, key = self_signed(tmp_path, certified)
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(cert, key)
    client_tls = ssl.create_default_context(cafile=cert)  # trusts only the test's certificate
    monkeypatch.setattr("crm_webhooks.transport.ssl.create_default_context", lambda: client_tls)
    secret = new_secret()
    with running_receiver(secret, tls=server_tls) as receiver:
        make_endpoint(url=receiver.url_for("crm.test", scheme="https"), secret=secret)
        delivery = deliver(one_delivery())
        if delivered:
            [got] = receiver.wait_for(1)
            assert got.headers["host"] == f"crm.test:{receiver.port}"
            assert delivery.status == "delivered"
        else:
            assert delivery.status == "queued" and receiver.received == []
            assert "CERTIFICATE_VERIFY_FAILED" in delivery.last_error
