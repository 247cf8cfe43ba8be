"""leads.addresses: which typed addresses we refuse, suggest a fix for, or flag."""

import pytest
from disposable_email_domains import blocklist

from leads.addresses import address_review, domain_suggestion, is_role_address, mailer_accepts
from tests.wire import smtp_prep_address

OWN = {"example.com", "careers.example.com"}


def review(address: str):
    return address_review(address, own_domains=OWN, disposable_domains=blocklist)


@pytest.mark.parametrize(
    ("address", "says"),
    [
        ("=?utf-8?q?x?=@example.org", "encoded text"),
        ('"dana smith"@example.org', "written like that"),
        ("dana@localhost", "needs a dot"),
        ("dana@intranet", "needs a dot"),
        ("postmaster@example.com", "our own addresses"),
        ("abuse@careers.example.com", "our own addresses"),
        ("x@mailinator.com", "temporary inbox"),
        ("x@guerrillamail.com", "temporary inbox"),
    ],
)
def test_addresses_we_cannot_or_must_not_mail_are_refused(address, says):
    assert says in review(address).refusal


@pytest.mark.parametrize(
    ("address", "suggestion", "keep_allowed"),
    [
        ("dana@gmial.con", "dana@gmail.com", False),
        ("dana@gmail.co", "dana@gmail.com", True),
        ("dana@gmial.com", "dana@gmail.com", False),  # also a registered throw-away domain
        ("dana@hotmial.com", "dana@hotmail.com", False),
        ("dana@outlok.com", "dana@outlook.com", True),
        ("dana@yahooo.com", "dana@yahoo.com", True),
        ("dana@sunpower.con", "dana@sunpower.com", False),
    ],
)
def test_likely_typos_get_a_suggestion(address, suggestion, keep_allowed):
    result = review(address)
    assert (result.refusal, result.suggestion, result.keep_allowed) == (
        "",
        suggestion,
        keep_allowed,
    )
    assert result.problem(kept=False) == f"Did you mean {suggestion}?"
    assert bool(result.problem(kept=True)) is not keep_allowed


@pytest.mark.parametrize(
    "address",
    ["dana@gmail.com", "dana@hotmail.fr", "dana@acme.com", "dana@sunpower.com", "bo@gmx.net"],
)
def test_ordinary_addresses_pass_untouched(address):
    result = review(address)
    assert (result.refusal, result.suggestion, result.is_role) == ("", "", False)
    assert domain_suggestion(address.split("@")[1]) == ("", True)


def test_role_addresses_elsewhere_are_accepted_and_flagged():
    result = review("info@acme-solar.com")
    assert result.problem(kept=False) == "" and result.is_role
    assert is_role_address("Sales@acme-solar.com") and not is_role_address("dana@acme.com")


@pytest.mark.parametrize(
    ("address", "accepted"),
    [
        ("dana@example.org", True),
        ("dana.smith+quiz@example.org", True),
        ('"dana"@example.org', False),
        ("dana@example.org, eve@example.org", False),
        ("Dana <dana@example.org>", False),
        ("dana@", False),
        ("jos\u00e9@example.org", False),  # a non-ASCII local part needs SMTPUTF8
    ],
)
def test_mailer_accepts_matches_what_the_smtp_backend_sends(address, accepted):

    assert mailer_accepts(address) is accepted
    if accepted:
        smtp_prep_address(address)
