"""The whole submit path against real parts: the form is sent, a real Celery worker takes
the outbox rows from a real Redis, and an SMTP server on loopback receives the emails."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import close_old_connections
from django.test import Client

from assessment.models import Download, Submission
from leads.models import OutboundEmail
from tests.assessment.walk import DETAILS, answer_all, details_url, result_url
from tests.factories import make_quiz, make_whitepaper
from tests.integration.conftest import running_worker

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(90),
]


def test_the_result_email_arrives_with_both_parts_a_working_link_and_unsubscribe(
    broker, smtp_server
):
    quiz = make_quiz(questions=4, title="Career or job?", whitepaper=make_whitepaper())
    client = Client()
    answer_all(client, quiz)
    with running_worker():
        response = client.post(details_url(quiz), DETAILS | {"follow_up_consent": "on"})
        assert response.status_code == 302 and response["Location"] == result_url(quiz)
        messages = smtp_server.wait_for(2)
    assert len(messages) == 2
    result = next(m for m in messages if m["To"] == "sam@example.com")
    notice = next(m for m in messages if m["To"] == "recruiting@example.com")
    assert "New lead: Sam" in notice["Subject"]

    assert result["Subject"].startswith("Your result: Between the two")
    assert result["List-Unsubscribe"].startswith("<https://careers.example.com/email/unsubscribe/")
    assert result["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = result.get_body(("plain",)).get_content()
    html = result.get_body(("html",)).get_content()
    for part in (text, html):
        assert "Between the two" in part and "Yes, send me the career emails" in part
    link = re.search(r"https://careers\.example\.com(/assessment/[^/]+/download/[^/\s\"]+/)", text)
    assert link and link[1] in html

    download = Client().get(link[1])  # another browser: the email's link is enough
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert Download.objects.count() == 1

    report = re.search(r"https://careers\.example\.com(/assessment/[^/]+/report/[^/\s\"]+/)", text)
    assert report and report[1] in html
    pdf = b"".join(Client().get(report[1]).streaming_content)
    assert pdf.startswith(b"%PDF") and Download.objects.count() == 1


def test_visitors_sending_the_form_at_the_same_moment_all_get_their_result(broker):
    """SQLite included: writers queue for the lock instead of failing with a 500."""
    quiz = make_quiz(questions=4, whitepaper=make_whitepaper())
    visitors = []
    for n in range(8):
        client = Client()
        answer_all(client, quiz)
        visitors.append((n, client))
    start = threading.Barrier(len(visitors))

    def send(n: int, client: Client) -> tuple[int, str]:
        start.wait(timeout=10)
        try:
            response = client.post(details_url(quiz), DETAILS | {"email": f"v{n}@example.com"})
            return response.status_code, response.get("Location", "")
        finally:
            close_old_connections()

    with ThreadPoolExecutor(max_workers=len(visitors)) as pool:
        outcomes = list(pool.map(lambda pair: send(*pair), visitors))
    assert outcomes == [(302, result_url(quiz))] * len(visitors)
    assert Submission.objects.count() == len(visitors)
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.RESULT).count() == len(visitors)
