"""Celery tasks for the assessment: thin wrappers that load by id and call a service."""

from celery import shared_task

from .models import Assessment
from .services import fresh_link_send


@shared_task
def send_fresh_link(*, assessment_id: int, email: str) -> bool:
    """Look the address up and enqueue the link email off the request path.

    Safe to run twice: the email's dedupe key allows one an hour per submission.
    """
    assessment = Assessment.objects.select_related("whitepaper").filter(pk=assessment_id).first()
    if assessment is None:
        return False
    return fresh_link_send(assessment=assessment, email=email) is not None
