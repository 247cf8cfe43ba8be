"""The outbox with eager Celery and the locmem mail backend."""

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core import mail
from django.db import transaction
from django.utils import timezone

from leads.mail_errors import TemporarySendError
from leads.models import OutboundEmail
from leads.services import email_deliver, email_resend, lead_unsubscribe, outbox_sweep
from site_project.celery import app as celery_app
from tests.leads.factories import enqueue, make_lead, make_reachable_lead

pytestmark = pytest.mark.django_db

SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"


def test_enqueue_sends_on_commit_with_both_parts_and_unsubscribe_headers(
    django_capture_on_commit_callbacks, settings
):
    lead = make_lead(email="ana@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        email = enqueue(lead, html_body="<p>Your <b>result</b></p>", text_body="Your result")
        assert not mail.outbox, "nothing is sent before the transaction commits"
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 1
    assert email.sent_at is not None
    [message] = mail.outbox
    assert message.to == ["ana@example.com"]
    assert message.from_email == f"{settings.FIRM_NAME} <{settings.RESULT_FROM_EMAIL}>"
    assert message.body == "Your result"
    assert message.alternatives[0].content == "<p>Your <b>result</b></p>"
    sent = message.message()
    assert sent["Message-ID"] == email.message_id
    assert email.message_id.endswith("@careers.example.com>")
    assert sent["List-Unsubscribe"].startswith("<https://careers.example.com/email/unsubscribe/")
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_duplicate_enqueue_returns_the_same_row(django_capture_on_commit_callbacks):
    lead = make_lead()
    with django_capture_on_commit_callbacks(execute=True):
        first = enqueue(lead, dedupe_key="result")
        second = enqueue(lead, dedupe_key="result", subject="Another subject")
    assert first.pk == second.pk
    assert OutboundEmail.objects.count() == 1
    assert len(mail.outbox) == 1


def test_enqueue_in_a_rolled_back_transaction_leaves_nothing(django_capture_on_commit_callbacks):
    lead = make_lead()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        enqueue(lead)
        raise RuntimeError("the submission failed")
    assert not OutboundEmail.objects.exists()
    assert not mail.outbox


def test_subject_is_one_line_and_header_injection_is_refused(django_capture_on_commit_callbacks):
    lead = make_lead(first_name="Ana")
    with django_capture_on_commit_callbacks(execute=True):
        email = enqueue(lead, subject="Ana\r\nBcc: victim@example.com, your result")
    assert email.subject == "Ana Bcc: victim@example.com, your result"
    assert mail.outbox[0].message()["Bcc"] is None
    with pytest.raises(ValueError):
        enqueue(lead, dedupe_key="x", headers={"X-Tag": "a\r\nBcc: victim@example.com"})
    with pytest.raises(ValueError):
        enqueue(lead, dedupe_key="y", headers={"X-Tag\r\nBcc": "a"})


def test_notification_goes_to_the_recruiting_team_without_unsubscribe(
    django_capture_on_commit_callbacks, settings
):
    settings.RECRUITING_TEAM_EMAIL = "team@example.com"
    lead = make_lead()
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(lead, kind="notification", dedupe_key="notify")
    [message] = mail.outbox
    assert message.to == ["team@example.com"]
    assert "List-Unsubscribe" not in message.message()


def test_follow_up_waits_in_the_table_until_due(django_capture_on_commit_callbacks, settings):
    settings.FOLLOWUP_FROM_EMAIL = "hello@example.com"
    lead = make_reachable_lead()
    later = timezone.now() + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        email = enqueue(lead, kind="follow_up", dedupe_key="follow-up-1", send_at=later)
    assert callbacks == []  # no long countdown task on the broker
    assert email.from_email == "hello@example.com"
    assert outbox_sweep() == 0
    assert email_deliver(email_id=email.pk) is None  # not due: nobody may send it early
    assert not mail.outbox
    three_days_ago = timezone.now() - timedelta(days=3)  # time passes...
    OutboundEmail.objects.filter(pk=email.pk).update(
        created_at=three_days_ago, send_at=timezone.now()
    )
    assert outbox_sweep() == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "lead_fields, reason",
    [
        ({"consented": False}, "not agreed"),
        ({"confirmed_at": None}, "never confirmed"),
        ({"unsubscribed_at": timezone.now()}, "unsubscribed"),
    ],
)
def test_follow_ups_need_consent_confirmation_and_no_unsubscribe(lead_fields, reason):
    lead = make_reachable_lead(**lead_fields)
    email = enqueue(lead, kind="follow_up", dedupe_key="follow-up-1")
    email_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.CANCELLED
    assert reason in email.last_error
    assert not mail.outbox


