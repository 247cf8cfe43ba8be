"""Staff set up endpoints in the admin: bad addresses get a clear form error and no row, the
secret is shown once, and the delivery log shows codes, times and errors, with a resend."""

import re

import pytest
from django.utils import timezone

from crm_webhooks.models import Delivery, Endpoint, new_secret
from tests.crm_webhooks.factories import make_endpoint

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("dns")]

ADD = "/admin/crm_webhooks/endpoint/add/"


def form(**fields) -> dict:
    return {
        "name": "Bullhorn",
        "url": "https://crm.example.com/hooks",
        "format": "standard",
        "events": ["lead.created", "submission.completed"],
        "new_secret": "",
        "is_active": "on",
    } | fields


def errors(response) -> str:
    html = response.content.decode()
    return " ".join(re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S))


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:8000/hook", "loopback"),
        ("http://10.1.2.3/hook", "private"),
        ("http://169.254.169.254/latest/", "link-local"),
        ("http://[::1]/hook", "loopback"),
        ("https://rebind.example.com/hook", "resolves to 10.0.0.8"),
        ("https://nowhere.example.com/hook", "could not be resolved"),
        ("ftp://crm.example.com/hook", "Use an http:// or https:// address"),
        ("gopher://crm.example.com/hook", "Enter a valid URL"),  # the URL field's own check
    ],
)
def test_an_unsafe_url_is_a_form_error_and_saves_nothing(admin_client, url, message):
    response = admin_client.post(ADD, form(url=url))
    assert response.status_code == 200
    assert message in errors(response)
    assert not Endpoint.objects.exists()


def test_a_generated_secret_is_shown_once(admin_client):
    response = admin_client.post(ADD, form(), follow=True)
    endpoint = Endpoint.objects.get()
    assert endpoint.secret.startswith("whsec_")
    html = response.content.decode()
    assert endpoint.secret in html and "not shown again" in html
    page = admin_client.get(f"/admin/crm_webhooks/endpoint/{endpoint.pk}/change/")
    assert endpoint.secret not in page.content.decode()
    assert endpoint.events == ["lead.created", "submission.completed"]


def test_a_pasted_secret_is_checked_and_kept(admin_client):
    for bad, message in [
        ("secret123", "starts with whsec_"),
        ("whsec_not base64!", "base64"),
        ("whsec_c2hvcnQ=", "24 to 64 bytes"),
    ]:
        response = admin_client.post(ADD, form(new_secret=bad))
        assert message in errors(response)
    assert not Endpoint.objects.exists()
    secret = new_secret()
    admin_client.post(ADD, form(new_secret=secret))
    endpoint = Endpoint.objects.get()
    assert endpoint.secret == secret
    # Editing without a new secret keeps it.
    change = f"/admin/crm_webhooks/endpoint/{endpoint.pk}/change/"
    assert admin_client.post(change, form(name="Renamed")).status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.name, endpoint.secret) == ("Renamed", secret)


def test_no_events_ticked_is_an_error(admin_client):
    response = admin_client.post(ADD, form(events=[]))
    assert "This field is required" in errors(response)


def test_switching_a_disabled_endpoint_on_again_clears_its_record(admin_client):
    endpoint = make_endpoint(
        url="https://crm.example.com/hooks",
        events=["lead.created"],
        is_active=False,
        disabled_at=timezone.now(),
        disabled_reason="The receiver answered 410 Gone (unsubscribed).",
        failing_since=timezone.now(),
    )
    listing = admin_client.get("/admin/crm_webhooks/endpoint/").content.decode()
    assert "410 Gone" in listing
    change = f"/admin/crm_webhooks/endpoint/{endpoint.pk}/change/"
    admin_client.post(change, form(events=["lead.created"]))
    endpoint.refresh_from_db()
    assert endpoint.is_active
    assert endpoint.disabled_at is None and endpoint.failing_since is None


def test_the_delivery_log_shows_codes_times_and_errors_and_resends(
    admin_client, django_capture_on_commit_callbacks
):
    endpoint = make_endpoint(url="https://crm.example.com/hooks")
    failed = Delivery.objects.create(
        endpoint=endpoint,
        event_type="lead.created",
        event_key="lead.created:1",
        webhook_id="msg_1",
        payload={"type": "lead.created", "timestamp": "2026-11-27T08:00:00Z", "data": {}},
        status=Delivery.Status.FAILED,
        attempts=10,
        response_status=503,
        response_ms=8123,
        last_error="HTTP 503: maintenance",
    )
    log = admin_client.get(
        f"/admin/crm_webhooks/delivery/?endpoint__id__exact={endpoint.pk}"
    ).content.decode()
    for shown in ("503", "8123", "HTTP 503: maintenance", "Failed"):
        assert shown in log
    page = admin_client.get(f"/admin/crm_webhooks/endpoint/{endpoint.pk}/change/")
    assert "8123 ms" in page.content.decode()
    with django_capture_on_commit_callbacks() as handed_on:
        response = admin_client.post(
            "/admin/crm_webhooks/delivery/",
            {"action": "resend", "_selected_action": [failed.pk]},
            follow=True,
        )
    assert "Queued 1 delivery(ies) again." in response.content.decode()
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.webhook_id) == ("queued", 0, "msg_1")
    assert len(handed_on) == 1
