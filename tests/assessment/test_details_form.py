"""The details form at the end: what it asks, and how it cleans and refuses input.

Submitting it is tested in test_submit.py."""

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment.forms import DetailsForm, single_line
from tests.factories import make_quiz

pytestmark = pytest.mark.django_db

VALID = {
    "first_name": "Sam",
    "email": "sam@example.com",
    "current_role": "",
}


@pytest.fixture
def finished(client):
    """A client that has answered every question of a fresh quiz."""
    quiz = make_quiz(questions=2)
    client.post(f"/assessment/{quiz.slug}/")
    for step, question in enumerate(quiz.questions.all(), start=1):
        client.post(f"/assessment/{quiz.slug}/q/{step}/", {"choice": question.choices.first().pk})
    return client, f"/assessment/{quiz.slug}/details/"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Sam", "Sam"),
        ("  Sam  ", "Sam"),
        ("Sam\r\nBcc: evil@example.com", "Sam Bcc: evil@example.com"),
        ("Sa\x07m\u200b", "Sam"),
        ("Anne-Marie O'Neil", "Anne-Marie O'Neil"),
        ("José\tÁlvarez", "José Álvarez"),
        ("\u202eevil", "evil"),
        (
            "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
            "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
        ),
    ],
)
def test_single_line_strips_control_characters_and_newlines(raw, clean):
    assert single_line(raw) == clean


@given(st.text())
def test_single_line_never_keeps_a_line_break_or_control_character(raw):
    clean = single_line(raw)
    assert single_line(clean) == clean
    assert clean == clean.strip()
    assert not any(unicodedata.category(c) in {"Cc", "Zl", "Zp"} for c in clean)
    assert not any(c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069" for c in clean)


def test_a_valid_form_cleans_its_fields():
    form = DetailsForm(
        VALID | {"first_name": " Sam\n", "email": "Sam@Example.COM", "current_role": "VP\r\nSales"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["first_name"] == "Sam"
    assert form.cleaned_data["email"] == "Sam@example.com"
    assert form.cleaned_data["current_role"] == "VP Sales"
    assert form.cleaned_data["follow_up_consent"] is False
    assert not form.is_probably_a_bot


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"first_name": ""}, "first_name"),
        ({"first_name": "\x00\x01"}, "first_name"),
        ({"first_name": "\u200b\u200b"}, "first_name"),
        ({"first_name": "x" * 81}, "first_name"),
        ({"email": ""}, "email"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "sam@example..com"}, "email"),
        ({"email": "sam@localhost"}, "email"),
        ({"email": "a" * 250 + "@example.com"}, "email"),
        ({"current_role": "x" * 121}, "current_role"),
    ],
)
def test_invalid_input_is_refused_on_the_right_field(changes, field):
    form = DetailsForm(VALID | changes)
    assert not form.is_valid()
    assert field in form.errors


def test_the_honeypot_marks_bots_without_telling_them():
    form = DetailsForm(VALID | {"website": "http://spam.example"})
    assert form.is_valid() and form.is_probably_a_bot


def test_details_page_has_the_fields_and_an_unticked_follow_up_box(finished):
    client, url = finished
    html = client.get(url).content.decode()
    for name in ("first_name", "email", "current_role", "website"):
        assert f'name="{name}"' in html
    follow_up = re.search(r"<input[^>]*name=\"follow_up_consent\"[^>]*>", html).group(0)
    assert "checked" not in follow_up
    assert re.search(r'class="hp-field"\s+aria-hidden="true"', html)
    assert re.search(r'name="website"[^>]*tabindex="-1"', html)
    assert 'autocomplete="email"' in html and 'autocomplete="given-name"' in html
    # No inline script or style (the CSP allows neither): the one script is a static file.
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/js/time_zone.js" defer>']
    assert "style=" not in html


def test_invalid_details_show_a_linked_error_summary(finished):
    client, url = finished
    response = client.post(url, VALID | {"email": "nope", "first_name": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html and 'id="error-summary"' in html
    assert 'href="#id_email"' in html and 'href="#id_first_name"' in html
    assert re.search(r'aria-describedby="[^"]*\bid_email_error"', html)


def test_the_privacy_notice_is_read_before_sending_and_asks_for_no_tick(finished):
    """Telling people how their details are used is the law's ask; a box to tick was a tap
    more and a way to fail the form. The button points screen readers at the notice."""
    client, url = finished
    html = client.get(url).content.decode()
    notice = re.search(r'<p[^>]*id="privacy-notice"[^>]*>(.*?)</p>', html, re.S)
    assert "never sell them" in notice.group(1) and 'href="/privacy/"' in notice.group(1)
    button = re.search(r'<input type="submit"[^>]*value="Send me my result"[^>]*>', html)
    assert 'aria-describedby="privacy-notice"' in button.group(0)
    assert html.index('id="privacy-notice"') < button.start()
    checkboxes = re.findall(r'<input type="checkbox"[^>]*name="([^"]+)"', html)
    assert checkboxes == ["follow_up_consent"]  # optional, and unticked (test above)
    assert DetailsForm(VALID).is_valid()  # no privacy box in the data


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"first_name": ""}, "first_name", "Enter your first name."),
        ({"first_name": "x" * 81}, "first_name", "Your first name must be 80 characters or fewer."),
        ({"email": ""}, "email", "Enter your email address."),
        ({"email": "sam"}, "email", "Enter your email address in the form name@example.com."),
        (
            {"current_role": "x" * 121},
            "current_role",
            "Your current role must be 120 characters or fewer.",
        ),
    ],
)
def test_each_error_says_what_to_do_about_its_own_field(changes, field, message):
    form = DetailsForm(VALID | changes)
    assert not form.is_valid()
    assert form.errors[field] == [message]


def test_the_error_summary_reads_as_sentences(finished):
    """Each line is the field's own message: no "label: message" with doubled punctuation,
    and nothing generic."""
    client, url = finished
    html = client.post(url, {"website": ""}).content.decode()
    summary = re.search(r'<div class="alert alert-danger error-summary".*?</div>', html, re.S)
    items = re.findall(r"<li><a [^>]*>(.*?)</a></li>", summary.group(0))
    assert items == [
        "Enter your first name.",
        "Enter your email address.",
    ]
    assert "This field is required" not in html
    assert not re.search(r"[.!?:]\s*[.:]", " ".join(items))
    label = re.search(r'<label[^>]*for="id_first_name"[^>]*>(.*?)</label>', html, re.S)
    assert not re.search(r"[.!?]\s*<", label.group(1))  # no full stop before crispy's "*"