def test_unsubscribe_cancels_pending_follow_ups_only_and_twice_is_fine():
    lead = make_reachable_lead()
    result = enqueue(lead, dedupe_key="result")
    email_deliver(email_id=result.pk)
    later = timezone.now() + timedelta(days=2)
    follow_ups = [
        enqueue(lead, kind="follow_up", dedupe_key=f"follow-up-{n}", send_at=later) for n in (1, 2)
    ]
    lead_unsubscribe(lead=lead)
    first_time = lead.unsubscribed_at
    lead_unsubscribe(lead=lead)
    assert lead.unsubscribed_at == first_time
    for email in follow_ups:
        email.refresh_from_db()
        assert email.status == OutboundEmail.Status.CANCELLED
    result.refresh_from_db()
    assert result.status == OutboundEmail.Status.SENT


def test_a_claimed_row_is_not_sent_again():
    email = enqueue(make_lead())
    assert email_deliver(email_id=email.pk) is not None
    assert email_deliver(email_id=email.pk) is None
    assert len(mail.outbox) == 1


def test_a_row_stuck_in_sending_is_taken_over_after_the_timeout(settings):
    email = enqueue(make_lead())
    now = timezone.now()
    OutboundEmail.objects.filter(pk=email.pk).update(status="sending", claimed_at=now)
    assert email_deliver(email_id=email.pk) is None  # its worker may still be busy
    stale = now - timedelta(seconds=settings.OUTBOX_SENDING_TIMEOUT_SECONDS + 1)
    OutboundEmail.objects.filter(pk=email.pk).update(claimed_at=stale)
    assert outbox_sweep() == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT


def test_sweeper_leaves_fresh_rows_to_their_own_hand_off(settings):
    email = enqueue(make_lead())  # no on-commit run: as if Redis was down
    assert outbox_sweep() == 0
    later = timezone.now() + timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS + 1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert outbox_sweep() == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT


@pytest.fixture
def eager_retries():
    """Eager Celery runs retries in-process only when it does not propagate errors."""
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = True


def _smtp_421():
    return smtplib.SMTPDataError(421, b"Service not available, try again later")


@pytest.mark.usefixtures("eager_retries")
def test_temporary_errors_retry_and_then_send(django_capture_on_commit_callbacks):
    real_send = mail.backends.locmem.EmailBackend.send_messages
    replies = [_smtp_421(), ConnectionRefusedError(111, "Connection refused")]

    def flaky(backend, messages):
        if replies:
            raise replies.pop(0)
        return real_send(backend, messages)

    with (
        mock.patch(SEND, autospec=True, side_effect=flaky),
        django_capture_on_commit_callbacks(execute=True),
    ):
        email = enqueue(make_lead())
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 3
    assert len(mail.outbox) == 1


def test_a_temporary_error_is_raised_for_the_task_to_retry():
    email = enqueue(make_lead())
    with mock.patch(SEND, side_effect=TimeoutError("timed out")), pytest.raises(TemporarySendError):
        email_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.QUEUED
    assert "timed out" in email.last_error


