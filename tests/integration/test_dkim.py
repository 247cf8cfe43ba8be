"""DKIM: mail sent over SMTP carries a signature that verifies against the published key."""

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.management import call_command

from leads.dkim_signing import dkim_public_record
from leads.services import email_deliver
from tests.leads.factories import enqueue, make_lead
from tests.wire import raw_headers

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(60)]


@pytest.fixture(scope="module")
def private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture
def dkim_on(settings, private_key):
    settings.DKIM_SELECTOR = "site2026"
    settings.DKIM_DOMAIN = "example.com"
    settings.DKIM_PRIVATE_KEY = private_key
    settings.RESULT_FROM_EMAIL = "careers@example.com"


@pytest.mark.integration
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


def test_email_dns_prints_spf_dkim_and_dmarc(dkim_on, settings, capsys):
    settings.EMAIL_ENVELOPE_FROM = "bounces@mail.example.com"
    settings.MAILERS = {
        "default": {
            "BACKEND": "leads.dkim_signing.EmailBackend",
            "OPTIONS": {"host": "smtp.example.net", "port": 587},
        }
    }
    call_command("email_dns")
    out = capsys.readouterr().out
    assert 'mail.example.com.\tTXT\t"v=spf1 a:smtp.example.net ~all"' in out
    assert 'site2026._domainkey.example.com.\tTXT\t"v=DKIM1; k=rsa; p=' in out
    assert '_dmarc.example.com.\tTXT\t"v=DMARC1; p=none;' in out
    dkim_line = next(line for line in out.splitlines() if "_domainkey" in line)
    assert all(len(part) <= 257 for part in dkim_line.split("\t")[2].split('" "'))


def test_email_dns_without_dkim_says_so(settings, capsys):
    settings.DKIM_PRIVATE_KEY = ""
    call_command("email_dns")
    assert "DKIM: not set up" in capsys.readouterr().out
