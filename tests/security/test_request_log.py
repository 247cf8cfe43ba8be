"""Every request has an id, sent back to the client and written on each log line."""

import io
import json
import logging

import pytest

from site_project.request_log import JsonFormatter, RequestIdFilter, request_id_var

pytestmark = pytest.mark.django_db


def test_every_response_names_its_request(client):
    first = client.get("/robots.txt")["X-Request-ID"]
    second = client.get("/robots.txt")["X-Request-ID"]
    assert len(first) >= 16
    assert first != second


def test_the_proxys_id_is_kept_and_junk_is_replaced(client):
    given = "lb-7f3a9c2e-0001"
    assert client.get("/robots.txt", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given
    junk = "<script>alert(1)</script>"
    assert client.get("/robots.txt", HTTP_X_REQUEST_ID=junk)["X-Request-ID"] != junk


def test_a_json_log_line_carries_the_request_id():
    record = logging.LogRecord("leads", logging.WARNING, __file__, 1, "sent %s", ("x",), None)
    token = request_id_var.set("abc123def456")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "abc123def456"
    assert line["message"] == "sent x"
    assert line["level"] == "WARNING"
    assert line["logger"] == "leads"


def test_outside_a_request_the_id_is_a_dash():
    record = logging.LogRecord("celery", logging.INFO, __file__, 1, "tick", (), None)
    RequestIdFilter().filter(record)
    assert json.loads(JsonFormatter().format(record))["request_id"] == "-"


def test_a_warning_during_a_request_is_logged_with_its_id(client, settings):
    """What an operator greps for: the id from the response, found on the log line."""
    console = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    written = io.StringIO()
    previous = console.setStream(written)
    try:
        response = client.get("/no-such-page/")
    finally:
        console.setStream(previous)
    request_id = response["X-Request-ID"]
    lines = [line for line in written.getvalue().splitlines() if request_id in line]
    assert lines, "no log line names the request"
    if settings.LOG_FORMAT == "json":
        entry = json.loads(lines[0])
        assert entry["logger"] == "django.request"
        assert entry["request_id"] == request_id
