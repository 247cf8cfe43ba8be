"""Events become deliveries: one row per subscribed endpoint, written with the change that
made it, handed on only after commit, never twice for the same event; and the payloads
match docs/webhooks.schema.json and carry no more personal data than a CRM needs."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from jsonschema import Draft202012Validator, FormatChecker

from crm_webhooks.events import EVENT_NAMES
from crm_webhooks.models import Delivery
from crm_webhooks.services import queue_event
from leads.models import Lead
from leads.services import (
    lead_capture,
    lead_confirm,
    lead_erase,
    lead_unsubscribe,
    leads_assign,
    leads_set_status,
)
from tests.assessment.walk import DETAILS, answer_all, details_url
from tests.crm_webhooks.factories import make_endpoint
from tests.factories import make_quiz, make_whitepaper

pytestmark = pytest.mark.django_db

SCHEMA = json.loads((Path(settings.BASE_DIR) / "docs" / "webhooks.schema.json").read_text())
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=FormatChecker())


def assert_valid(payload) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(payload)]
    assert not errors, errors


def capture(**fields) -> Lead:
    arguments = {
        "email": "ana@example.com",
        "first_name": "Ana",
        "current_role": "Site lead",
        "consent_follow_ups": True,
        "consent_text": "Send me follow-ups.",
        "ip_address": "203.0.113.9",
        "source": {"utm_source": "newsletter", "referrer": "https://mail.example.com/x"},
    }
    return lead_capture(**(arguments | fields))


def deliveries(event_type: str) -> list[Delivery]:
    return list(Delivery.objects.filter(event_type=event_type).order_by("pk"))


def test_the_schema_is_itself_valid_and_names_every_event():
    Draft202012Validator.check_schema(SCHEMA)
    assert set(SCHEMA["properties"]["type"]["enum"]) == EVENT_NAMES


def test_one_delivery_per_active_endpoint_that_subscribed():
    crm = make_endpoint(name="CRM", events=["lead.created"])
    zapier = make_endpoint(name="Zapier", events=["lead.created", "lead.erased"])
    make_endpoint(name="Off", events=["lead.created"], is_active=False)
    make_endpoint(name="Other events", events=["lead.erased"])
    rows = queue_event("lead.created", {"lead": {"id": 1}}, key="lead.created:1")
    assert sorted(row.endpoint.name for row in rows) == ["CRM", "Zapier"]
    assert {row.endpoint_id for row in Delivery.objects.all()} == {crm.pk, zapier.pk}


def test_the_same_event_queued_twice_is_one_row_per_endpoint_with_one_webhook_id(
    django_capture_on_commit_callbacks,
):
    make_endpoint(name="A")
    make_endpoint(name="B")
    with django_capture_on_commit_callbacks() as handed_on:
        first = queue_event("lead.created", {"lead": {"id": 7}}, key="lead.created:7")
        again = queue_event("lead.created", {"lead": {"id": 7}}, key="lead.created:7")
    assert [d.pk for d in first] == [d.pk for d in again]
    assert Delivery.objects.count() == 2
    assert len(handed_on) == 2  # the repeat is not handed to a worker again
    assert len({d.webhook_id for d in Delivery.objects.all()}) == 1  # the same event id
    other = queue_event("lead.created", {"lead": {"id": 8}}, key="lead.created:8")
    assert other[0].webhook_id != first[0].webhook_id


def test_nothing_is_kept_or_handed_on_when_the_change_is_rolled_back(
    django_capture_on_commit_callbacks,
):
    make_endpoint()
    with (
        django_capture_on_commit_callbacks() as handed_on,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        capture()
        raise RuntimeError("the rest of the submission failed")
    assert not Lead.objects.exists()
    assert not Delivery.objects.exists()
    assert handed_on == []


def test_unknown_events_and_bad_keys_are_refused():
    with pytest.raises(ValueError, match="Unknown webhook event"):
        queue_event("lead.deleted", {}, key="x")
    with pytest.raises(ValueError, match="Event key"):
        queue_event("lead.created", {}, key="")
    with pytest.raises(ValueError, match="Event key"):
        queue_event("lead.created", {}, key="k" * 201)


def test_no_endpoint_no_rows():
    assert queue_event("lead.created", {"lead": {"id": 1}}, key="lead.created:1") == []
    assert not Delivery.objects.exists()


def test_a_new_lead_then_a_returning_visitor_send_created_then_updated():
    make_endpoint()
    lead = capture()
    [created] = deliveries("lead.created")
    assert_valid(created.payload)
    data = created.payload["data"]["lead"]
    assert data["id"] == lead.pk and data["email"] == "ana@example.com"
    assert data["source"]["utm_source"] == "newsletter"
    assert data["admin_url"].endswith(f"/admin/leads/lead/{lead.pk}/change/")
    # Only what a CRM import needs: no IP, consent wording or referrer.
    text = json.dumps(created.payload)
    for private in ("203.0.113.9", "Send me follow-ups", "mail.example.com"):
        assert private not in text
    capture(current_role="Project manager")
    [updated] = deliveries("lead.updated")
    assert_valid(updated.payload)
    assert updated.payload["data"]["lead"]["current_role"] == "Project manager"
    assert len(deliveries("lead.created")) == 1


def test_confirming_status_and_owner_changes_send_lead_updated(admin_user):
    make_endpoint()
    lead = capture()
    lead_confirm(lead=lead)
    leads_set_status(leads=Lead.objects.filter(pk=lead.pk), status="contacted")
    leads_assign(leads=Lead.objects.filter(pk=lead.pk), owner=admin_user)
    updates = [d.payload["data"]["lead"] for d in deliveries("lead.updated")]
    assert len(updates) == 3
    assert updates[0]["follow_ups"]["confirmed_at"] is not None
    assert updates[1]["status"] == "contacted"
    assert updates[2]["owner_email"] == admin_user.email
    for delivery in deliveries("lead.updated"):
        assert_valid(delivery.payload)


def test_a_staff_edit_in_the_admin_sends_lead_updated(admin_client):
    make_endpoint()
    lead = capture()
    form = {
        "first_name": "Ana",
        "current_role": "Site lead",
        "status": "qualified",
        "owner": "",
        "notes": "Strong fit.",
    }
    page = admin_client.get(f"/admin/leads/lead/{lead.pk}/change/").content.decode()
    # Every inline's management form, as the page has it (the lead has no rows in them).
    for name, value in re.findall(
        r'name="([\w-]+-(?:TOTAL|INITIAL)_FORMS)"[^>]*value="(\d+)"', page
    ):
        form[name] = value
    response = admin_client.post(f"/admin/leads/lead/{lead.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    [updated] = deliveries("lead.updated")
    assert updated.payload["data"]["lead"]["status"] == "qualified"
    assert "Strong fit" not in json.dumps(updated.payload)  # notes stay private


def test_unsubscribing_sends_lead_unsubscribed_once():
    make_endpoint()
    lead = capture()
    lead_unsubscribe(lead=lead)
    lead_unsubscribe(lead=lead)
    [row] = deliveries("lead.unsubscribed")
    assert_valid(row.payload)
    assert row.payload["data"]["lead"]["id"] == lead.pk


def test_erasing_sends_the_id_only_and_empties_what_had_not_gone():
    make_endpoint()
    lead = capture()
    lead_unsubscribe(lead=lead)
    lead_erase(lead=lead)
    lead_erase(lead=lead)  # twice: still one event
    [erased] = deliveries("lead.erased")
    assert_valid(erased.payload)
    assert erased.payload["data"] == {"lead": {"id": lead.pk}}
    for row in Delivery.objects.exclude(pk=erased.pk):
        assert row.payload == {}
        assert row.status == Delivery.Status.CANCELLED
    assert "ana@example.com" not in json.dumps(list(Delivery.objects.values("payload")))


def test_a_finished_quiz_sends_submission_completed(client):
    make_endpoint(events=["submission.completed"])
    quiz = make_quiz(questions=4, whitepaper=make_whitepaper())
    answer_all(client, quiz)
    assert client.post(details_url(quiz), DETAILS).status_code == 302
    client.post(details_url(quiz), DETAILS)  # a double submit: still one event
    [row] = deliveries("submission.completed")
    assert_valid(row.payload)
    data = row.payload["data"]
    lead = Lead.objects.get()
    assert data["lead"] == {"id": lead.pk, "email": DETAILS["email"]}
    assert data["submission"]["assessment"]["slug"] == quiz.slug
    assert data["submission"]["result"] == lead.segment
    assert "answers" not in data["submission"]


def test_the_examples_in_the_docs_match_the_schema():
    text = (Path(settings.BASE_DIR) / "docs" / "webhooks.md").read_text()
    blocks = [json.loads(block) for block in re.findall(r"```json\n(.*?)```", text, re.S)]
    examples = [block for block in blocks if set(block) != {"text"}]  # not Slack's message
    assert len(examples) == len(blocks) - 1
    assert {example["type"] for example in examples} >= {
        "lead.created",
        "call.requested",
        "call.scheduled",
    }
    for example in examples:
        assert_valid(example)


def test_the_schema_refuses_personal_data_in_lead_erased():
    payload = {
        "type": "lead.erased",
        "timestamp": "2026-11-27T15:00:00Z",
        "data": {"lead": {"id": 4, "email": "ana@example.com"}},
    }
    assert list(VALIDATOR.iter_errors(payload))
