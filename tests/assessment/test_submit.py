"""Sending the details form: one lead, one submission, one result email, and a result page.

Bad input is refused on its field, bots see a result but nothing is kept, and nothing
here ends in a 500.
"""

import re
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import Client

from assessment.models import Submission
from assessment.progress import QuizProgress
from assessment.services import submission_create
from leads.models import Lead, OutboundEmail
from tests.assessment.walk import DETAILS, answer_all, details_url, result_url
from tests.factories import make_quiz, make_whitepaper
from tests.leads.factories import make_reachable_lead

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz():
    return make_quiz(questions=4, title="Career or job?", whitepaper=make_whitepaper())


@pytest.fixture
def finished(client, quiz):
    answer_all(client, quiz)
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _result_emails():
    return OutboundEmail.objects.filter(kind=OutboundEmail.Kind.RESULT)


def test_sending_the_form_stores_everything_and_shows_the_result(finished, quiz):
    response = finished.post(
        details_url(quiz), DETAILS | {"follow_up_consent": "on"}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 302 and response["Location"] == result_url(quiz)

    lead = Lead.objects.get()
    assert (lead.email, lead.first_name, lead.current_role) == (
        "sam@example.com",
        "Sam",
        "Project engineer",
    )
    assert lead.consented and lead.consent_ip == "203.0.113.9"
    assert lead.consent_text.startswith("[follow-ups-") and "follow-up emails" in lead.consent_text
    submission = Submission.objects.get()
    # Every answer was "Agree" (4): career items score 4, reverse-scored job items 2.
    assert submission.total_score == 12 and (submission.lowest_score, submission.highest_score) == (
        4,
        20,
    )
    assert submission.band_title == "Between the two" and lead.segment == "Between the two"
    assert submission.answers.count() == 4
    assert [a.points for a in submission.answers.all()] == [4, 2, 4, 2]
    assert set(submission.trait_scores) == {a.trait for a in submission.answers.all()}
    assert submission.started_at < submission.finished_at
    assert _result_emails().count() == 1
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.NOTIFICATION).count() == 1

    html = finished.get(result_url(quiz)).content.decode()
    assert '<h1 class="result-headline">Your result: Between the two</h1>' in html
    assert "<strong>12</strong> out of 20" in html
    assert '<meter class="result-meter" min="4" max="20" value="12"' in html
    assert "(your result)" in html  # in "How the score works"
    assert "Your strongest sign" in html and "most useful next step" in html
    assert re.search(r'href="/assessment/[\w-]+/download/[^"]+:[^"]+/"', html)
    assert "Also emailed to <strong>sam@example.com</strong>" in html


