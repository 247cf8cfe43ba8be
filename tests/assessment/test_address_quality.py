"""The details form refuses addresses we can't send to, and offers typo fixes, without JS."""

import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.forms import DetailsForm
from leads.models import Lead
from leads.services import suppression_add
from tests.assessment.test_details_form import VALID
from tests.assessment.walk import answer_all, details_url
from tests.factories import make_quiz
from tests.wire import smtp_prep_address

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(client):
    """A visitor who answered every question, at a human pace."""
    quiz = make_quiz(questions=2)
    answer_all(client, quiz)
    return client, details_url(quiz)


def email_error(form: DetailsForm) -> str:
    assert not form.is_valid()
    return " ".join(form.errors["email"])


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("=?utf-8?q?x?=@example.org", "encoded text"),
        ("dana@gmial.con", "Did you mean dana@gmail.com?"),
        ("x@mailinator.com", "temporary inbox"),
        ("postmaster@example.com", "our own addresses"),
        ("dana@intranet", "Enter your email address in the form name@example.com"),
    ],
)
def test_the_form_refuses_what_we_cannot_send(typed, says):
    assert says in email_error(DetailsForm(VALID | {"email": typed}))


def test_a_typo_is_fixed_with_one_click_and_no_javascript(finished):
    client, url = finished
    page = client.post(url, VALID | {"email": "dana@gmial.con"})
    html = page.content.decode()
    assert page.status_code == 200 and "Did you mean" in html
    button = re.search(r'<button type="submit" name="email_choice" value="([^"]+)"', html)
    assert button and button.group(1) == "dana@gmail.com"
    assert "No, keep" not in html  # ".con" can't be right
    # The page was a form post: the button sends every field again, with the choice.
    done = client.post(url, VALID | {"email": "dana@gmial.con", "email_choice": "dana@gmail.com"})
    assert done.status_code == 302
    assert Lead.objects.get().email == "dana@gmail.com"


def test_a_suggestion_can_be_declined_when_the_typed_domain_may_be_right(finished):
    client, url = finished
    html = client.post(url, VALID | {"email": "dana@gmail.co"}).content.decode()
    assert 'name="email_choice" value="dana@gmail.co"' in html and "No, keep" in html
    done = client.post(url, VALID | {"email": "dana@gmail.co", "email_choice": "dana@gmail.co"})
    assert done.status_code == 302
    assert Lead.objects.get().email == "dana@gmail.co"


def test_a_suppressed_visitor_is_told_and_can_correct_it(finished):
    client, url = finished
    suppression_add(address="dana@example.org", reason="hard_bounce", source="test")
    page = client.post(url, VALID | {"email": "Dana@Example.org"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "We can&#x27;t send email to this address" in html
    assert 'href="#id_email"' in html  # the error summary links to the field to correct
    assert not Lead.objects.exists()
    done = client.post(url, VALID | {"email": "dana.new@example.org"})
    assert done.status_code == 302


def test_role_addresses_elsewhere_are_accepted_and_staff_can_filter_them(admin_client):
    form = DetailsForm(VALID | {"email": "info@acme-solar.com"})
    assert form.is_valid(), form.errors
    Lead.objects.create(email="info@acme-solar.com", first_name="Info")
    Lead.objects.create(email="dana@acme-solar.com", first_name="Dana")
    html = admin_client.get("/admin/leads/lead/?address=role").content.decode()
    assert "info@acme-solar.com" in html and "dana@acme-solar.com" not in html


TRICKY = [
    "dana@example.org",
    "dana+quiz@example.org",
    "d.ana@sub.example.org",
    '"dana"@example.org',
    "dana@example.org.",
    "dana@[127.0.0.1]",
    "jos\u00e9@example.org",
    "dana@b\u00fccher.example",
    "=?utf-8?q?x?=@example.org",
    "dana(comment)@example.org",
    "dana@example.org\n",
    "a" * 64 + "@example.org",
]
LOCAL = st.text(string.ascii_letters + string.digits + "!#$%&'*+-/=?^_`{|}~.\"()", min_size=1)


def _accepted_addresses_are_sendable(typed: str) -> None:
    form = DetailsForm(VALID | {"email": typed})
    if form.is_valid():
        smtp_prep_address(form.cleaned_data["email"])  # raises if it can't be sent


@pytest.mark.parametrize("typed", TRICKY)
def test_every_address_the_form_accepts_the_mailer_accepts(typed):
    _accepted_addresses_are_sendable(typed)


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.emails(), st.builds(lambda local: f"{local}@example.org", LOCAL)))
def test_every_generated_address_the_form_accepts_the_mailer_accepts(typed):
    _accepted_addresses_are_sendable(typed)
