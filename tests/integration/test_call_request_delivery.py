"""A visitor's call request reaches the recruiter it was routed to through a real Celery
worker and a real SMTP server, read back as the bytes on the wire."""

import email
import email.policy
import statistics
import threading
import time

import pytest
from django.test import Client

from calls.links import call_request_path
from calls.models import CallRequest
from leads.models import OutboundEmail
from tests.calls.factories import form_data, make_recruiter
from tests.integration.conftest import running_worker
from tests.integration.test_outbox_delivery import wait_until
from tests.leads.factories import make_lead

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(120),
]


def _notices():
    return OutboundEmail.objects.filter(
        kind=OutboundEmail.Kind.NOTIFICATION, dedupe_key__startswith="call-"
    )


def test_the_recruiter_gets_the_request_by_email_at_once(broker, smtp_server):
    make_recruiter("rita", first_name="Rita")
    lead = make_lead(first_name="Ana", email="ana@example.com", segment="Career focused")
    with running_worker():
        response = Client().post(
            call_request_path(lead.pk),
            form_data(phone="303.555.0123 x45", message="Mornings are best."),
        )
        assert response.status_code == 302
        assert wait_until(lambda: _notices().filter(status="sent").exists())
        assert wait_until(lambda: len(smtp_server.raw) >= 1)
    [raw] = [r for r in smtp_server.raw if b"rita@firm.example" in r]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["To"] == "rita@firm.example"
    assert message["Reply-To"] == "ana@example.com"  # answering reaches the visitor
    assert message["Auto-Submitted"] == "auto-generated"
    assert "List-Unsubscribe" not in message  # mail to staff: nothing to unsubscribe from
    assert message["Subject"].strip().startswith("Call request: Ana, Career focused (call back by ")
    text = message.get_body(("plain",)).get_content()
    assert "+1 303-555-0123 ext. 45" in text and "Mornings are best." in text
    assert "America/New_York" in text
    call = CallRequest.objects.get()
    assert f"https://careers.example.com/admin/calls/callrequest/{call.pk}/change/" in text
    html = message.get_body(("html",)).get_content()
    assert 'href="tel:+13035550123;ext=45"' in html


def test_twenty_requests_reach_their_recruiters_in_turn_and_none_is_lost(broker, smtp_server):
    """Also prints the time from each request being sent to the recruiter's email arriving
    (the figure in docs/calls.md); nothing is asserted on it."""
    make_recruiter("amy")
    make_recruiter("bob")
    leads = [make_lead(first_name=f"Visitor{n}") for n in range(20)]
    sent_at: dict[str, float] = {}
    arrived_at: dict[str, float] = {}
    done = threading.Event()

    def watch() -> None:  # notes each arrival as it happens, while requests are still sent
        while not done.is_set() and len(arrived_at) < len(leads):
            for message in list(smtp_server.messages):
                name = message["Subject"].strip().removeprefix("Call request: ").split(" ")[0]
                arrived_at.setdefault(name, time.monotonic())
            time.sleep(0.005)

    watcher = threading.Thread(target=watch)
    with running_worker(concurrency=2):
        watcher.start()
        try:
            client = Client()
            for lead in leads:
                started = time.monotonic()
                assert client.post(call_request_path(lead.pk), form_data()).status_code == 302
                sent_at[lead.first_name] = started
            watcher.join(timeout=60)
        finally:
            done.set()
            watcher.join()
    assert set(arrived_at) == set(sent_at)
    recipients = [m["To"] for m in smtp_server.messages]
    assert recipients.count("amy@firm.example") == recipients.count("bob@firm.example") == 10
    delays = sorted(arrived_at[name] - sent_at[name] for name in sent_at)
    p95 = delays[int(0.95 * len(delays)) - 1]
    print(
        f"\ncall request -> recruiter email: median {statistics.median(delays) * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms over {len(delays)}"
    )
