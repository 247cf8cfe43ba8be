"""The tasks are wired up: beat runs the sweeper every minute, delivery retries with backoff."""

from django.conf import settings

from leads.mail_errors import TemporarySendError
from leads.tasks import deliver_email, sweep_outbox
from site_project.celery import app as celery_app


def test_beat_runs_the_sweeper_every_minute():
    [entry] = [e for e in celery_app.conf.beat_schedule.values() if e["task"] == sweep_outbox.name]
    assert entry["schedule"] == 60.0
    assert sweep_outbox.name in celery_app.tasks


def test_delivery_retries_temporary_errors_with_backoff():
    assert deliver_email.autoretry_for == (TemporarySendError,)
    assert deliver_email.retry_backoff == settings.OUTBOX_RETRY_BACKOFF_SECONDS
    assert deliver_email.max_retries >= settings.OUTBOX_MAX_ATTEMPTS - 1


def test_kinds_may_be_spelled_with_hyphens(db):
    from tests.leads.factories import enqueue, make_lead

    email = enqueue(make_lead(), kind="fresh-link", dedupe_key="fresh-link-1")
    assert email.kind == "fresh_link"


def test_out_of_retries_marks_the_row_failed_but_never_a_sent_or_cancelled_one(db):
    from leads.models import OutboundEmail
    from tests.leads.factories import enqueue, make_lead

    rows = {
        status: enqueue(make_lead(), dedupe_key=f"r-{status}")
        for status in ("queued", "sent", "cancelled")
    }
    for status, row in rows.items():
        OutboundEmail.objects.filter(pk=row.pk).update(status=status)
        deliver_email.on_failure(TemporarySendError("421 busy"), "task-id", [row.pk], {}, None)
    statuses = dict(OutboundEmail.objects.values_list("dedupe_key", "status"))
    assert statuses == {"r-queued": "failed", "r-sent": "sent", "r-cancelled": "cancelled"}
    assert "421 busy" in OutboundEmail.objects.get(dedupe_key="r-queued").last_error


def test_beat_runs_the_retention_erasure_daily():
    from leads.tasks import erase_expired_leads

    [entry] = [
        e for e in celery_app.conf.beat_schedule.values() if e["task"] == erase_expired_leads.name
    ]
    assert entry["schedule"] == 24 * 3600
    assert erase_expired_leads.name in celery_app.tasks
