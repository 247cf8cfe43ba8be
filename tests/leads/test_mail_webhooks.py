"""Providers' delivery webhooks, posted through django-anymail's real views at /anymail/.

Each payload follows the shape in the provider's own documentation.
"""

import base64
import hashlib
import hmac
import json
import logging

import pytest

from leads.models import MailEvent, OutboundEmail, Suppression
from tests.leads.factories import enqueue, make_lead

pytestmark = pytest.mark.django_db

SECRET = "hooks:s3cret-for-tests"
NAMES = {"sendgrid": "SendGrid", "mailgun": "Mailgun", "brevo": "Brevo", "postmark": "Postmark"}
MAILGUN_KEY = "mailgun-signing-key-for-tests"


@pytest.fixture(autouse=True)
def _webhook_settings(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY}


def auth(secret: str = SECRET) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


# Payloads ---------------------------------------------------------------------------------


def postmark_bounce(address: str, *, kind: str = "HardBounce", event_id: int = 4323372036) -> dict:
    # https://postmarkapp.com/developer/webhooks/bounce-webhook
    return {
        "RecordType": "Bounce",
        "MessageStream": "outbound",
        "ID": event_id,
        "Type": kind,
        "TypeCode": 1 if kind == "HardBounce" else 4096,
        "Name": "Hard bounce",
        "Tag": "",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Metadata": {},
        "ServerID": 23,
        "Description": "The server was unable to deliver your message (ex: unknown user).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": address,
        "From": "careers@example.com",
        "BouncedAt": "2026-11-05T16:33:54.9070259Z",
        "DumpAvailable": False,
        "Inactive": True,
        "CanActivate": True,
        "Subject": "Your result",
    }


def postmark_complaint(address: str) -> dict:
    # https://postmarkapp.com/developer/webhooks/spam-complaint-webhook
    return postmark_bounce(address, kind="SpamComplaint", event_id=42) | {
        "RecordType": "SpamComplaint",
        "TypeCode": 512,
        "Name": "Spam complaint",
        "Description": "The subscriber explicitly marked this message as spam.",
    }


def ses_notification(address: str, *, bounce_type: str = "Permanent") -> tuple[dict, dict]:
    # https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html
    ses_event = {
        "eventType": "Bounce",
        "bounce": {
            "bounceType": bounce_type,
            "bounceSubType": "General",
            "bouncedRecipients": [
                {
                    "emailAddress": address,
                    "action": "failed",
                    "status": "5.1.1",
                    "diagnosticCode": "smtp; 550 5.1.1 user unknown",
                }
            ],
            "timestamp": "2026-11-05T16:33:54.000Z",
            "feedbackId": "0100017b9ab-feedback",
            "reportingMTA": "dsn; e226-55.smtp-out.us-east-1.amazonses.com",
        },
        "mail": {
            "timestamp": "2026-11-05T16:33:53.000Z",
            "source": "careers@example.com",
            "messageId": "0100017b9ab-message",
            "destination": [address],
            "headersTruncated": False,
            "headers": [],
        },
    }
    sns = {
        "Type": "Notification",
        "MessageId": "19ba9823-d7f2-53c1-860e-cb10e0d13dfc",
        "TopicArn": "arn:aws:sns:us-east-1:111111111111:ses-tracking",
        "Message": json.dumps(ses_event),
        "Timestamp": "2026-11-05T16:33:55.675Z",
        "SignatureVersion": "1",
        "Signature": "EXAMPLE",
        "SigningCertURL": "https://sns.us-east-1.amazonaws.com/cert.pem",
        "UnsubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
    }
    headers = {
        "HTTP_X_AMZ_SNS_MESSAGE_TYPE": "Notification",
        "HTTP_X_AMZ_SNS_MESSAGE_ID": sns["MessageId"],
    }
    return sns, headers


def sendgrid_events(address: str, *, event: str = "bounce") -> list[dict]:
    # https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/event
    return [
        {
            "email": address,
            "timestamp": 1762360434,
            "smtp-id": "<14c5d75ce93.dfd.64b469@ismtpd-555>",
            "event": event,
            "sg_event_id": f"6g4ZI7SA-xmRDv57GoPIPw-{event}",
            "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0",
            "reason": "500 unknown recipient",
            "status": "5.0.0",
            "type": "bounce",
        }
    ]


