"""Every email shares one layout: inlined CSS, a text part, the address and unsubscribe."""

import re

import pytest
from django.template import engines

from leads.rendering import email_render
from leads.services import lead_capture
from leads.tokens import lead_id_from_unsubscribe_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def email_templates(tmp_path, settings):
    """A throwaway email template that extends the real base layout."""
    folder = tmp_path / "templates" / "emails"
    folder.mkdir(parents=True)
    (folder / "sample.subject.txt").write_text("Hello {{ name }}\nwith a line break")
    (folder / "sample.html").write_text(
        '{% extends "emails/base.html" %}{% block content %}<h1>Hi {{ name }}</h1>{% endblock %}'
    )
    (folder / "sample.txt").write_text(
        '{% extends "emails/base.txt" %}{% block content %}Hi {{ name }}{% endblock %}'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]}
    ]
    engines._engines = {}  # the template engine caches its DIRS
    yield
    engines._engines = {}


def _lead():
    return lead_capture(
        email="Ana@Example.com",
        first_name="Ana",
        consent_follow_ups=False,
        consent_text="",
        ip_address=None,
        source={},
    )


def test_rendered_email_has_inlined_css_text_part_address_and_unsubscribe(
    email_templates, settings
):
    lead = _lead()
    rendered = email_render(template="sample", context={"name": "<Ana>"}, lead=lead)
    assert rendered.subject == "Hello <Ana> with a line break"  # one header line
    assert "<h1 style=" in rendered.html_body  # CSS moved onto the element
    assert "Hi &lt;Ana&gt;" in rendered.html_body  # escaped in HTML
    assert rendered.text_body.startswith("Hi <Ana>")  # plain in text
    for part in (rendered.html_body, rendered.text_body):
        assert settings.FIRM_POSTAL_ADDRESS in part
        # The token is timestamped, so compare whose link it is, not its exact text.
        token = re.search(r"/email/unsubscribe/([^/\s\"]+)/", part)[1]
        assert lead_id_from_unsubscribe_token(token) == lead.pk
    assert "<img" not in rendered.html_body  # no tracking pixels


def test_email_without_a_lead_has_no_unsubscribe_link(email_templates):
    rendered = email_render(template="sample", context={"name": "team"}, lead=None)
    assert "Unsubscribe" not in rendered.html_body
    assert "Unsubscribe" not in rendered.text_body


def test_lead_capture_keeps_the_latest_result_as_segment():
    lead = _lead()
    assert lead.segment == ""
    again = lead_capture(
        email="ana@example.com",
        first_name="Ana",
        consent_follow_ups=False,
        consent_text="",
        ip_address=None,
        source={},
        segment="Career\nfocused",
    )
    assert again.pk == lead.pk
    assert again.segment == "Career focused"
