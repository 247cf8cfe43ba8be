"""The suppression list: no mail of any kind to an address that bounced or complained."""

import contextlib
import smtplib
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError

from leads.addresses import suppression_key
from leads.mail_errors import TemporarySendError
from leads.models import OutboundEmail, Suppression
from leads.services import (
    email_deliver,
    follow_ups_schedule,
    lead_notify_team,
    suppression_add,
    suppression_lift,
)
from operations.staff_groups import staff_groups_load
from tests.leads.factories import enqueue, make_lead, make_reachable_lead, make_step

pytestmark = pytest.mark.django_db

SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"


def test_the_normalisation_rule():
    assert suppression_key(" Dana@Example.COM\t") == "dana@example.com"
    assert suppression_key("\uff24ana@example.com") == "dana@example.com"  # full-width D
    assert suppression_key("ﬁnn@example.com") == "finn@example.com"  # the "fi" ligature


def test_a_suppressed_address_gets_no_mail_of_any_kind(settings):
    settings.RECRUITING_TEAM_EMAIL = "team@example.com"
    lead = make_reachable_lead(email="dana@example.com")
    make_step(delay_days=0)
    suppression_add(address="DANA@example.com", reason="hard_bounce", source="test")
    result = enqueue(lead)  # the result email is transactional, and still not sent
    [follow_up] = follow_ups_schedule(lead=lead)
    for email in (result, follow_up):
        assert email.status == OutboundEmail.Status.CANCELLED
        assert email.last_error.startswith("Not sent: the address is on the suppression list")
        assert "Hard bounce" in email.last_error
    assert not mail.outbox
    # The team's own address can be suppressed too.
    suppression_add(address="team@example.com", reason="manual", source="test")
    assert lead_notify_team(lead=lead).status == OutboundEmail.Status.CANCELLED


def test_waiting_mail_is_cancelled_and_a_claimed_row_is_not_sent(
    django_capture_on_commit_callbacks,
):
    lead = make_lead(email="erin@example.com")
    waiting = enqueue(lead)  # queued, its hand-off not run yet
    suppression_add(address="erin@example.com", reason="complaint", source="test")
    waiting.refresh_from_db()
    assert waiting.status == OutboundEmail.Status.CANCELLED
    # A row that was already queued when the address got suppressed is refused at send time.
    other = enqueue(make_lead(email="finn@example.com"))
    Suppression.objects.create(address="finn@example.com", reason="manual")
    Suppression.objects.filter(address="finn@example.com").update(suppressed_at=other.created_at)
    email_deliver(email_id=other.pk)
    other.refresh_from_db()
    assert other.status == OutboundEmail.Status.CANCELLED
    assert not mail.outbox


def test_smtp_no_such_mailbox_suppresses_the_address():
    lead = make_lead(email="gone@example.com")
    email = enqueue(lead)
    refused = smtplib.SMTPRecipientsRefused(
        {"gone@example.com": (550, b"5.1.1 <gone@example.com>: Recipient address rejected")}
    )
    with mock.patch(SEND, side_effect=refused):
        email_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    row = Suppression.objects.active().for_address("gone@example.com").get()
    assert row.reason == Suppression.Reason.NO_SUCH_MAILBOX
    assert "5.1.1" in row.detail


@pytest.mark.parametrize(
    "exc",
    [
        smtplib.SMTPRecipientsRefused({"a@example.com": (550, b"5.7.1 Relaying denied")}),
        smtplib.SMTPRecipientsRefused({"a@example.com": (450, b"4.2.1 Mailbox busy, no such")}),
        smtplib.SMTPDataError(554, b"5.7.1 Message rejected as spam"),
    ],
)
def test_other_refusals_do_not_suppress(exc):
    email = enqueue(make_lead(email="a@example.com"))
    with mock.patch(SEND, side_effect=exc), contextlib.suppress(TemporarySendError):
        email_deliver(email_id=email.pk)
    assert not Suppression.objects.exists()