def test_a_send_cut_short_by_the_tasks_time_limit_is_tried_again():
    """The soft time limit (CELERY_TASK_SOFT_TIME_LIMIT) interrupts a slow SMTP server:
    the email goes back to the queue for a retry rather than failing for good."""
    email = enqueue(make_lead())
    with (
        mock.patch(SEND, side_effect=SoftTimeLimitExceeded()),
        pytest.raises(TemporarySendError),
    ):
        email_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.QUEUED
    assert "SoftTimeLimitExceeded" in email.last_error


@pytest.mark.usefixtures("eager_retries")
def test_temporary_errors_give_up_after_the_last_attempt(
    settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    with (
        mock.patch(SEND, side_effect=_smtp_421()),
        django_capture_on_commit_callbacks(execute=True),
    ):
        email = enqueue(make_lead())
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == 3
    assert "421" in email.last_error


def test_permanent_error_fails_at_once_and_staff_can_resend(django_capture_on_commit_callbacks):
    refused = smtplib.SMTPRecipientsRefused({"ana@example.com": (550, b"No such user")})
    with mock.patch(SEND, side_effect=refused), django_capture_on_commit_callbacks(execute=True):
        email = enqueue(make_lead())
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == 1
    assert "550" in email.last_error
    with django_capture_on_commit_callbacks(execute=True):
        email_resend(email=email)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.last_error == ""
    assert len(mail.outbox) == 1


def test_only_failed_rows_can_be_resent():
    email = enqueue(make_lead())
    email_deliver(email_id=email.pk)
    with pytest.raises(ValueError):
        email_resend(email=email)
    assert len(mail.outbox) == 1


def test_a_down_broker_never_reaches_the_caller(django_capture_on_commit_callbacks, caplog):
    from kombu.exceptions import OperationalError

    with (
        mock.patch("leads.tasks.deliver_email.apply_async", side_effect=OperationalError("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        email = enqueue(make_lead())
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.QUEUED
    assert "sweeper will send it" in caplog.text


def test_sweeper_gives_up_on_a_row_that_crashed_its_worker_every_time(settings):
    email = enqueue(make_lead())
    stale = timezone.now() - timedelta(seconds=settings.OUTBOX_SENDING_TIMEOUT_SECONDS + 1)
    OutboundEmail.objects.filter(pk=email.pk).update(
        status="sending", claimed_at=stale, attempts=settings.OUTBOX_MAX_ATTEMPTS
    )
    assert outbox_sweep() == 0
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert "Gave up" in email.last_error
    assert not mail.outbox


@pytest.mark.parametrize("key", ["", "k" * 101])
def test_a_missing_or_overlong_dedupe_key_is_a_caller_bug(key):
    with pytest.raises(ValueError):
        enqueue(make_lead(), dedupe_key=key)


def test_the_team_hears_about_a_new_lead_once(django_capture_on_commit_callbacks, settings):
    from leads.services import lead_notify_team

    settings.RECRUITING_TEAM_EMAIL = "team@example.com"
    lead = make_lead(
        first_name="Ana",
        email="ana@example.com",
        current_role="Installer <PV>",
        consented=True,
        segment="Career focused",
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = lead_notify_team(lead=lead)
        again = lead_notify_team(lead=lead)
    assert first.pk == again.pk
    [message] = mail.outbox
    assert message.to == ["team@example.com"]
    assert message.subject == "New lead: Ana (ana@example.com), Career focused"
    assert "Result: Career focused" in message.body
    assert "Current role: Installer <PV>" in message.body
    assert settings.FIRM_POSTAL_ADDRESS in message.body  # the shared layout
    assert "Unsubscribe" not in message.body  # it goes to the team, not the lead
    assert f"https://careers.example.com/admin/leads/lead/{lead.pk}/change/" in message.body
    html = message.alternatives[0].content
    assert "Installer &lt;PV&gt;" in html
    assert "<h1 style=" in html  # the shared layout, CSS inlined
    assert "Career focused" in html
    assert f'href="https://careers.example.com/admin/leads/lead/{lead.pk}/change/"' in html
