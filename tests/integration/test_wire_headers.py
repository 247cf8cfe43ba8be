"""The headers we set, read from the raw bytes an SMTP server on loopback received.

Gmail reads the raw header: an RFC 2047 encoded-word in List-Unsubscribe means no
one-click unsubscribe button, even though a parsed message looks right.
"""

import pytest
from django.contrib.auth import get_user_model

from leads.models import OutboundEmail
from leads.services import email_deliver, follow_ups_schedule, lead_notify_team
from leads.tokens import unsubscribe_url
from tests.leads.factories import enqueue, make_lead, make_reachable_lead, make_step
from tests.wire import assert_plain, raw_headers

pytestmark = [pytest.mark.integration, pytest.mark.django_db, pytest.mark.timeout(60)]

# Long enough that the unsubscribe URL can't fit on a 78-character line.
LONG_SITE = "https://careers.solar-talent-partners-recruiting.example.com"


@pytest.fixture
def long_site(settings):
    settings.SITE_URL = LONG_SITE
    settings.FIRM_NAME = "Solar Talent Partners"
    settings.RESULT_FROM_EMAIL = "careers@example.com"
    settings.FOLLOWUP_FROM_EMAIL = "news@example.com"
    settings.RECRUITING_TEAM_EMAIL = "team@example.com"


def _send(email: OutboundEmail, smtp_server) -> dict[str, list[str]]:
    email_deliver(email_id=email.pk)
    assert OutboundEmail.objects.get(pk=email.pk).status == OutboundEmail.Status.SENT
    return raw_headers(smtp_server.raw[-1])


def test_result_email_unsubscribe_headers_are_plain_ascii_lines(long_site, smtp_server):
    lead = make_lead(email="ana@example.com")
    headers = _send(enqueue(lead), smtp_server)
    url = unsubscribe_url(lead.pk)
    assert len(f"List-Unsubscribe: <{url}>") > 78  # the case that used to be encoded
    assert headers["list-unsubscribe"] == [f"List-Unsubscribe: <{url}>"]
    assert headers["list-unsubscribe-post"] == ["List-Unsubscribe-Post: List-Unsubscribe=One-Click"]
    assert headers["from"] == ["From: Solar Talent Partners <careers@example.com>"]
    for name in ("list-unsubscribe", "list-unsubscribe-post", "message-id", "from", "to"):
        assert_plain(headers[name])
    assert "auto-submitted" not in headers  # the visitor asked for it: a person's mail
    assert smtp_server.mail_from == ["careers@example.com"]  # no envelope sender set


def test_follow_up_carries_list_id_feedback_id_and_reply_to_the_recruiter(long_site, smtp_server):
    recruiter = get_user_model().objects.create_user("rita", email="rita@example.com")
    lead = make_reachable_lead(email="ben@example.com", owner=recruiter)
    step = make_step(delay_days=0)
    [email] = follow_ups_schedule(lead=lead)
    headers = _send(email, smtp_server)
    assert headers["list-id"] == [
        "List-Id: Solar Talent Partners career follow-ups",
        " <follow-ups.careers.solar-talent-partners-recruiting.example.com>",
    ]
    assert headers["feedback-id"] == [
        f"Feedback-ID: follow-up-{step.pk}:follow_up:"
        "careers.solar-talent-partners-recruiting.example.com"
    ]
    assert headers["reply-to"] == ["Reply-To: rita@example.com"]
    assert headers["from"] == ["From: Solar Talent Partners <news@example.com>"]
    for lines in headers.values():
        assert_plain(lines)


def test_follow_up_without_an_owner_replies_to_the_team(long_site, smtp_server):
    make_step(delay_days=0)
    [email] = follow_ups_schedule(lead=make_reachable_lead())
    headers = _send(email, smtp_server)
    assert headers["reply-to"] == ["Reply-To: team@example.com"]


def test_team_notification_is_auto_submitted_and_replies_reach_the_lead(long_site, smtp_server):
    lead = make_lead(email="cara@example.com")
    headers = _send(lead_notify_team(lead=lead), smtp_server)
    assert headers["auto-submitted"] == ["Auto-Submitted: auto-generated"]
    assert headers["reply-to"] == ["Reply-To: cara@example.com"]
    assert "list-unsubscribe" not in headers
    assert "feedback-id" not in headers  # not bulk mail


def test_bounces_go_to_the_envelope_sender_while_from_stays(long_site, smtp_server, settings):
    settings.EMAIL_ENVELOPE_FROM = "bounces@mail.example.com"
    settings.EMAIL_FROM_NAME = "STP Careers"
    headers = _send(enqueue(make_lead()), smtp_server)
    assert smtp_server.mail_from == ["bounces@mail.example.com"]
    assert headers["from"] == ["From: STP Careers <careers@example.com>"]


def test_a_sender_that_already_has_a_name_keeps_it(long_site, smtp_server, settings):
    settings.RESULT_FROM_EMAIL = "Rita at STP <rita@example.com>"
    headers = _send(enqueue(make_lead()), smtp_server)
    assert headers["from"] == ["From: Rita at STP <rita@example.com>"]
    assert smtp_server.mail_from == ["rita@example.com"]
