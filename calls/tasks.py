"""Celery tasks: thin wrappers over services. Safe to run twice."""

from celery import shared_task

from .services import call_requests_escalate


@shared_task
def escalate_overdue_calls() -> int:
    """Every few minutes (celery beat): tell the team about requests nobody called back."""
    return call_requests_escalate()
