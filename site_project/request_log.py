"""A request id on every log line, from the web request into the Celery tasks it starts.

The id comes from the proxy's X-Request-ID when it sent a sane one (so its logs and ours
line up), else a new one. It is sent back in the response, travels with every task queued
during the request as a message header, and is set again in the worker while the task runs.
"""

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

from celery import signals
from django.core.signals import request_finished
from django.dispatch import receiver

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
HEADER = "X-Request-ID"
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(HEADER, "")
        request_id = given if SANE_ID.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        # Kept until the response is closed (below): Django logs "Not Found" and errors
        # after the middleware has returned.
        request_id_var.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


@receiver(request_finished)
def _forget_request_id(**kwargs) -> None:
    request_id_var.set("-")


class RequestIdFilter(logging.Filter):
    """Gives every record a request_id, "-" outside a request or task."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line, for a log collector to index without parsing rules."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


@signals.before_task_publish.connect
def _send_request_id(headers=None, **kwargs) -> None:
    request_id = request_id_var.get()
    if headers is not None and request_id != "-":
        headers.setdefault("request_id", request_id)


@signals.task_prerun.connect
def _take_request_id(task=None, **kwargs) -> None:
    if task is None or task.request.is_eager:
        return  # run inside the request itself, which already has its id
    request_id = getattr(task.request, "request_id", None)
    request_id_var.set(request_id if isinstance(request_id, str) else "-")


@signals.task_postrun.connect
def _drop_request_id(task=None, **kwargs) -> None:
    if task is not None and not task.request.is_eager:
        request_id_var.set("-")


@signals.after_setup_logger.connect
@signals.after_setup_task_logger.connect
def _worker_log_format(logger=None, **kwargs) -> None:
    """Celery sets up its own handlers in the worker; give them the id and the format."""
    from django.conf import settings

    for handler in logger.handlers if logger else []:
        handler.addFilter(RequestIdFilter())
        if settings.LOG_FORMAT == "json":
            handler.setFormatter(JsonFormatter())
        else:
            handler.setFormatter(logging.Formatter(PLAIN_FORMAT))
