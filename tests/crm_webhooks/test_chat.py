"""Slack and Teams notices of a new call request: the same outbox rows as the CRM's, with a
chat message for a body (first name, result, deadline in the firm's zone, admin link) and
never the visitor's address, phone number or message; no signature headers."""

import json
import re
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.utils import timezone

from calls.services import call_request_submit
from crm_webhooks.models import Delivery, Endpoint
from crm_webhooks.services import delivery_request
from leads.services import lead_erase
from tests.calls.factories import a_choice, make_recruiter
from tests.crm_webhooks.factories import make_endpoint
from tests.crm_webhooks.test_events import capture
from tests.leads.factories import make_lead

pytestmark = pytest.mark.django_db

ADD = "/admin/crm_webhooks/endpoint/add/"
PERSONAL = ("ana@example.com", "+13035550123", "303", "Mornings are best")


def ask(lead=None, **choice):
    lead = lead or make_lead(email="ana@example.com", first_name="Ana", segment="Career focused")
    return call_request_submit(
        lead=lead, choice=a_choice(message="Mornings are best.", **choice)
    ), lead


def chat_form(**fields) -> dict:
    """The admin's add form for a Slack endpoint, as the browser posts it."""
    return {
        "name": "Recruiting channel",
        "url": "https://crm.example.com/services/T000/B000/XXXX",
        "format": "slack",
        "events": ["call.requested"],
        "new_secret": "",
        "is_active": "on",
    } | fields


def body_of(endpoint: Endpoint) -> dict:
    return Delivery.objects.get(endpoint=endpoint).payload


def due_words(call) -> str:
    due = timezone.localtime(call.due_at)
    return f"{due:%a %d %b %Y, %H:%M} {due:%Z} (America/Denver)"


def admin_url(call) -> str:
    return f"{settings.SITE_URL}/admin/calls/callrequest/{call.pk}/change/"


def test_slack_gets_a_short_message_with_no_personal_data_the_crm_gets_all():
    slack = make_endpoint(name="Team channel", format="slack", events=["call.requested"])
    crm = make_endpoint(name="CRM", events=["call.requested"])
    make_recruiter("jo", first_name="Jo", last_name="Reyes")
    call, _ = ask()

    assert body_of(slack) == {
        "text": "*New call request: Ana*\n"
        "Result: Career focused\n"
        f"Call back by: {due_words(call)}\n"
        "Recruiter: Jo Reyes\n"
        f"<{admin_url(call)}|Open the request in the admin>"
    }
    assert not any(word in json.dumps(body_of(slack)) for word in PERSONAL)
    # The CRM's delivery of the same event still carries what a CRM import needs.
    assert body_of(crm)["data"]["call_request"]["phone"] == "+13035550123"
    rows = Delivery.objects.order_by("pk")
    assert {row.event_type for row in rows} == {"call.requested"}
    assert {row.subject for row in rows} == {f"lead:{call.lead_id}"}


def test_teams_gets_an_adaptive_card_with_the_facts_and_a_button():
    teams = make_endpoint(format="teams", events=["call.requested"])
    call, _ = ask()
    body = body_of(teams)
    [attachment] = body["attachments"]
    assert body["type"] == "message"
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    title, facts = card["body"]
    assert title["text"] == "New call request: Ana" and title["wrap"] is True
    assert facts["facts"] == [
        {"title": "Result", "value": "Career focused"},
        {"title": "Call back by", "value": due_words(call)},
        {"title": "Recruiter", "value": "nobody yet: the team"},
    ]
    assert card["actions"] == [
        {"type": "Action.OpenUrl", "title": "Open the request in the admin", "url": admin_url(call)}
    ]
    assert not any(word in json.dumps(body) for word in PERSONAL)


def test_the_deadline_is_in_the_firms_zone_whatever_the_visitors():
    slack = make_endpoint(format="slack", events=["call.requested"])
    monday_utc = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)  # 08:00 in Denver
    call_request_submit(
        lead=make_lead(first_name="Ana", segment="Job focused"),
        choice=a_choice(time_zone="Asia/Tokyo"),
        now=monday_utc,
    )
    assert "Call back by: Mon 30 Nov 2026, 10:00 MST (America/Denver)" in body_of(slack)["text"]


def test_an_updated_request_is_a_second_message_saying_so():
    slack = make_endpoint(format="slack", events=["call.requested"])
    _, lead = ask()
    ask(lead)
    first, second = Delivery.objects.filter(endpoint=slack).order_by("pk")
    assert first.payload["text"].startswith("*New call request: Ana*")
    assert second.payload["text"].startswith("*Call request updated: Ana*")
    assert first.webhook_id != second.webhook_id


