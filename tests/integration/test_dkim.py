"""DKIM: mail sent over SMTP carries a signature that verifies against the published key."""

import dkim
import pytest

from leads.dkim_signing import dkim_public_record
from leads.services import email_deliver
from tests.leads import dkim_keys
from tests.leads.factories import enqueue, make_lead
from tests.wire import raw_headers

pytestmark = [pytest.mark.integration, pytest.mark.django_db, pytest.mark.timeout(60)]


dkim_on, private_key = dkim_keys.dkim_on, dkim_keys.private_key  # the fixtures


def test_smtp_mail_is_signed_and_verifies_against_the_dns_record(
    dkim_on, smtp_server, settings, private_key
):
    smtp = settings.MAILERS["default"]  # the loopback server, through the signing backend
    settings.MAILERS = {"default": smtp | {"BACKEND": "leads.dkim_signing.EmailBackend"}}
    email_deliver(email_id=enqueue(make_lead(email="ana@example.org")).pk)
    [raw] = smtp_server.raw
    signature = " ".join(raw_headers(raw)["dkim-signature"])
    assert "d=example.com" in signature and "s=site2026" in signature
    signed = signature.split("h=", 1)[1].split(";", 1)[0].replace(" ", "").lower().split(":")
    for name in ("from", "to", "subject", "date", "message-id", "list-unsubscribe"):
        assert name in signed
    assert "list-unsubscribe-post" in signed

    record = dkim_public_record(private_key.encode()).encode()
    looked_up = []

    def dns(name: bytes, timeout: int = 5) -> bytes:
        looked_up.append(name)
        return record

    assert dkim.verify(raw, dnsfunc=dns)
    assert looked_up == [b"site2026._domainkey.example.com."]
    # A changed unsubscribe header breaks the signature.
    tampered = raw.replace(b"List-Unsubscribe-Post: List-Unsubscribe=One-Click", b"X-Other: x")
    assert not dkim.verify(tampered, dnsfunc=dns)


def test_a_call_invitation_with_its_calendar_parts_verifies_too(
    dkim_on, smtp_server, settings, private_key
):
    """The calendar travels as 8-bit text with non-ASCII names in it: the signature must
    cover it as the server receives it."""
    smtp = settings.MAILERS["default"]
    settings.MAILERS = {"default": smtp | {"BACKEND": "leads.dkim_signing.EmailBackend"}}
    calendar = (
        "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nSUMMARY:Call with Zoë Müller\r\nEND:VCALENDAR\r\n"
    )
    row = enqueue(make_lead(email="zoe@example.org"), calendar=calendar, kind="call_invite")
    email_deliver(email_id=row.pk)
    [raw] = smtp_server.raw
    assert b"text/calendar" in raw and b"invite.ics" in raw
    record = dkim_public_record(private_key.encode()).encode()
    assert dkim.verify(raw, dnsfunc=lambda name, timeout=5: record)
