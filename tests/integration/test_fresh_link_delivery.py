"""Fresh download links go through a real worker, so the form's answer takes the same path
whether or not the address took the quiz; with the broker down, the visitor still gets one."""

import re

import pytest
from django.test import Client

from devtools import redis_server
from leads.models import OutboundEmail
from tests.assessment.walk import DETAILS, answer_all, details_url
from tests.factories import make_quiz, make_whitepaper
from tests.integration.conftest import running_worker, use_broker
from tests.integration.test_outbox_delivery import wait_until

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(90),
]


@pytest.fixture
def quiz():
    return make_quiz(questions=2, whitepaper=make_whitepaper(slug="dont-blow-it"))


def _take_quiz(quiz) -> None:
    client = Client()
    answer_all(client, quiz)
    assert client.post(details_url(quiz), DETAILS).status_code == 302


def _fresh_links():
    return OutboundEmail.objects.filter(kind=OutboundEmail.Kind.FRESH_LINK)


def test_the_request_only_queues_the_lookup_and_a_worker_sends_the_link(broker, smtp_server, quiz):
    _take_quiz(quiz)
    for address in ("sam@example.com", "kim@example.com"):
        response = Client().post(f"/assessment/{quiz.slug}/new-link/", {"email": address})
        assert response.status_code == 200 and "Check your email" in response.content.decode()
    # Nothing was looked up or written while the visitor waited: both answers took the
    # same path, so their timing can't tell a known address from a stranger's.
    assert not _fresh_links().exists()

    with running_worker():
        assert wait_until(lambda: _fresh_links().filter(status="sent").exists())
        row = _fresh_links().get()
        assert wait_until(
            lambda: any(m["Message-ID"] == row.message_id for m in smtp_server.messages)
        )
    [link_email] = [m for m in smtp_server.messages if m["Message-ID"] == row.message_id]
    assert link_email["To"] == "sam@example.com"
    assert not [m for m in smtp_server.messages if m["To"] == "kim@example.com"]
    path = re.search(
        r"https://careers\.example\.com(/assessment/[^/]+/download/[^/\s]+/)",
        link_email.get_body(("plain",)).get_content(),
    )[1]
    assert Client().get(path).status_code == 200
    assert _fresh_links().count() == 1


def test_with_the_broker_down_the_link_is_still_sent(quiz, settings):
    _take_quiz(quiz)  # eager Celery here, so the result email is already recorded
    own_redis = redis_server.start()
    use_broker(own_redis.url)
    own_redis.stop()
    try:
        response = Client().post(f"/assessment/{quiz.slug}/new-link/", {"email": "sam@example.com"})
    finally:
        use_broker("memory://")
    assert response.status_code == 200 and "Check your email" in response.content.decode()
    email = _fresh_links().get()
    assert email.to_email == "sam@example.com"
    assert email.status == OutboundEmail.Status.QUEUED  # the sweeper sends it later
