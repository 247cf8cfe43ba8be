"""Beat tasks: thin, and safe to run twice."""

from celery import shared_task

from .services import events_roll_up


@shared_task
def roll_up_events() -> int:
    return events_roll_up()