def mailgun_failed(address: str, *, severity: str = "permanent") -> dict:
    # https://documentation.mailgun.com/docs/mailgun/user-manual/tracking-messages/#webhooks
    timestamp, token = "1762360434", "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0"
    signature = hmac.new(
        MAILGUN_KEY.encode(), f"{timestamp}{token}".encode(), hashlib.sha256
    ).hexdigest()
    return {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature},
        "event-data": {
            "event": "failed",
            "id": f"G9Bn5sl1TC6nu79C8C0bwg-{severity}",
            "timestamp": 1762360434.375624,
            "log-level": "error",
            "severity": severity,
            "reason": "bounce",
            "recipient": address,
            "recipient-domain": address.split("@")[-1],
            "message": {"headers": {"message-id": "20261105.1.abc@mg.example.com"}},
            "delivery-status": {
                "code": 550,
                "message": "5.1.1 The email account that you tried to reach does not exist.",
                "description": "",
                "attempt-no": 1,
            },
            "tags": [],
            "user-variables": {},
        },
    }


def brevo_event(address: str, *, event: str = "hard_bounce") -> dict:
    # https://developers.brevo.com/docs/transactional-webhooks
    return {
        "event": event,
        "email": address,
        "id": 123456,
        "date": "2026-11-05 16:33:54",
        "ts": 1762360434,
        "message-id": "<202611051633.12345@smtp-relay.mailin.fr>",
        "ts_event": 1762360434,
        "subject": "Your result",
        "tag": "",
        "sending_ip": "185.41.28.109",
        "ts_epoch": 1762360434000,
        "reason": "550 5.1.1 user unknown",
    }


def post(client, provider: str, payload, **extra):
    return client.post(
        f"/anymail/{provider}/tracking/",
        data=payload if isinstance(payload, str | bytes) else json.dumps(payload),
        content_type="application/json",
        **(auth() | extra),
    )


def suppressed(address: str) -> Suppression | None:
    return Suppression.objects.active().for_address(address).first()


# Each provider's hard bounce and complaint --------------------------------------------------


@pytest.mark.parametrize(
    ("provider", "payload", "reason"),
    [
        ("postmark", postmark_bounce, Suppression.Reason.HARD_BOUNCE),
        ("postmark", postmark_complaint, Suppression.Reason.COMPLAINT),
        ("sendgrid", sendgrid_events, Suppression.Reason.HARD_BOUNCE),
        ("sendgrid", lambda a: sendgrid_events(a, event="spamreport"), "complaint"),
        ("mailgun", mailgun_failed, Suppression.Reason.HARD_BOUNCE),
        ("brevo", brevo_event, Suppression.Reason.HARD_BOUNCE),
        ("brevo", lambda a: brevo_event(a, event="spam"), Suppression.Reason.COMPLAINT),
        ("brevo", lambda a: brevo_event(a, event="unsubscribe"), "provider_unsubscribe"),
    ],
)
def test_a_providers_bounce_or_complaint_suppresses_the_address(client, provider, payload, reason):
    lead = make_lead(email="dana@example.com")
    response = post(client, provider, payload("dana@example.com"))
    assert response.status_code == 200
    row = suppressed("dana@example.com")
    assert row is not None and row.reason == reason
    assert row.source == f"{NAMES[provider]} webhook"
    # Nothing more goes to them, transactional mail included.
    email = enqueue(lead, dedupe_key="fresh-link", kind="fresh_link")
    assert email.status == OutboundEmail.Status.CANCELLED
    assert "suppression list" in email.last_error


def test_amazon_ses_bounce_through_sns(client):
    make_lead(email="erin@example.com")
    sns, headers = ses_notification("erin@example.com")
    response = client.post(
        "/anymail/amazon_ses/tracking/",
        data=json.dumps(sns),
        content_type="text/plain; charset=UTF-8",
        **(auth() | headers),
    )
    assert response.status_code == 200
    assert suppressed("erin@example.com").reason == Suppression.Reason.HARD_BOUNCE


def test_soft_bounces_are_counted_and_suppress_at_the_limit(client, settings):
    settings.SUPPRESS_AFTER_SOFT_BOUNCES = 3
    make_lead(email="finn@example.com")
    for number in range(1, 3):
        assert (
            post(
                client,
                "postmark",
                postmark_bounce("finn@example.com", kind="SoftBounce", event_id=number),
            ).status_code
            == 200
        )
    row = Suppression.objects.get(address="finn@example.com")
    assert (row.soft_bounces, row.is_active) == (2, False)
    sns, headers = ses_notification("finn@example.com", bounce_type="Transient")
    client.post(
        "/anymail/amazon_ses/tracking/",
        data=json.dumps(sns),
        content_type="text/plain",
        **(auth() | headers),
    )
    row.refresh_from_db()
    assert row.is_active and row.reason == Suppression.Reason.SOFT_BOUNCES


def test_mailgun_temporary_failure_is_a_soft_bounce(client):
    make_lead(email="gail@example.com")
    post(client, "mailgun", mailgun_failed("gail@example.com", severity="temporary"))
    row = Suppression.objects.get(address="gail@example.com")
    assert (row.soft_bounces, row.is_active) == (1, False)


