"""The deliverability panel: what staff need to keep the firm's mail out of spam folders."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from leads.models import MailEvent, OutboundEmail, Suppression
from tests.leads.factories import make_lead

pytestmark = pytest.mark.django_db

DASHBOARD = "/admin/insights/"


def _sent(count: int, *, days_ago: int = 1) -> None:
    lead = make_lead()
    moment = timezone.now() - timedelta(days=days_ago)
    OutboundEmail.objects.bulk_create(
        OutboundEmail(
            lead=lead,
            kind="follow_up",
            dedupe_key=f"d{days_ago}-{n}",
            subject="Tip",
            html_body="",
            text_body="",
            to_email=lead.email,
            from_email="careers@example.com",
            status="sent",
            sent_at=moment,
        )
        for n in range(count)
    )


def _events(event_type: str, count: int, *, days_ago: int = 1) -> None:
    MailEvent.objects.bulk_create(
        MailEvent(
            provider="postmark",
            event_key=f"{event_type}-{days_ago}-{n}",
            event_type=event_type,
            address=f"reader{n}@example.com",
        )
        for n in range(count)
    )
    moment = timezone.now() - timedelta(days=days_ago)
    MailEvent.objects.filter(event_type=event_type, event_key__contains=f"-{days_ago}-").update(
        received_at=moment
    )


def _panel(admin_client) -> dict[str, list[str]]:
    body = admin_client.get(f"{DASHBOARD}?csv=deliverability").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["Figure", "Count", "Share"]
    return {row[0]: row[1:] for row in rows[1:]}


def test_the_figures_over_the_period_and_nothing_older(admin_client):
    _sent(1000)
    _sent(500, days_ago=45)  # outside the 30 days shown
    _events("delivered", 980)
    _events("bounced", 12)
    _events("complained", 1)
    _events("complained", 9, days_ago=45)
    Suppression.objects.create(
        address="gone@example.com", reason="no_such_mailbox", suppressed_at=timezone.now()
    )
    Suppression.objects.create(
        address="spam@example.com", reason="complaint", suppressed_at=timezone.now()
    )
    assert _panel(admin_client) == {
        "Sent": ["1000", "–"],
        "Delivered": ["980", "98.00%"],
        "Bounced": ["13", "1.30%"],  # 12 from the provider and our own server's one
        "Marked as spam": ["1", "0.10%"],
        "Addresses suppressed": ["2", "–"],
    }


@pytest.mark.parametrize(
    ("complaints", "alert"),
    [
        (0, ""),
        (1, ""),  # 0.05%: fine
        (3, "Spam complaints are at 0.15%, above 0.1%"),
        (6, "Spam complaints are at 0.30%, at or above 0.3%: Gmail and Yahoo may refuse"),
    ],
)
def test_the_complaint_rate_is_set_against_gmails_lines(admin_client, complaints, alert):
    _sent(2000)
    _events("delivered", 2000)
    _events("complained", complaints)
    page = admin_client.get(DASHBOARD).content.decode()
    section = page.split('id="deliverability-heading"')[1].split("</section>")[0]
    assert "against the 0.1% to stay under and the 0.3% never to reach" in section
    if alert:
        assert 'class="errornote" role="status"' in section and alert in section
    else:
        assert "errornote" not in section


def test_without_delivery_reports_the_rate_is_of_what_was_sent(admin_client):
    """Plain SMTP: no "delivered" events, so complaints are counted against sent mail."""
    _sent(1000)
    _events("complained", 2)
    panel = _panel(admin_client)
    assert panel["Marked as spam"] == ["2", "0.20%"]
    page = admin_client.get(DASHBOARD).content.decode()
    assert "Complaint rate: 0.20% of sent mail" in page
    assert "Spam complaints are at 0.20%, above 0.1%" in page


def test_an_empty_period_shows_dashes_not_errors(admin_client):
    panel = _panel(admin_client)
    assert panel["Sent"] == ["0", "–"] and panel["Marked as spam"] == ["0", "–"]
