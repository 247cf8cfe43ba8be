"""A real SMTP server answering 550 5.1.1: the address is suppressed, and nothing follows."""

import pytest

from leads.models import OutboundEmail, Suppression
from leads.services import email_deliver
from tests.leads.factories import enqueue, make_lead

pytestmark = [pytest.mark.integration, pytest.mark.django_db, pytest.mark.timeout(60)]


def test_550_no_such_user_suppresses_and_stops_later_mail(smtp_server):
    smtp_server.refuse_recipients = True  # "550 5.1.1 No such user here"
    lead = make_lead(email="Gone@Example.com")
    email = enqueue(lead)
    email_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    row = Suppression.objects.active().for_address("gone@example.com").get()
    assert row.reason == Suppression.Reason.NO_SUCH_MAILBOX
    assert "5.1.1" in row.detail
    smtp_server.refuse_recipients = False
    later = enqueue(lead, dedupe_key="fresh-link", kind="fresh_link")
    assert later.status == OutboundEmail.Status.CANCELLED
    assert smtp_server.messages == []