def test_lifting_needs_a_reason_and_lets_mail_through_again(admin_user):
    lead = make_lead(email="hal@example.com")
    row = suppression_add(address="hal@example.com", reason="hard_bounce", source="test")
    with pytest.raises(ValidationError):
        suppression_lift(suppression=row, user=admin_user, reason="  ")
    suppression_lift(suppression=row, user=admin_user, reason="He wrote from it on 2 Dec.")
    row.refresh_from_db()
    assert (row.is_active, row.lifted_by, row.lift_reason) == (
        False,
        admin_user,
        "He wrote from it on 2 Dec.",
    )
    assert enqueue(lead, dedupe_key="again").status == OutboundEmail.Status.QUEUED
    # A new bounce after the lift suppresses again.
    assert suppression_add(address="hal@example.com", reason="hard_bounce", source="t").is_active


# The admin ---------------------------------------------------------------------------------


def test_staff_see_why_when_and_from_where(admin_client):
    suppression_add(
        address="dana@example.com", reason="complaint", source="Postmark webhook", detail="spam"
    )
    html = admin_client.get("/admin/leads/suppression/").content.decode()
    assert "dana@example.com" in html
    assert "Marked as spam by the reader" in html
    assert "Postmark webhook" in html
    assert admin_client.get("/admin/leads/suppression/?state=active").status_code == 200


def test_lifting_in_the_admin_asks_why(admin_client, admin_user):
    row = suppression_add(address="dana@example.com", reason="hard_bounce", source="test")
    data = {"action": "lift", "_selected_action": [row.pk]}
    page = admin_client.post("/admin/leads/suppression/", data)
    assert page.status_code == 200 and "Why may they receive email again?" in page.text
    page = admin_client.post("/admin/leads/suppression/", data | {"confirm": "yes"})
    assert "Say why they may receive email again." in page.text
    row.refresh_from_db()
    assert row.is_active  # no reason, no lift
    done = admin_client.post(
        "/admin/leads/suppression/",
        data | {"confirm": "yes", "lift_reason": "Typo fixed by the person"},
    )
    assert done.status_code == 302
    row.refresh_from_db()
    assert (row.is_active, row.lifted_by, row.lift_reason) == (
        False,
        admin_user,
        "Typo fixed by the person",
    )


def test_staff_add_one_by_hand(admin_client):
    response = admin_client.post(
        "/admin/leads/suppression/add/", {"address": " Ivy@Example.com", "detail": "Asked by phone"}
    )
    assert response.status_code == 302
    row = Suppression.objects.active().get()
    assert (row.address, row.reason, row.detail) == (
        "ivy@example.com",
        Suppression.Reason.MANUAL,
        "Asked by phone",
    )
    assert row.source == "staff: admin"


def test_recruiters_may_view_but_not_lift(client, django_user_model):
    staff_groups_load()
    user = django_user_model.objects.create_user("rita", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Recruiters"))
    client.force_login(user)
    row = suppression_add(address="dana@example.com", reason="hard_bounce", source="test")
    listing = client.get("/admin/leads/suppression/")
    assert listing.status_code == 200 and "dana@example.com" in listing.text
    assert 'value="lift"' not in listing.text
    client.post(
        "/admin/leads/suppression/",
        {"action": "lift", "_selected_action": [row.pk], "confirm": "yes", "lift_reason": "x"},
    )
    row.refresh_from_db()
    assert row.is_active


def test_a_suppression_page_shows_the_whole_story_read_only(admin_client, admin_user):
    row = suppression_add(
        address="dana@example.com", reason="hard_bounce", source="SES", detail="5.1.1 unknown"
    )
    suppression_lift(suppression=row, user=admin_user, reason="Mailbox restored")
    html = admin_client.get(f"/admin/leads/suppression/{row.pk}/change/").content.decode()
    for shown in ("dana@example.com", "Hard bounce", "SES", "5.1.1 unknown", "Mailbox restored"):
        assert shown in html
    assert 'name="address"' not in html  # nothing to edit: lifting is an action
