"""manage.py email_dns reads the records back from a real DNS server on loopback."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from leads.dkim_signing import dkim_public_record
from tests.dns_server import dns_server
from tests.leads import dkim_keys

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

dkim_on, private_key = dkim_keys.dkim_on, dkim_keys.private_key  # the fixtures

SPF = ("mail.example.com", "v=spf1 a:smtp.example.net ~all")
DMARC = ("_dmarc.example.com", "v=DMARC1; p=none; rua=mailto:dmarc-reports@example.com")
DKIM_NAME = "site2026._domainkey.example.com"


@pytest.fixture
def mail_settings(dkim_on, settings):
    settings.EMAIL_ENVELOPE_FROM = "bounces@mail.example.com"
    settings.MAILERS = {
        "default": {
            "BACKEND": "leads.dkim_signing.EmailBackend",
            "OPTIONS": {"host": "smtp.example.net", "port": 587},
        }
    }


@pytest.fixture
def zone(mail_settings):
    with dns_server() as (zone, address):
        zone.address = address
        yield zone


def run(zone, **options) -> str:
    out = StringIO()
    call_command("email_dns", nameserver=zone.address, stdout=out, **options)
    return out.getvalue().split("; What DNS publishes now")[1]


def publish_all(zone, private_key) -> None:
    zone.publish(*SPF)
    zone.publish(*DMARC)
    zone.publish(DKIM_NAME, dkim_public_record(private_key.encode()))


def test_records_published_as_printed_are_all_ok(zone, private_key):
    publish_all(zone, private_key)
    report = run(zone, strict=True)
    assert "; ok         mail.example.com. SPF published: v=spf1 a:smtp.example.net ~all" in report
    # The 2048-bit key comes back in 255-character strings and is joined before comparing.
    assert f"; ok         {DKIM_NAME}. DKIM key matches DKIM_PRIVATE_KEY" in report
    assert "; ok         _dmarc.example.com. DMARC published, policy none" in report
    assert "NEEDS WORK" not in report
    assert set(zone.queries) == {"mail.example.com.", f"{DKIM_NAME}.", "_dmarc.example.com."}


def test_nothing_published_yet_says_what_is_missing(zone):
    report = run(zone)
    assert "NEEDS WORK mail.example.com. no SPF record" in report
    assert f"NEEDS WORK {DKIM_NAME}. no DKIM key published" in report
    assert "NEEDS WORK _dmarc.example.com. no DMARC record" in report
    with pytest.raises(CommandError, match="3 of 3 records need work"):
        run(zone, strict=True)


@pytest.mark.parametrize(
    ("publish", "expected"),
    [
        (
            [(SPF[0], SPF[1], "v=spf1 include:_spf.example.org ~all")],
            "NEEDS WORK mail.example.com. 2 SPF records: receivers treat that as an error",
        ),
        (
            [("_dmarc.example.com", "v=DMARC1; rua=mailto:x@example.com")],
            "NEEDS WORK _dmarc.example.com. DMARC record without a valid policy",
        ),
        (
            [("_dmarc.example.com", "v=DMARC1; p=none", "v=DMARC1; p=reject")],
            "NEEDS WORK _dmarc.example.com. 2 DMARC records: receivers ignore them all",
        ),
        (
            [(DKIM_NAME, "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAold")],
            f"NEEDS WORK {DKIM_NAME}. the published DKIM key is not DKIM_PRIVATE_KEY's public half",
        ),
    ],
)
def test_a_wrong_record_is_named(zone, private_key, publish, expected):
    publish_all(zone, private_key)
    for name, *values in publish:
        zone.publish(name, *values)
    assert expected in run(zone)


def test_a_dns_that_does_not_answer_is_reported_not_fatal(zone, private_key, settings):
    zone.silent = True
    report = run(zone)
    assert "; Not checked: DNS did not answer" in report
    with pytest.raises(CommandError, match="DNS did not answer"):
        run(zone, strict=True)


@pytest.mark.parametrize("server", ["dns.example.com", "127.0.0.1:99999", "127.0.0.1:port"])
def test_a_bad_nameserver_gets_a_clear_error(mail_settings, server):
    with pytest.raises(CommandError, match=f"--nameserver '{server}'"):
        call_command("email_dns", nameserver=server, stdout=StringIO())
