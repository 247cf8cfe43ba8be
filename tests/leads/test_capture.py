"""lead_capture: one lead per address, clean text, consent on record."""

import pytest
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from leads.models import Lead
from leads.services import lead_capture, lead_unsubscribe

pytestmark = pytest.mark.django_db

CONSENT = "Yes, send me a few follow-up emails about my career. I can stop them at any time."


def capture(**fields) -> Lead:
    defaults = {
        "email": "ana@example.com",
        "first_name": "Ana",
        "consent_follow_ups": False,
        "consent_text": CONSENT,
        "ip_address": "203.0.113.9",
        "source": {},
    }
    return lead_capture(**(defaults | fields))


def test_email_is_trimmed_and_lower_cased():
    lead = capture(email="  Ana.Silva@Example.COM \n")
    assert lead.email == "ana.silva@example.com"


def test_returning_visitor_updates_the_same_lead():
    first = capture(email="ana@example.com", first_name="Ana", current_role="Installer")
    again = capture(email="ANA@example.com ", first_name="Ana Maria", current_role="")
    assert again.pk == first.pk
    assert Lead.objects.count() == 1
    again.refresh_from_db()
    assert again.first_name == "Ana Maria"
    assert again.current_role == "Installer"  # a blank answer does not wipe what we knew


def test_a_new_lead_is_written_once_and_a_returning_one_updated_once():
    """One history row for a new lead (it was an INSERT then an UPDATE, and two)."""
    lead = capture(first_name="Ana")
    assert lead.history.count() == 1
    capture(first_name="Ana Maria")
    assert lead.history.count() == 2


def test_the_same_address_inserted_elsewhere_a_moment_before_updates_that_lead(monkeypatch):
    """Two submissions of one address at once: the second's look-up found nothing, its
    insert fails on the unique address, and it updates the lead the first one made."""
    first = capture(first_name="Ana", current_role="Installer")
    real_first = QuerySet.first
    calls = []

    def missed_once(queryset):
        calls.append(queryset.model)
        return None if len(calls) == 1 else real_first(queryset)

    monkeypatch.setattr(QuerySet, "first", missed_once)
    again = capture(first_name="Ana Maria", consent_follow_ups=True)
    assert calls[0] is Lead
    assert again.pk == first.pk and Lead.objects.count() == 1
    again.refresh_from_db()
    assert again.first_name == "Ana Maria" and again.current_role == "Installer"
    assert again.consented


def test_case_variants_cannot_make_a_second_lead_even_bypassing_the_service():
    capture(email="ana@example.com")
    with pytest.raises(Exception):  # noqa: B017 - IntegrityError, whatever the database
        Lead.objects.create(email="ANA@example.com", first_name="X")


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Ana\r\nBcc: victim@example.com", "Ana Bcc: victim@example.com"),
        ("  Ana\t\x00\x1b[31m  ", "Ana [31m"),
        ("Ana\u2028Maria\u0085", "Ana Maria"),
        ("Ana\u202egnp.exe", "Anagnp.exe"),  # a bidi override would reverse the text
        ("\u0915\u094d\u200d\u0937", "\u0915\u094d\u200d\u0937"),  # joiners stay
    ],
)
def test_names_lose_control_characters_and_line_breaks(raw, expected):
    lead = capture(first_name=raw, current_role=raw)
    assert lead.first_name == expected
    assert lead.current_role == expected


def test_very_long_names_are_cut_to_fit():
    lead = capture(first_name="A" * 5000, current_role="B" * 5000)
    assert lead.first_name == "A" * 100
    assert len(lead.current_role) == 150


@pytest.mark.parametrize("name", ["", "   ", "\n\r\t", "\x00"])
def test_an_empty_name_is_refused(name):
    with pytest.raises(ValidationError):
        capture(first_name=name)
    assert not Lead.objects.exists()


@pytest.mark.parametrize(
    "email",
    [
        "",
        "not-an-email",
        "ana@example.com\r\nBcc: x@example.com",
        "a@b",
        None,
        "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".com",
    ],
)
def test_bad_addresses_are_refused(email):
    with pytest.raises(ValidationError):
        capture(email=email)


def test_consent_is_recorded_with_time_wording_and_ip():
    lead = capture(consent_follow_ups=True)
    assert lead.consented
    assert lead.consent_at is not None
    assert lead.consent_text == CONSENT
    assert lead.consent_ip == "203.0.113.9"
    assert lead.confirmed_at is None


def test_no_consent_records_nothing():
    lead = capture(consent_follow_ups=False, ip_address=None)
    assert not lead.consented
    assert lead.consent_at is None
    assert lead.consent_ip is None


def test_not_ticking_again_keeps_earlier_consent():
    capture(consent_follow_ups=True)
    lead = capture(consent_follow_ups=False)
    assert lead.consented


def test_consenting_again_after_unsubscribing_needs_a_new_confirmation():
    lead = capture(consent_follow_ups=True)
    Lead.objects.filter(pk=lead.pk).update(confirmed_at=lead.consent_at)
    lead_unsubscribe(lead=lead)
    lead = capture(consent_follow_ups=True)
    assert lead.unsubscribed_at is None
    assert lead.confirmed_at is None


def test_first_source_is_kept_and_cleaned():
    source = {
        "landing_path": "/articles/career-or-job/",
        "landing_title": "Are you Career\nor Job Focused?",
        "referrer": "https://www.google.com/",
        "utm_source": "linkedin",
        "utm_medium": "social",
        "utm_campaign": "spring\r\n",
        "utm_term": "x" * 1000,
        "utm_content": "post-1",
        "unknown": "ignored",
    }
    lead = capture(source=source)
    capture(source={"landing_path": "/elsewhere/"})
    lead.refresh_from_db()
    assert lead.landing_path == "/articles/career-or-job/"
    assert lead.landing_title == "Are you Career or Job Focused?"
    assert lead.utm_campaign == "spring"
    assert len(lead.utm_term) == 200


@pytest.mark.parametrize(
    "raw, stored",
    [
        ("2001:db8::1", "2001:db8::1"),
        (" 198.51.100.7 ", "198.51.100.7"),
        ("198.51.100.7, 10.0.0.1", None),
        ("unknown", None),
        ("", None),
    ],
)
def test_consent_ip_is_a_real_address_or_nothing(raw, stored):
    lead = capture(consent_follow_ups=True, ip_address=raw)
    lead.refresh_from_db()
    assert lead.consent_ip == stored
