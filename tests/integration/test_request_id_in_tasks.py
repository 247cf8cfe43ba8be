"""A task queued during a request logs with that request's id, in a real worker."""

import threading

import pytest

from site_project.celery import app as celery_app
from site_project.request_log import request_id_var

from .conftest import running_worker

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

seen: list[str] = []
done = threading.Event()


@celery_app.task(name="tests.integration.remember_request_id")
def remember_request_id() -> None:
    seen.append(request_id_var.get())
    done.set()


def test_the_worker_runs_the_task_under_the_request_id(broker):
    seen.clear()
    done.clear()
    with running_worker(concurrency=1):
        token = request_id_var.set("req-0123456789")
        try:
            remember_request_id.delay()
        finally:
            request_id_var.reset(token)
        assert done.wait(timeout=20), "the worker never ran the task"
    assert seen == ["req-0123456789"]