def test_a_name_cannot_ping_the_channel_add_a_link_or_forge_a_line():
    slack = make_endpoint(format="slack", events=["call.requested"])
    teams = make_endpoint(format="teams", events=["call.requested"])
    name = "<!channel> [Ana](https://evil.example)\nCall back by: never & ever"
    ask(make_lead(first_name=name, segment="Career focused"))

    text = body_of(slack)["text"]
    assert "<!channel>" not in text and "[" not in text and "&lt;" not in text
    assert text.splitlines()[0] == (
        "*New call request: !channel Ana(https://evil.example) Call back by: never &amp; ever*"
    )
    assert len(text.splitlines()) == 5  # title, three facts, the link: nothing forged
    # The only <...> left is the admin link itself.
    assert re.findall(r"<[^>]*>", text) == [text.splitlines()[-1]]
    title = body_of(teams)["attachments"][0]["content"]["body"][0]["text"]
    assert "[" not in title and "<" not in title and "\n" not in title


def test_a_chat_endpoint_gets_no_other_event_even_if_it_lists_them():
    slack = make_endpoint(format="slack")  # the factory subscribes to every event
    lead = capture()  # lead.created, lead.updated
    assert not Delivery.objects.filter(endpoint=slack).exists()
    ask(lead)
    assert Delivery.objects.filter(endpoint=slack).get().event_type == "call.requested"


def test_a_chat_message_goes_unsigned_and_a_crm_delivery_signed():
    slack = make_endpoint(format="slack", events=["call.requested"])
    crm = make_endpoint(events=["call.requested"])
    ask()
    now = datetime.now(UTC)
    body, headers = delivery_request(Delivery.objects.get(endpoint=slack), now=now)
    assert json.loads(body) == body_of(slack)
    assert headers["Content-Type"] == "application/json"
    assert not any(name.startswith("webhook-") for name in headers)
    _, signed = delivery_request(Delivery.objects.get(endpoint=crm), now=now)
    assert signed["webhook-signature"].startswith("v1,")


def test_erasing_the_lead_empties_the_chat_message_too():
    slack = make_endpoint(format="slack", events=["call.requested"])
    _, lead = ask()
    lead_erase(lead=lead)
    delivery = Delivery.objects.get(endpoint=slack)
    assert delivery.payload == {} and delivery.status == "cancelled"


@pytest.mark.usefixtures("dns")
def test_staff_add_a_slack_endpoint_for_call_requests_in_the_admin(admin_client):
    response = admin_client.post(ADD, chat_form(), follow=True)
    assert response.status_code == 200
    endpoint = Endpoint.objects.get()
    assert endpoint.format == "slack" and endpoint.is_chat
    assert "signing secret" not in response.content.decode()  # nothing to copy for Slack


@pytest.mark.usefixtures("dns")
def test_a_chat_endpoint_for_events_with_personal_data_is_refused(admin_client):
    form = chat_form(format="teams", events=["call.requested", "lead.created"])
    response = admin_client.post(ADD, form)
    assert response.status_code == 200
    assert "can receive call.requested only" in response.content.decode()
    assert not Endpoint.objects.exists()


@pytest.mark.usefixtures("dns")
def test_a_chat_url_gets_the_same_address_guard(admin_client):
    response = admin_client.post(ADD, chat_form(url="http://10.1.2.3/hook"))
    assert "a private address" in response.content.decode()
    assert not Endpoint.objects.exists()


@pytest.mark.usefixtures("dns")
def test_what_an_endpoint_sends_cannot_change_once_it_exists(admin_client):
    slack = make_endpoint(
        format="slack", events=["call.requested"], url="https://crm.example.com/x"
    )
    change = f"/admin/crm_webhooks/endpoint/{slack.pk}/change/"
    page = admin_client.get(change).content.decode()
    assert 'name="format"' not in page and "Slack message" in page
    # A forged field is ignored, and the chat rules still hold.
    posted = chat_form(url=slack.url, format="standard", events=["call.requested", "lead.created"])
    response = admin_client.post(change, posted)
    assert "can receive call.requested only" in response.content.decode()
    response = admin_client.post(change, chat_form(url=slack.url, format="standard"))
    assert response.status_code == 302
    slack.refresh_from_db()
    assert slack.format == "slack"
