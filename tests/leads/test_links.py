"""Signed unsubscribe and confirmation links."""

from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from leads.models import OutboundEmail
from leads.tokens import CONFIRM_SALT, confirm_token, confirm_url, unsubscribe_url
from tests.leads.factories import enqueue, make_lead, make_reachable_lead

pytestmark = pytest.mark.django_db


def path_of(url: str) -> str:
    return url.removeprefix("https://careers.example.com")


def test_unsubscribe_get_asks_and_changes_nothing(client):
    lead = make_reachable_lead(email="ana@example.com")
    response = client.get(path_of(unsubscribe_url(lead.pk)))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "ana@example.com" in html
    assert '<button type="submit"' in html
    lead.refresh_from_db()
    assert lead.unsubscribed_at is None


def test_one_click_post_unsubscribes_without_session_or_csrf_and_twice_is_fine():
    from django.test import Client

    lead = make_reachable_lead()
    follow_up = enqueue(
        lead,
        kind="follow_up",
        dedupe_key="follow-up-1",
        send_at=timezone.now() + timedelta(days=1),
    )
    client = Client(enforce_csrf_checks=True)
    url = path_of(unsubscribe_url(lead.pk))
    for _ in range(2):
        response = client.post(url, {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
        assert "You are unsubscribed" in response.content.decode()
    lead.refresh_from_db()
    assert lead.unsubscribed_at is not None
    follow_up.refresh_from_db()
    assert follow_up.status == OutboundEmail.Status.CANCELLED


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-2] + "xx",
        lambda token: token[: len(token) // 2],
        lambda token: signing.dumps(1, salt="something-else"),
        lambda token: "%3Cscript%3Ealert(1)%3C",
        lambda token: "%00%0d%0a",
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_gets_a_friendly_400(client, mangle, method):
    lead = make_lead()
    token = unsubscribe_url(lead.pk).rstrip("/").rsplit("/", 1)[-1]
    response = getattr(client, method)(f"/email/unsubscribe/{mangle(token)}/")
    assert response.status_code == 400
    assert "This link doesn&rsquo;t work" in response.content.decode()
    lead.refresh_from_db()
    assert lead.unsubscribed_at is None


def test_a_link_for_a_deleted_lead_gets_the_friendly_page(client):
    lead = make_lead()
    url = path_of(unsubscribe_url(lead.pk))
    lead.delete()
    assert client.get(url).status_code == 400


def test_unsubscribe_token_cannot_confirm(client):
    lead = make_lead(consented=True)
    token = unsubscribe_url(lead.pk).rstrip("/").rsplit("/", 1)[-1]
    assert client.post(f"/email/confirm/{token}/").status_code == 400


def test_confirm_get_shows_a_button_and_post_confirms(client):
    lead = make_lead(consented=True)
    url = path_of(confirm_url(lead.pk))
    response = client.get(url)
    assert response.status_code == 200
    assert "Yes, send me the follow-ups" in response.content.decode()
    assert 'class="btn btn-brand btn-lg">Yes, send me' in response.content.decode()  # the brand
    lead.refresh_from_db()
    assert lead.confirmed_at is None
    response = client.post(url)
    assert response.status_code == 200
    lead.refresh_from_db()
    first = lead.confirmed_at
    assert first is not None
    client.post(url)
    lead.refresh_from_db()
    assert lead.confirmed_at == first


def test_an_old_confirm_link_has_expired(client):
    lead = make_lead(consented=True)
    old = timezone.now() - timedelta(days=31)
    signer = signing.TimestampSigner(salt=CONFIRM_SALT)
    signer.timestamp = lambda: signing.b62_encode(int(old.timestamp()))
    token = signer.sign_object(lead.pk)
    assert token != confirm_token(lead.pk)
    assert client.post(f"/email/confirm/{token}/").status_code == 400
    lead.refresh_from_db()
    assert lead.confirmed_at is None


def test_link_pages_are_never_cached(client):
    lead = make_lead()
    for url in (unsubscribe_url(lead.pk), confirm_url(lead.pk)):
        response = client.get(path_of(url))
        assert "no-store" in response["Cache-Control"]
