"""A follow-up reads like a letter from a person: real lists, one clear action, a signature."""

import re

import pytest
from django.contrib.auth import get_user_model

from leads.follow_up_email import body_blocks, preheader
from leads.services import follow_up_render
from tests.leads.factories import make_reachable_lead, make_step

BODY = (
    "You can start this month:\n\n"
    "- Mentor the next new hire.\n"
    "- Run a project team: a launch,\n"
    "  a territory review.\n"
    "* Train others.\n\n"
    "What recruiters look for:\n"
    "1. People you developed.\n"
    "2) Teams you led.\n\n"
    "See https://example.com/guide for more.\n"
    "A second line of the same paragraph."
)


def test_dash_and_number_lines_become_lists_and_the_rest_paragraphs():
    blocks = [(block.kind, block.lines) for block in body_blocks(BODY)]
    assert blocks == [
        ("p", ["You can start this month:"]),
        (
            "ul",
            [
                "Mentor the next new hire.",
                "Run a project team: a launch, a territory review.",  # a wrapped item
                "Train others.",
            ],
        ),
        ("p", ["What recruiters look for:"]),
        ("ol", ["People you developed.", "Teams you led."]),
        ("p", ["See https://example.com/guide for more.", "A second line of the same paragraph."]),
    ]


def test_text_without_lists_stays_paragraphs():
    assert [(b.kind, b.lines) for b in body_blocks("One.\r\n\r\n\r\nTwo\nlines.")] == [
        ("p", ["One."]),
        ("p", ["Two", "lines."]),
    ]
    assert body_blocks("  \n\n ") == []


def test_preheader_is_the_bodys_first_words_cut_at_a_word():
    assert preheader("Short   and\nsweet.") == "Short and sweet."
    long = preheader("word " * 60)
    assert long.endswith("word\u2026") and len(long) <= 111


@pytest.mark.django_db
def test_html_has_real_lists_while_the_text_part_keeps_the_staffs_words(settings):
    lead = make_reachable_lead(first_name="Ana")
    rendered = follow_up_render(step=make_step(subject="Tips", body=BODY), lead=lead)
    html = re.sub(r' style="[^"]*"', "", rendered.html_body)
    assert "<ul><li>Mentor the next new hire.</li><li>Run a project team" in html
    assert "<ol><li>People you developed.</li><li>Teams you led.</li></ol>" in html
    assert '<a href="https://example.com/guide" rel="nofollow">' in html
    assert "- Mentor the next new hire.\n- Run a project team: a launch," in rendered.text_body
    assert "1. People you developed.\n2) Teams you led." in rendered.text_body
    # The inbox's preview line is the body's opening, hidden in the HTML.
    assert '<div class="preheader"' in rendered.html_body
    assert "display: none" in rendered.html_body.split('class="preheader"')[1][:200]


@pytest.mark.django_db
def test_the_owner_recruiter_signs_and_is_the_one_action(settings):
    settings.FIRM_NAME = "Solar Talent Partners"
    settings.EMAIL_SIGNATURE_RECRUITER_ROLE = "Senior recruiter"
    owner = get_user_model().objects.create_user(
        "rita", email="rita@solartalent.example", first_name="Rita", last_name="Moreno"
    )
    lead = make_reachable_lead(first_name="Ana", owner=owner)
    rendered = follow_up_render(step=make_step(subject="A call?", body="Shall we talk?"), lead=lead)

    html = rendered.html_body
    assert html.count('<a class="button button-primary"') == 1
    button = re.search(r'<a class="button button-primary" href="([^"]+)"[^>]*>([^<]+)</a>', html)
    assert button.groups() == (
        "mailto:rita@solartalent.example?subject=Re%3A%20A%20call%3F",
        "Reply to Rita",
    )
    assert re.search(
        r"Rita Moreno<br><span[^>]*>Senior recruiter, Solar Talent Partners</span>", html
    )
    assert "Rita Moreno\nSenior recruiter, Solar Talent Partners" in rendered.text_body
    assert "rita@solartalent.example" in rendered.text_body


@pytest.mark.django_db
@pytest.mark.parametrize("owner_fields", [None, {"first_name": "", "last_name": ""}])
def test_without_a_named_recruiter_the_team_signs(settings, owner_fields):
    settings.EMAIL_SIGNATURE_TEAM_NAME = "The careers team"
    settings.EMAIL_SIGNATURE_TEAM_ROLE = "Solar Talent Partners"
    settings.RECRUITING_TEAM_EMAIL = "team@solartalent.example"
    owner = None
    if owner_fields is not None:  # a recruiter account without a name to sign with
        owner = get_user_model().objects.create_user("x7", email="", **owner_fields)
    lead = make_reachable_lead(owner=owner)
    rendered = follow_up_render(step=make_step(), lead=lead)
    assert re.search(
        r"The careers team<br><span[^>]*>Solar Talent Partners</span>", rendered.html_body
    )
    assert "mailto:team@solartalent.example?subject=" in rendered.html_body
    assert ">Reply to our recruiters</a>" in rendered.html_body
    assert "The careers team\nSolar Talent Partners" in rendered.text_body


@pytest.mark.django_db
def test_talk_to_a_recruiter_goes_to_the_call_request_when_given_else_the_contact_page(settings):
    from leads import hooks
    from leads.follow_up_email import follow_up_context
    from leads.rendering import email_render

    settings.SITE_URL = "https://careers.example.com"
    lead = make_reachable_lead()
    context = follow_up_context(step=make_step(), lead=lead)
    with hooks.EMAIL_CONTEXT.replaced([]):  # leads alone: no app offers a call request
        plain = email_render(template="follow_up", context=context, lead=lead)
    assert '<a href="https://careers.example.com/contact/"' in plain.html_body
    assert "https://careers.example.com/contact/" in plain.text_body

    booked = email_render(
        template="follow_up",
        context=context | {"call_request_url": "https://careers.example.com/call/abc/"},
        lead=lead,
    )
    assert '<a href="https://careers.example.com/call/abc/"' in booked.html_body
    assert "https://careers.example.com/call/abc/" in booked.text_body
    assert "/contact/" not in booked.html_body + booked.text_body
