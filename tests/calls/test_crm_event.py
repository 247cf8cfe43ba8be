"""A call request reaches the firm's CRM as call.requested, in the docs' schema."""

from datetime import datetime

import pytest

from calls.services import call_request_submit
from crm_webhooks.models import Delivery
from tests.calls.factories import a_choice, make_recruiter
from tests.crm_webhooks.factories import make_endpoint
from tests.crm_webhooks.test_events import assert_valid
from tests.leads.factories import make_lead

pytestmark = pytest.mark.django_db


def test_each_request_and_each_update_is_one_call_requested_event():
    make_endpoint(events=["call.requested"])
    jo = make_recruiter("jo")
    lead = make_lead(email="ana@example.com")
    first = call_request_submit(lead=lead, choice=a_choice(message="Mornings are best."))
    [delivery] = Delivery.objects.filter(event_type="call.requested")
    payload = delivery.payload
    assert_valid(payload)
    call = payload["data"]["call_request"]
    assert payload["data"]["lead"] == {"id": lead.pk, "email": "ana@example.com"}
    assert call["id"] == first.pk and call["message"] == "Mornings are best."
    assert call["phone"] == "+13035550123" and call["recruiter_email"] == jo.email
    assert [datetime.fromisoformat(t["starts_at"]) for t in call["preferred_times"]] == [
        first.first_choice
    ]

    second = call_request_submit(lead=lead, choice=a_choice(message="Evenings now."))
    assert second.pk == first.pk  # the open request was updated, not doubled
    rows = list(Delivery.objects.filter(event_type="call.requested").order_by("pk"))
    assert len(rows) == 2 and rows[0].webhook_id != rows[1].webhook_id
    assert rows[1].payload["data"]["call_request"]["message"] == "Evenings now."
    assert_valid(rows[1].payload)


def test_no_endpoint_means_no_delivery_and_the_request_still_goes():
    make_recruiter("jo")
    call_request_submit(lead=make_lead(), choice=a_choice())
    assert not Delivery.objects.exists()
