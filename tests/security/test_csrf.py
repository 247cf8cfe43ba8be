"""CSRF is enforced on every form, except what mail providers POST: the one-click unsubscribe
and the mail-event webhooks, which a shared secret guards instead."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from leads.tokens import confirm_url, unsubscribe_url
from tests.leads.factories import make_reachable_lead

pytestmark = pytest.mark.django_db

SLUG = "career-or-job-focused"


def all_views(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from all_views(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}", pattern.callback


def test_only_the_one_click_unsubscribe_and_the_guarded_mail_webhooks_skip_csrf(client, settings):
    exempt = {name for name, view in all_views() if getattr(view, "csrf_exempt", False)}
    webhooks = {name for name in exempt if name.startswith("anymail:")}
    assert exempt - webhooks == {"leads:unsubscribe"}
    assert webhooks and all(name.endswith("_tracking_webhook") for name in webhooks)
    # Each one refuses a post without the provider's credentials, whatever it carries.
    settings.ANYMAIL = settings.ANYMAIL | {"WEBHOOK_SECRET": "user:a-long-webhook-secret"}
    for name in sorted(webhooks):
        response = client.post(reverse(name), b"{}", content_type="application/json")
        assert response.status_code in {400, 401, 403, 503}, (name, response.status_code)


@pytest.fixture
def content():
    call_command("load_initial_content", stdout=StringIO())


def path(url: str) -> str:
    return url.removeprefix("https://careers.example.com")


def test_forms_sent_without_the_token_are_refused_kindly(content):
    lead = make_reachable_lead()
    browser = Client(enforce_csrf_checks=True)
    for form in [
        f"/assessment/{SLUG}/",
        f"/assessment/{SLUG}/q/1/",
        f"/assessment/{SLUG}/details/",
        f"/assessment/{SLUG}/new-link/",
        path(confirm_url(lead.pk)),
        "/admin/login/",
    ]:
        response = browser.post(form, {"email": "ana@example.com"})
        assert response.status_code == 403, form
        assert "Please try that again" in response.content.decode(), form


def test_one_click_unsubscribe_works_with_no_cookie_or_token():
    lead = make_reachable_lead()
    response = Client(enforce_csrf_checks=True).post(
        path(unsubscribe_url(lead.pk)), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    lead.refresh_from_db()
    assert lead.unsubscribed_at is not None
