"""The wording of the eight signs is staff's to edit (issue #12, part 2): the result page
and the result email read the admin's rows, and fall back to the default copy for a sign
without one."""

import io
from html import unescape

import pytest
from django.core.management import call_command

from assessment.advice import DEFAULT_WORDING
from assessment.models import Sign, Submission, Trait
from assessment.reports import report_content
from tests.assessment.walk import DETAILS, answer_all, details_url, result_url
from tests.factories import make_quiz, make_whitepaper

pytestmark = pytest.mark.django_db

# make_quiz(questions=4) asks long_term_vision, needs_big_change, skills_plan and
# fears_new_role; agreeing (4 of 5) everywhere makes the first the strongest and the two
# reverse-scored signs the ones to work on.
STRONGEST, WEAK = Trait.LONG_TERM_VISION, Trait.NEEDS_BIG_CHANGE


@pytest.fixture
def seeded():
    call_command("load_initial_content", stdout=io.StringIO())


def _finish(client, mailoutbox, capture):
    quiz = make_quiz(questions=4, whitepaper=make_whitepaper())
    answer_all(client, quiz)
    with capture(execute=True):
        assert client.post(details_url(quiz), DETAILS).status_code == 302
    email = next(m for m in mailoutbox if m.to == [DETAILS["email"]])
    page = unescape(client.get(result_url(quiz)).content.decode())
    return page, email


def test_initial_content_seeds_every_sign_once_and_keeps_staff_edits(seeded):
    assert Sign.objects.count() == len(Trait.values)
    sign = Sign.objects.get(trait=STRONGEST)
    assert sign.name == DEFAULT_WORDING[STRONGEST].name
    assert sign.next_step == DEFAULT_WORDING[STRONGEST].next_step
    sign.name = "Edited by staff"
    sign.save()
    Sign.objects.filter(trait=WEAK).delete()
    out = io.StringIO()
    call_command("load_initial_content", stdout=out)
    assert "Sign wording created for 1 sign(s)" in out.getvalue()
    assert Sign.objects.get(trait=STRONGEST).name == "Edited by staff"
    assert Sign.objects.count() == len(Trait.values)


def test_wording_edited_in_the_admin_shows_on_the_result_page_and_in_the_email(
    seeded, client, admin_client, mailoutbox, django_capture_on_commit_callbacks
):
    for trait, words in [
        (STRONGEST, ("A five-year picture", "You can see five years ahead.", "unused")),
        (WEAK, ("Looks before leaping", "unused", "Book one coffee with a recruiter.")),
    ]:
        sign = Sign.objects.get(trait=trait)
        response = admin_client.post(
            f"/admin/assessment/sign/{sign.pk}/change/",
            dict(zip(("name", "strength", "next_step"), words, strict=True)),
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    html, email = _finish(client, mailoutbox, django_capture_on_commit_callbacks)
    assert "Your strongest sign: a five-year picture" in html
    assert "You can see five years ahead." in html
    assert "<strong>Looks before leaping.</strong> Book one coffee with a recruiter." in html
    for part in (email.body, email.alternatives[0].content):
        assert "A five-year picture" in part and "You can see five years ahead." in part
        assert "Looks before leaping" in part and "Book one coffee with a recruiter." in part
    assert DEFAULT_WORDING[STRONGEST].name not in html + email.body


def test_a_sign_without_a_row_reads_the_default_copy(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    assert not Sign.objects.exists()
    html, email = _finish(client, mailoutbox, django_capture_on_commit_callbacks)
    for text in (html, email.body):
        assert DEFAULT_WORDING[STRONGEST].name in text
        assert DEFAULT_WORDING[WEAK].next_step in text


def test_the_result_email_never_uses_the_articles_put_down_names(
    seeded, client, mailoutbox, django_capture_on_commit_callbacks
):
    html, email = _finish(client, mailoutbox, django_capture_on_commit_callbacks)
    for text in (html, email.body, unescape(email.alternatives[0].content)):
        for trait in Trait:
            assert trait.label not in text, trait.label
        assert DEFAULT_WORDING[WEAK].name in text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"trait": "satisfied", "name": "", "strength": "x", "next_step": "y"}, "required"),
        (
            {"trait": "satisfied", "name": "A", "strength": "x", "next_step": "y"},
            "This sign already has its wording: edit that one instead.",
        ),
        ({"trait": "made_up", "name": "A", "strength": "x", "next_step": "y"}, "valid choice"),
    ],
)
def test_bad_admin_input_is_refused_with_a_clear_message(seeded, admin_client, data, message):
    before = list(Sign.objects.values_list("trait", "name"))
    response = admin_client.post("/admin/assessment/sign/add/", data)
    assert response.status_code == 200 and message in response.content.decode()
    assert list(Sign.objects.values_list("trait", "name")) == before


def test_the_personal_report_reads_the_edited_wording_too(seeded, client, monkeypatch):
    monkeypatch.setattr("leads.services.email_dispatch", lambda **kwargs: True)
    Sign.objects.filter(trait=WEAK).update(name="Looks before leaping", next_step="Call us.")
    Sign.objects.filter(trait=STRONGEST).update(strength="Edited strength.")
    quiz = make_quiz(questions=4, whitepaper=make_whitepaper())
    answer_all(client, quiz)
    assert client.post(details_url(quiz), DETAILS).status_code == 302
    content = report_content(Submission.objects.get())
    assert content.strongest_text == "Edited strength."
    step = next(step for step in content.plan if step.name == "Looks before leaping")
    assert step.step == "Call us."
    assert "Looks before leaping" in [sign.name for sign in content.signs]
