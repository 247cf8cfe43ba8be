"""The follow-up sequence: scheduled when a lead confirms, sent when due, stopped on request."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from leads import hooks
from leads.models import FollowUpStep, OutboundEmail
from leads.services import lead_capture, lead_confirm, lead_unsubscribe, outbox_sweep
from tests.leads.factories import make_lead, make_step

pytestmark = pytest.mark.django_db


def fake_segment_choices():
    return [("Career focused", "Career focused"), ("Job focused", "Job focused")]


@pytest.fixture
def fake_segments():
    with hooks.SEGMENT_CHOICES.replaced([fake_segment_choices]):
        yield


def _captured(*, consent=True, segment="Career focused"):
    return lead_capture(
        email="ana@example.com",
        first_name="Ana",
        consent_follow_ups=consent,
        consent_text="Send me follow-up emails",
        ip_address="203.0.113.5",
        source={},
        segment=segment,
    )


def _send_due(settings, *, days: int = 30) -> None:
    """Move every waiting follow-up into the past and run the sweeper (as beat would)."""
    settings.OUTBOX_SWEEP_GRACE_SECONDS = 0
    OutboundEmail.objects.filter(status="queued").update(
        send_at=timezone.now() - timedelta(minutes=1)
    )
    outbox_sweep()


def test_confirming_schedules_the_steps_that_suit_the_lead(settings):
    settings.FOLLOWUP_FROM_EMAIL = "news@example.com"
    first = make_step(order=1, delay_days=2, subject="For everyone")
    second = make_step(
        order=2, delay_days=7, subject="For career focused", segments=["Career focused"]
    )
    make_step(order=3, subject="For job focused only", segments=["Job focused"])
    make_step(order=4, subject="Switched off", is_active=False)
    lead = _captured()
    assert not OutboundEmail.objects.filter(kind="follow_up").exists()

    lead = lead_confirm(lead=lead)
    rows = list(OutboundEmail.objects.filter(kind="follow_up").order_by("send_at"))
    assert [row.subject for row in rows] == ["For everyone", "For career focused"]
    assert [row.send_at for row in rows] == [
        lead.confirmed_at + timedelta(days=2),
        lead.confirmed_at + timedelta(days=7),
    ]
    assert [row.dedupe_key for row in rows] == [f"follow-up-{first.pk}", f"follow-up-{second.pk}"]
    assert {row.status for row in rows} == {"queued"}
    assert {row.from_email for row in rows} == {"news@example.com"}
    assert rows[0].headers["List-Id"].endswith("<follow-ups.careers.example.com>")
    assert len(mail.outbox) == 0  # they wait in the table

    lead_confirm(lead=lead)  # the link clicked twice
    assert OutboundEmail.objects.filter(kind="follow_up").count() == 2


def test_a_lead_who_never_confirms_or_never_agreed_gets_no_follow_ups(settings):
    make_step()
    _captured()
    _send_due(settings)
    assert not OutboundEmail.objects.filter(kind="follow_up").exists()
    other = lead_capture(
        email="bo@example.com",
        first_name="Bo",
        consent_follow_ups=False,
        consent_text="",
        ip_address=None,
        source={},
    )
    lead_confirm(lead=other)
    assert not OutboundEmail.objects.filter(kind="follow_up").exists()


def test_a_due_follow_up_goes_out_with_the_text_staff_saved_last(
    settings, admin_client, fake_segments
):
    settings.RECRUITING_TEAM_EMAIL = "team@example.com"
    step = make_step(subject="Old subject", body="Old text.")
    lead = lead_confirm(lead=_captured())
    response = admin_client.post(
        f"/admin/leads/followupstep/{step.pk}/change/",
        {
            "order": 1,
            "subject": "How to lead before you have the title",
            "body": "Offer to mentor a new hire.\n\nSee https://example.com/guide",
            "delay_days": 3,
            "segments": ["Career focused"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    _send_due(settings)

    [message] = mail.outbox
    assert message.subject == "How to lead before you have the title"
    assert message.to == [lead.email]
    assert "Hi Ana," in message.body
    assert "Offer to mentor a new hire." in message.body
    assert "asked for follow-up emails" in message.body  # why they get it
    html = message.alternatives[0].content
    assert '<a href="https://example.com/guide"' in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.message()["Reply-To"] == "team@example.com"  # replies reach a recruiter
    row = OutboundEmail.objects.get(kind="follow_up")
    assert row.status == "sent"
    assert row.subject == "How to lead before you have the title"  # the record is true


def test_steps_switched_off_deleted_or_no_longer_matching_are_not_sent(settings, admin_client):
    off = make_step(order=1, subject="Switched off later")
    deleted = make_step(order=2, subject="Deleted later")
    make_step(order=3, subject="Retook the quiz", segments=["Career focused"])
    lead = lead_confirm(lead=_captured())
    FollowUpStep.objects.filter(pk=off.pk).update(is_active=False)
    admin_client.post(f"/admin/leads/followupstep/{deleted.pk}/delete/", {"post": "yes"})
    _captured(segment="Job focused")  # a later result
    _send_due(settings)

    assert mail.outbox == []
    statuses = dict(OutboundEmail.objects.filter(lead=lead).values_list("subject", "status"))
    assert statuses == {
        "Switched off later": "cancelled",
        "Deleted later": "cancelled",
        "Retook the quiz": "cancelled",
    }
    assert not FollowUpStep.objects.filter(pk=deleted.pk).exists()


def test_unsubscribing_cancels_the_waiting_follow_ups(settings):
    make_step(order=1)
    make_step(order=2, subject="Second")
    lead = lead_confirm(lead=_captured())
    lead_unsubscribe(lead=lead)
    _send_due(settings)
    assert mail.outbox == []
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"cancelled"}


def test_step_admin_offers_the_results_from_the_registered_hook(admin_client, fake_segments):
    html = admin_client.get("/admin/leads/followupstep/add/").content.decode()
    assert 'value="Career focused"' in html and 'value="Job focused"' in html
    response = admin_client.post(
        "/admin/leads/followupstep/add/",
        {"order": 1, "subject": "Hi", "body": "Text", "delay_days": 1, "is_active": "on"},
    )
    assert response.status_code == 302
    step = FollowUpStep.objects.get()
    assert step.segments == []
    assert step.is_for(make_lead(segment="Anything"))
    listing = admin_client.get("/admin/leads/followupstep/").content.decode()
    assert "Everyone" in listing


def test_step_list_counts_waiting_and_sent_copies(admin_client):
    step = make_step(subject="Counted")
    for n in range(3):
        lead_confirm(lead=make_lead(consented=True, email=f"c{n}@example.com"))
    OutboundEmail.objects.filter(lead__email="c0@example.com").update(status="sent")
    response = admin_client.get("/admin/leads/followupstep/")
    row = response.context["cl"].result_list.get(pk=step.pk)
    assert (row.waiting, row.sent) == (2, 1)
    email = OutboundEmail.objects.filter(follow_up_step=step).first()
    page = admin_client.get(f"/admin/leads/outboundemail/{email.pk}/change/").content.decode()
    assert "1. Counted" in page  # the step it came from


def broken_segment_choices():
    raise RuntimeError("the quiz's tables are not there")


@pytest.mark.parametrize("providers", [[], [broken_segment_choices]], ids=["none", "failing"])
def test_missing_or_failing_segment_choices_fall_back_to_the_leads_results(admin_client, providers):
    make_lead(segment="Balanced")
    with hooks.SEGMENT_CHOICES.replaced(providers):
        html = admin_client.get("/admin/leads/followupstep/add/").content.decode()
    assert 'value="Balanced"' in html


def test_asking_again_after_unsubscribing_restarts_only_the_unsent_steps(settings):
    sent_step = make_step(order=1, delay_days=1, subject="Already sent")
    make_step(order=2, delay_days=5, subject="Not sent yet")
    lead = lead_confirm(lead=_captured())
    sent = OutboundEmail.objects.get(follow_up_step=sent_step)
    OutboundEmail.objects.filter(pk=sent.pk).update(status="sent", sent_at=timezone.now())
    lead_unsubscribe(lead=lead)
    assert OutboundEmail.objects.get(subject="Not sent yet").status == "cancelled"

    lead = lead_confirm(lead=_captured())  # ticked the box again, then confirmed again
    rows = {row.subject: row for row in OutboundEmail.objects.filter(lead=lead)}
    assert rows["Already sent"].status == "sent"
    assert rows["Not sent yet"].status == "queued"
    assert rows["Not sent yet"].send_at == lead.confirmed_at + timedelta(days=5)
    _send_due(settings)
    assert [message.subject for message in mail.outbox] == ["Not sent yet"]
