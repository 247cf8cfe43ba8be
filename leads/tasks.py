"""Celery tasks: thin wrappers that load by id and call a service. Safe to run twice."""

from celery import Task, shared_task
from django.conf import settings

from .mail_errors import TemporarySendError
from .services import email_deliver, email_mark_failed, leads_erase_expired, outbox_sweep


class DeliverEmailTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """Out of retries: park the row as failed so staff see it and can resend.

        Other errors (a database hiccup, a bug) leave the row to the sweeper, which
        takes it over once its claim is stale.
        """
        email_id = kwargs.get("email_id", args[0] if args else None)
        if isinstance(exc, TemporarySendError) and email_id is not None:
            email_mark_failed(email_id=email_id, error=f"{type(exc).__name__}: {exc}")


@shared_task(
    base=DeliverEmailTask,
    autoretry_for=(TemporarySendError,),
    retry_backoff=settings.OUTBOX_RETRY_BACKOFF_SECONDS,
    retry_backoff_max=settings.OUTBOX_RETRY_BACKOFF_MAX_SECONDS,
    retry_jitter=True,
    # The row's own attempt counter is the real limit; this only stops a runaway task.
    max_retries=settings.OUTBOX_MAX_ATTEMPTS,
)
def deliver_email(email_id: int, slot_at: float | None = None) -> None:
    email_deliver(email_id=email_id, slot_at=slot_at)


@shared_task
def sweep_outbox() -> int:
    """Every minute (celery beat): send what the on-commit hand-off missed or what came due."""
    return outbox_sweep()


@shared_task
def erase_expired_leads() -> int:
    """Daily (celery beat): GDPR retention, see LEAD_RETENTION_DAYS."""
    return leads_erase_expired()
