"""An email service provider through django-anymail: only environment variables change."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail

from leads.models import OutboundEmail
from leads.services import email_deliver
from site_project.mail_config import mailer_from_url
from tests.leads.factories import enqueue, make_lead

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.subprocess
def test_settings_pick_up_an_anymail_backend_and_its_options_from_the_environment():
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "site_project.settings",
        "SECRET_KEY": "test-only",
        "EMAIL_URL": "smtp://ignored.example.com:587",
        "EMAIL_BACKEND_OVERRIDE": "anymail.backends.amazon_ses.EmailBackend",
        "ANYMAIL": '{"AMAZON_SES_CLIENT_PARAMS": {"region_name": "eu-west-1"}}',
        "ANYMAIL_POSTMARK_SERVER_TOKEN": "token-from-its-own-variable",
    }
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps([settings.MAILERS, settings.ANYMAIL]))"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    mailers, anymail = json.loads(done.stdout.strip().splitlines()[-1])
    assert mailers == {"default": {"BACKEND": "anymail.backends.amazon_ses.EmailBackend"}}
    assert anymail == {
        "AMAZON_SES_CLIENT_PARAMS": {"region_name": "eu-west-1"},
        "POSTMARK_SERVER_TOKEN": "token-from-its-own-variable",
    }


@pytest.mark.django_db
def test_the_outbox_sends_through_an_anymail_backend(settings):
    settings.MAILERS = {
        "default": mailer_from_url(
            "smtp://ignored.example.com", backend_override="anymail.backends.test.EmailBackend"
        )
    }
    settings.ANYMAIL = {}
    email = enqueue(make_lead(email="ana@example.com"), subject="Your result")
    email_deliver(email_id=email.pk)
    [message] = mail.outbox
    assert message.to == ["ana@example.com"]
    assert message.anymail_status.status == {"sent"}  # went through anymail, not Django's SMTP
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert OutboundEmail.objects.get(pk=email.pk).status == "sent"


@pytest.mark.parametrize(
    ("status", "temporary"),
    [(429, True), (500, True), (503, True), (400, False), (401, False), (422, False)],
)
def test_provider_api_errors_retry_only_when_a_later_try_can_succeed(status, temporary):
    from anymail.exceptions import AnymailRequestsAPIError

    from leads.mail_errors import is_temporary

    assert is_temporary(AnymailRequestsAPIError("refused", status_code=status)) is temporary


def test_a_provider_that_cannot_be_reached_is_retried():
    from anymail.exceptions import AnymailRequestsAPIError

    from leads.mail_errors import is_temporary

    assert is_temporary(AnymailRequestsAPIError("connection refused")) is True


@pytest.mark.django_db
def test_amazon_ses_gets_the_same_plain_headers_in_its_raw_mime(settings, monkeypatch):
    """SES v2 sends the raw MIME anymail builds: capture it instead of calling AWS."""
    from tests.wire import assert_plain, raw_headers

    sent: list[dict] = []

    class FakeClient:
        def send_email(self, **params):
            sent.append(params)
            return {"MessageId": "ses-1"}

        def close(self):
            pass

    class FakeSession:
        def __init__(self, **kwargs):
            pass

        def client(self, *args, **kwargs):
            return FakeClient()

    monkeypatch.setattr("anymail.backends.amazon_ses.boto3.session.Session", FakeSession)
    settings.MAILERS = {"default": {"BACKEND": "anymail.backends.amazon_ses.EmailBackend"}}
    settings.ANYMAIL = {}
    settings.SITE_URL = "https://careers.solar-talent-partners-recruiting.example.com"
    settings.EMAIL_ENVELOPE_FROM = "bounces@mail.example.com"
    lead = make_lead(email="ana@example.com")
    email = enqueue(lead)
    email_deliver(email_id=email.pk)
    assert OutboundEmail.objects.get(pk=email.pk).status == "sent"
    [params] = sent
    headers = raw_headers(params["Content"]["Raw"]["Data"])
    from leads.tokens import unsubscribe_url

    assert headers["list-unsubscribe"] == [f"List-Unsubscribe: <{unsubscribe_url(lead.pk)}>"]
    assert headers["list-unsubscribe-post"] == ["List-Unsubscribe-Post: List-Unsubscribe=One-Click"]
    for lines in headers.values():
        assert_plain(lines)
    # SES v2 has no envelope sender; anymail sends bounce feedback there instead.
    assert params["FeedbackForwardingEmailAddress"] == "bounces@mail.example.com"
