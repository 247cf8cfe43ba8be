"""A new call request reaches the team's Slack or Teams channel through a real Celery worker,
as the JSON body a real HTTP receiver on loopback got, beside the recruiter's email."""

import email
import email.policy
import json
import re
import statistics
import time
from collections import Counter

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from calls.links import call_request_path
from calls.models import CallRequest
from crm_webhooks.models import Delivery
from crm_webhooks.services import delivery_deliver
from tests.calls.factories import form_data, make_recruiter
from tests.crm_webhooks.factories import make_endpoint
from tests.crm_webhooks.receiver import running_receiver
from tests.integration.conftest import running_worker
from tests.integration.test_outbox_delivery import wait_until
from tests.leads.factories import make_lead

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(90),
]

PERSONAL = ("ana@example.com", "555", "Mornings are best")


@pytest.fixture(autouse=True)
def _loopback_allowed(settings):
    """The receivers are on loopback, which production refuses (the SSRF guard)."""
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    settings.WEBHOOK_TIMEOUT_SECONDS = 2.0


@pytest.fixture
def channels():
    """A Slack and a Teams "service" on loopback: they take unsigned JSON."""
    with running_receiver("") as slack, running_receiver("") as teams:
        slack.signed = teams.signed = False
        make_endpoint(name="Slack", url=slack.url, format="slack", events=["call.requested"])
        make_endpoint(name="Teams", url=teams.url, format="teams", events=["call.requested"])
        yield slack, teams


def test_a_call_request_reaches_slack_teams_and_the_recruiter(broker, smtp_server, channels):
    slack, teams = channels
    make_recruiter("rita", first_name="Rita")
    lead = make_lead(first_name="Ana", email="ana@example.com", segment="Career focused")
    with running_worker():
        response = Client().post(
            call_request_path(lead.pk),
            form_data(phone="303.555.0123", message="Mornings are best."),
        )
        assert response.status_code == 302
        [to_slack] = slack.wait_for(1)
        [to_teams] = teams.wait_for(1)
        assert wait_until(lambda: len(smtp_server.raw) >= 1)
        assert wait_until(lambda: Delivery.objects.filter(status="delivered").count() == 2)

    call = CallRequest.objects.get()
    due = timezone.localtime(call.due_at)
    due_words = f"{due:%a %d %b %Y, %H:%M} {due:%Z} (America/Denver)"
    link = f"{settings.SITE_URL}/admin/calls/callrequest/{call.pk}/change/"
    assert to_slack.payload == {
        "text": "*New call request: Ana*\nResult: Career focused\n"
        f"Call back by: {due_words}\nRecruiter: Rita\n<{link}|Open the request in the admin>"
    }
    card = to_teams.payload["attachments"][0]["content"]
    assert card["body"][0]["text"] == "New call request: Ana"
    assert {"title": "Call back by", "value": due_words} in card["body"][1]["facts"]
    assert card["actions"][0]["url"] == link
    for got in (to_slack, to_teams):
        assert got.headers["content-type"] == "application/json"
        assert not [name for name in got.headers if name.startswith("webhook-")]
        assert not any(word in json.dumps(got.payload) for word in PERSONAL)
    # The recruiter's email, with the personal data, went as before.
    [raw] = smtp_server.raw
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["To"] == "rita@firm.example"
    assert "Mornings are best." in message.get_body(("plain",)).get_content()


def test_a_channel_that_fails_gets_the_same_message_again(channels):
    slack, _ = channels
    slack.mode = "500"
    make_recruiter("rita")
    lead = make_lead(first_name="Ana", segment="Job focused")
    Client().post(call_request_path(lead.pk), form_data())
    delivery = Delivery.objects.get(endpoint__format="slack")
    delivery_deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "queued" and delivery.last_error.startswith("HTTP 500")
    slack.mode = "ok"
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    delivery_deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    first, second = slack.wait_for(2)
    assert delivery.status == "delivered" and delivery.attempts == 2
    assert first.payload == second.payload == delivery.payload
    assert first.payload["text"].startswith("*New call request: Ana*")


def named(slack_text: str) -> str:
    """The first name in a Slack message's title line."""
    match = re.fullmatch(r"\*New call request: (\w+)\*", slack_text.splitlines()[0])
    assert match, slack_text
    return match[1]


def test_twenty_requests_are_twenty_slack_messages_none_lost_or_doubled(broker, channels):
    """Also prints the time from each request being sent to its Slack message arriving (the
    figure in docs/webhooks.md); nothing is asserted on it."""
    slack, _ = channels
    make_recruiter("amy")
    leads = [make_lead(first_name=f"Visitor{n}", segment="Career focused") for n in range(20)]
    sent_at: dict[str, float] = {}
    with running_worker(concurrency=2):
        client = Client()
        for lead in leads:
            started = time.monotonic()
            assert client.post(call_request_path(lead.pk), form_data()).status_code == 302
            sent_at[lead.first_name] = started
        received = slack.wait_for(20, timeout=60)
        time.sleep(0.5)  # a doubled message would arrive now
    names = Counter(named(got.payload["text"]) for got in slack.received)
    assert names == Counter(list(sent_at))  # each request once
    delays = sorted(got.at - sent_at[named(got.payload["text"])] for got in received)
    p95 = delays[int(0.95 * len(delays)) - 1]
    print(
        f"\ncall request -> Slack message: median {statistics.median(delays) * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms over {len(delays)}"
    )
