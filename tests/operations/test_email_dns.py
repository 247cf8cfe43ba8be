"""manage.py email_dns: the DNS records the mail settings call for."""

import pytest
from django.core.management import call_command

from tests.leads import dkim_keys

pytestmark = pytest.mark.django_db


dkim_on, private_key = dkim_keys.dkim_on, dkim_keys.private_key  # the fixtures


def test_email_dns_prints_spf_dkim_and_dmarc(dkim_on, settings, capsys):
    settings.EMAIL_ENVELOPE_FROM = "bounces@mail.example.com"
    settings.MAILERS = {
        "default": {
            "BACKEND": "leads.dkim_signing.EmailBackend",
            "OPTIONS": {"host": "smtp.example.net", "port": 587},
        }
    }
    call_command("email_dns", no_check=True)
    out = capsys.readouterr().out
    assert 'mail.example.com.\tTXT\t"v=spf1 a:smtp.example.net ~all"' in out
    assert 'site2026._domainkey.example.com.\tTXT\t"v=DKIM1; k=rsa; p=' in out
    assert '_dmarc.example.com.\tTXT\t"v=DMARC1; p=none;' in out
    dkim_line = next(line for line in out.splitlines() if "_domainkey" in line)
    assert all(len(part) <= 257 for part in dkim_line.split("\t")[2].split('" "'))


def test_email_dns_without_dkim_says_so(settings, capsys):
    settings.DKIM_PRIVATE_KEY = ""
    call_command("email_dns", no_check=True)
    assert "DKIM: not set up" in capsys.readouterr().out