@pytest.mark.parametrize(
    ("behind_proxy", "recorded"), [(True, "198.51.100.23"), (False, "10.0.0.2")]
)
def test_the_consent_ip_is_the_visitor_s_behind_a_proxy_and_never_a_forged_one(
    finished, quiz, settings, behind_proxy, recorded
):
    """Behind the proxy, the address it appended to X-Forwarded-For is the visitor's;
    without one, that header is anyone's to forge and is ignored."""
    settings.BEHIND_PROXY = behind_proxy
    settings.FORWARDED_ALLOW_IPS = ["10.0.0.2"]  # the proxy in front
    finished.post(
        details_url(quiz),
        DETAILS | {"follow_up_consent": "on"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.66, 198.51.100.23",
    )
    assert Lead.objects.get().consent_ip == recorded


def test_the_result_page_survives_a_reload_and_is_only_for_that_browser(finished, quiz):
    finished.post(details_url(quiz), DETAILS)
    assert finished.get(result_url(quiz)).status_code == 200
    assert finished.get(result_url(quiz)).status_code == 200
    stranger = Client().get(result_url(quiz))
    assert stranger.status_code == 302 and stranger["Location"] == f"/assessment/{quiz.slug}/"
    assert "couldn't find a result for this browser" in _messages(stranger)[0]


def test_the_result_email_has_band_traits_and_download_link(
    finished, quiz, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        finished.post(details_url(quiz), DETAILS | {"follow_up_consent": "on"})
    result = next(m for m in mailoutbox if m.to == ["sam@example.com"])
    html = result.alternatives[0].content
    for part in (result.body, html):
        assert "Between the two" in part and "Between the two summary." in part
        assert "strongest sign" in part.lower() and "Next step:" in part
        assert f"https://careers.example.com/assessment/{quiz.slug}/download/" in part
        assert "Yes, send me the career emails" in part and "/email/confirm/" in part
        # What they asked for comes first: the download, then their result, then confirming.
        download = part.index("/download/")
        assert download < part.index("Between the two summary.") < part.index("/email/confirm/")
    assert re.search(r'<a class="button button-primary" href="[^"]+/download/', html)
    assert re.search(r'<a class="button button-secondary" href="[^"]+/email/confirm/', html)
    assert result.subject.startswith("Your result: Between the two")


def test_without_a_whitepaper_confirming_is_the_result_emails_main_button(client):
    quiz = make_quiz(questions=4, title="No paper")
    answer_all(client, quiz)
    client.post(details_url(quiz), DETAILS | {"follow_up_consent": "on"})
    html = _result_emails().get().html_body
    assert "/download/" not in html
    assert re.search(r'<a class="button button-primary" href="[^"]+/email/confirm/', html)


def test_no_confirm_link_without_the_follow_up_box(finished, quiz):
    finished.post(details_url(quiz), DETAILS)
    email = _result_emails().get()
    assert "/email/confirm/" not in email.text_body and "/email/confirm/" not in email.html_body
    assert "Yes, send me the career emails" not in email.html_body
    assert not Lead.objects.get().consented


def test_no_confirm_link_for_someone_who_already_confirmed(finished, quiz):
    make_reachable_lead(email="sam@example.com")
    finished.post(details_url(quiz), DETAILS | {"follow_up_consent": "on"})
    assert "/email/confirm/" not in _result_emails().get().text_body
    # A returning lead is not announced to the team a second time.
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.NOTIFICATION).count() <= 1


def test_posting_twice_makes_one_submission_and_one_email(finished, quiz):
    first = finished.post(details_url(quiz), DETAILS)
    second = finished.post(details_url(quiz), DETAILS | {"email": "other@example.com"})
    assert first["Location"] == second["Location"] == result_url(quiz)
    assert Submission.objects.count() == 1 and _result_emails().count() == 1
    assert Lead.objects.get().email == "sam@example.com"
    # Coming back to the form also leads to the result, not a second go.
    assert finished.get(details_url(quiz))["Location"] == result_url(quiz)


def test_a_racing_second_request_returns_the_first_submission(finished, quiz):
    """Two requests that both read the session before either saved it (a double click)."""
    from assessment.models import Choice
    from assessment.progress import Quiz

    progress = QuizProgress.from_session(finished.session, quiz)
    quiz_view = Quiz.from_choices(Choice.objects.for_quiz(quiz.slug))
    arguments = {
        "quiz": quiz_view,
        "progress": progress,
        "bands": list(quiz.result_bands.all()),
        "email": "sam@example.com",
        "first_name": "Sam",
        "consent_follow_ups": False,
        "consent_text": "",
        "ip_address": None,
        "source": {},
    }
    first = submission_create(**arguments)
    second = submission_create(**arguments | {"email": "else@example.com"})
    assert first.pk == second.pk
    assert Submission.objects.count() == 1 and _result_emails().count() == 1
    assert not Lead.objects.filter(email="else@example.com").exists()


def test_starting_again_after_sending_allows_a_new_submission(finished, quiz):
    finished.post(details_url(quiz), DETAILS)
    answer_all(finished, quiz, value=5)
    assert finished.post(details_url(quiz), DETAILS)["Location"] == result_url(quiz)
    assert Submission.objects.count() == 2 and _result_emails().count() == 2
    assert (
        "<strong>" + str(Submission.objects.first().total_score)
        in finished.get(result_url(quiz)).content.decode()
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "in the form name@example.com"),
        ({"email": "sam@example"}, "email", "email address"),
        ({"email": "jösé@example.com"}, "email", "email address"),
        ({"email": "sam@example.com\nBcc: x@example.com"}, "email", "name@example.com"),
        ({"email": "a" * 5000 + "@example.com"}, "email", "254 characters or fewer"),
        ({"first_name": "x" * 5000}, "first_name", "80 characters or fewer"),
        ({"first_name": "\x1b\u200b\x07\n"}, "first_name", "Enter your first name"),
        ({"first_name": "Sam\x00"}, "first_name", "invisible characters from your first name"),
        ({"current_role": "r" * 5000}, "current_role", "120 characters or fewer"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_stored(
    finished, quiz, changes, field, message
):
    response = finished.post(details_url(quiz), DETAILS | changes)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="#id_{field}"' in html and message in html
    assert not Lead.objects.exists() and not OutboundEmail.objects.exists()


def test_names_and_roles_lose_line_breaks_and_control_characters(finished, quiz):
    finished.post(
        details_url(quiz),
        DETAILS
        | {"first_name": " Sam\r\nBcc: evil@example.com\x07", "current_role": "VP\tSales\u202e"},
    )
    lead = Lead.objects.get()
    assert lead.first_name == "Sam Bcc: evil@example.com" and lead.current_role == "VP Sales"
    assert "\n" not in _result_emails().get().subject


def test_an_address_leads_refuses_is_shown_on_the_email_field(finished, quiz):
    refusal = ValidationError("Enter a valid email address.", code="invalid")
    with mock.patch("assessment.services.lead_capture", side_effect=refusal):
        response = finished.post(details_url(quiz), DETAILS)
    html = response.content.decode()
    assert response.status_code == 200 and 'href="#id_email"' in html
    assert "Enter a valid email address." in html
    assert not Submission.objects.exists() and not OutboundEmail.objects.exists()


def test_a_filled_honeypot_looks_like_success_but_keeps_and_sends_nothing(finished, quiz):
    response = finished.post(details_url(quiz), DETAILS | {"website": "http://spam.example"})
    assert response.status_code == 302 and response["Location"] == result_url(quiz)
    html = finished.get(result_url(quiz)).content.decode()
    assert "Your result: Between the two" in html and "sam@example.com" in html
    assert "Download" in html
    assert not Lead.objects.exists() and not Submission.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_a_quiz_finished_too_fast_looks_like_success_but_keeps_nothing(client, quiz, settings):
    settings.QUIZ_MIN_SECONDS = 8
    answer_all(client, quiz, seconds_ago=3)
    response = client.post(details_url(quiz), DETAILS)
    assert response["Location"] == result_url(quiz)
    assert "Your result" in client.get(result_url(quiz)).content.decode()
    assert not Lead.objects.exists() and not OutboundEmail.objects.exists()
    # Sending again changes nothing either.
    assert client.post(details_url(quiz), DETAILS)["Location"] == result_url(quiz)
    assert not Lead.objects.exists()


def test_an_expired_session_goes_back_to_the_intro_with_a_message(quiz):
    response = Client().post(details_url(quiz), DETAILS)
    assert response.status_code == 302 and response["Location"] == f"/assessment/{quiz.slug}/"
    assert "expired" in _messages(response)[0]
    assert not Lead.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"email": ["a@example.com", "b@example.com"], "first_name": ["A", "B"]},
        {"first_name": "Sam", "email": "@", "website": ""},
    ],
    ids=["empty", "lists", "junk"],
)
def test_junk_posts_never_give_a_500(finished, quiz, data):
    response = finished.post(details_url(quiz), data)
    assert response.status_code in (200, 302)