# Bad inputs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "extra",
    [{}, auth("hooks:wrong"), {"HTTP_AUTHORIZATION": "Bearer nothing"}],
    ids=["missing", "wrong", "not-basic"],
)
@pytest.mark.parametrize("provider", ["postmark", "sendgrid", "brevo", "mailgun"])
def test_a_wrong_or_missing_secret_is_refused_and_changes_nothing(client, provider, extra):
    make_lead(email="dana@example.com")
    payloads = {
        "postmark": postmark_bounce,
        "sendgrid": sendgrid_events,
        "brevo": brevo_event,
        "mailgun": mailgun_failed,
    }
    response = client.post(
        f"/anymail/{provider}/tracking/",
        data=json.dumps(payloads[provider]("dana@example.com")),
        content_type="application/json",
        **extra,
    )
    assert response.status_code in (400, 401, 403)
    assert not Suppression.objects.exists()
    assert not MailEvent.objects.exists()


def test_amazon_ses_without_credentials_is_asked_for_them(client):
    make_lead(email="dana@example.com")
    sns, headers = ses_notification("dana@example.com")
    response = client.post(
        "/anymail/amazon_ses/tracking/", data=json.dumps(sns), content_type="text/plain", **headers
    )
    assert response.status_code == 401  # SNS sends basic auth only after a 401
    assert not Suppression.objects.exists()


def test_a_bad_mailgun_signature_is_refused(client):
    make_lead(email="dana@example.com")
    payload = mailgun_failed("dana@example.com")
    payload["signature"]["signature"] = "0" * 64
    assert post(client, "mailgun", payload).status_code == 400
    assert not Suppression.objects.exists()


def test_without_a_configured_secret_the_webhooks_refuse_everything(client, settings):
    settings.ANYMAIL = {}
    make_lead(email="dana@example.com")
    response = post(client, "postmark", postmark_bounce("dana@example.com"))
    assert response.status_code == 403
    assert not Suppression.objects.exists()


@pytest.mark.parametrize(
    ("provider", "body"),
    [
        ("postmark", "{not json"),
        ("postmark", json.dumps({"RecordType": "Bounce"})),
        ("sendgrid", json.dumps({"not": "a list"})),
        ("brevo", json.dumps([1, 2, 3])),
        ("mailgun", json.dumps({"signature": "nope"})),
        ("amazon_ses", "{not json"),
        ("postmark", b"\xff\xfe\x00"),
    ],
)
def test_a_malformed_payload_is_a_400_never_a_500(client, provider, body):
    response = post(
        client,
        provider,
        body,
        HTTP_X_AMZ_SNS_MESSAGE_TYPE="Notification",
        HTTP_X_AMZ_SNS_MESSAGE_ID="x",
    )
    assert response.status_code == 400
    assert not Suppression.objects.exists()


def test_an_unknown_address_is_accepted_logged_and_ignored(client, caplog):
    with caplog.at_level(logging.WARNING, logger="leads.services"):
        response = post(client, "postmark", postmark_bounce("stranger@example.net"))
    assert response.status_code == 200
    assert not Suppression.objects.exists()
    assert "never wrote to" in caplog.text
    assert "stranger@example.net" not in caplog.text  # no address in the logs


def test_the_same_event_twice_changes_nothing_the_second_time(client, settings):
    settings.SUPPRESS_AFTER_SOFT_BOUNCES = 3
    make_lead(email="hal@example.com")
    soft = postmark_bounce("hal@example.com", kind="SoftBounce", event_id=7)
    assert post(client, "postmark", soft).status_code == 200
    assert post(client, "postmark", soft).status_code == 200
    assert Suppression.objects.get(address="hal@example.com").soft_bounces == 1
    hard = postmark_bounce("hal@example.com")
    post(client, "postmark", hard)
    first = Suppression.objects.get(address="hal@example.com")
    post(client, "postmark", hard)
    again = Suppression.objects.get(address="hal@example.com")
    assert (again.suppressed_at, again.reason, again.updated_at) == (
        first.suppressed_at,
        first.reason,
        first.updated_at,
    )
    assert MailEvent.objects.count() == 2


def test_an_address_typed_differently_is_still_suppressed(client):
    lead = make_lead(email="dana@example.com")
    post(client, "postmark", postmark_bounce("Dana@Example.COM "))
    for typed in [
        "dana@example.com",
        "DANA@example.com",
        " dana@example.com",
        "\uff44ana@example.com",
    ]:
        assert suppressed(typed) is not None, typed
    assert enqueue(lead).status == OutboundEmail.Status.CANCELLED


def test_providers_need_no_csrf_token():
    from django.test import Client

    make_lead(email="dana@example.com")
    strict = Client(enforce_csrf_checks=True)
    assert post(strict, "postmark", postmark_bounce("dana@example.com")).status_code == 200
    assert suppressed("dana@example.com") is not None
