"""Beat tasks: thin, and safe to run twice."""

from celery import shared_task

from .buffer import buffer_flush
from .services import events_roll_up


@shared_task
def roll_up_events() -> int:
    return events_roll_up()


@shared_task
def flush_events() -> int:
    return buffer_flush() or 0  # None: the flush before is still running