def test_bytes_that_are_not_utf8_never_give_a_500(finished, quiz):
    body = b"first_name=%ED%A0%80%FF&email=sam%40example.com"
    response = finished.post(
        details_url(quiz), body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (200, 302)


def test_the_first_visit_source_is_kept_with_the_submission_and_lead(client, quiz):
    intro = client.get(
        f"/assessment/{quiz.slug}/?utm_source=newsletter&utm_medium=email",
        HTTP_REFERER="https://news.example.org/issue-9",
    ).content.decode()
    assert 'name="utm_source" value="newsletter"' in intro
    assert "sessionid" not in client.cookies  # only looking sets no cookie
    client.post(
        f"/assessment/{quiz.slug}/",
        {
            "utm_source": "newsletter",
            "utm_medium": "email",
            "referrer": "https://news.example.org/",
        },
    )
    answer_all(client, quiz)  # starting again later keeps the first arrival's source
    client.post(details_url(quiz), DETAILS)
    submission = Submission.objects.get()
    assert submission.landing_path == f"/assessment/{quiz.slug}/"
    assert submission.landing_title == "Career or job?"
    assert (submission.utm_source, submission.utm_medium) == ("newsletter", "email")
    assert submission.referrer == "https://news.example.org/"
    lead = submission.lead
    assert (lead.utm_source, lead.landing_path) == ("newsletter", f"/assessment/{quiz.slug}/")


def test_our_own_pages_are_not_a_referrer(client, quiz):
    intro = client.get(
        f"/assessment/{quiz.slug}/", HTTP_REFERER="http://testserver/articles/x/"
    ).content.decode()
    assert 'name="referrer"' not in intro


def test_the_source_is_kept_clean_and_short(client, quiz):
    client.post(
        f"/assessment/{quiz.slug}/",
        {"utm_source": "news\r\nletter\x00" + "x" * 500, "referrer": "https://a.example/\n"},
    )
    answer_all(client, quiz)
    client.post(details_url(quiz), DETAILS)
    submission = Submission.objects.get()
    assert submission.utm_source.startswith("news letter x") and len(submission.utm_source) == 200
    assert submission.referrer == "https://a.example/"


def test_the_intro_offers_the_result_after_sending(finished, quiz):
    finished.post(details_url(quiz), DETAILS)
    html = finished.get(f"/assessment/{quiz.slug}/").content.decode()
    assert f'<a href="{result_url(quiz)}">See your result</a>' in html
    assert "Start again" in html


def test_a_garbled_result_pointer_goes_back_to_the_intro(finished, quiz):
    session = finished.session
    session[f"assessment:{quiz.pk}:result"] = {"key": "k", "submission": "abc"}
    session.save()
    assert finished.get(result_url(quiz)).status_code == 302
