"""Staff preview every email the site sends, filled in the way the real ones are."""

import re

import pytest

from tests.factories import make_quiz, make_whitepaper
from tests.leads.factories import make_step

pytestmark = pytest.mark.django_db

PREVIEWS = "/admin/leads/lead/email-previews/"


def _sections(html: str) -> dict[str, str]:
    """Each preview's section, by its heading."""
    parts = re.split(r'<section id="preview-\d+"', html)[1:]
    return {re.search(r"<h2>(.*?)</h2>", part).group(1): part for part in parts}


def test_every_preview_renders_realistic_content(admin_client):
    quiz = make_quiz(questions=4, title="Career or job?", whitepaper=make_whitepaper())
    make_step(subject="What recruiters look for", body="A record of people you developed.")

    response = admin_client.get(PREVIEWS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Not written yet" not in html
    assert "does not render" not in html and "No sample data" not in html
    sections = _sections(html)
    assert list(sections) == [
        "Result",
        "Fresh download link",
        "Call request (to the recruiter)",
        "Overdue call request (to the team)",
        "Call invitation (to the visitor)",
        "Call reminder (to the visitor)",
        "Call cancelled (to the visitor)",
        "Visitor confirmed or cancelled (to the recruiter)",
        "Call reminder (to the recruiter)",
        "Follow-up: What recruiters look for",
        "New-lead notification",
    ]

    result = sections["Result"]
    band = quiz.result_bands.get(title="Career focused")
    assert (
        f"<strong>Subject:</strong> Your result: Career focused, and your copy of "
        f"“{quiz.whitepaper.title}”" in result
    )
    assert "Hello Ana, your result: Career focused" in result
    assert band.summary in result
    assert re.search(r"You scored \d+ out of \d+", result)
    assert "A long-term vision." in result  # the strongest sign, named towards career focus
    assert "A plan for your skills. Next step:" in result
    assert "/assessment/" in result and "/download/" in result
    assert "The link works for 7 days" in result
    assert "Yes, send me the career emails" in result and "/email/confirm/" in result
    assert "Career or job?" in result  # the footer names the quiz

    fresh = sections["Fresh download link"]
    assert f"Your new link to “{quiz.whitepaper.title}”" in fresh
    assert "Hello Ana, here is a new link" in fresh and "Career or job?" in fresh

    invitation = sections["Call invitation (to the visitor)"]
    assert "Ana, your call is booked" in invitation and "/call/invite/" in invitation
    assert (
        "(EST, America/New_York time)" in invitation or "(EDT, America/New_York time)" in invitation
    )

    notification = sections["New-lead notification"]
    assert "New lead: Ana (ana.sample@example.com), Career focused" in notification
    assert "/admin/leads/lead/" in notification


def test_previews_work_before_any_quiz_exists(admin_client):
    html = admin_client.get(PREVIEWS).content.decode()
    assert "Not written yet" not in html and "does not render" not in html
    assert "Your result: Career focused, and your copy of “Don’t Blow It”" in html


def test_nothing_sends_a_separate_confirm_email_so_none_is_listed(admin_client):
    html = admin_client.get(PREVIEWS).content.decode()
    assert "Confirm address" not in html
