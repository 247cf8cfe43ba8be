"""A recruiter opens a lead and sees every quiz they took: answers, result and downloads."""

import pytest
from django.test import Client

from assessment.links import download_path
from assessment.models import Submission
from leads.models import Lead
from tests.assessment.walk import DETAILS, answer_all, details_url
from tests.factories import make_quiz, make_whitepaper

pytestmark = pytest.mark.django_db


def _take(quiz, *, value: int, downloads: int = 0) -> Submission:
    visitor = Client()
    answer_all(visitor, quiz, value=value)
    assert visitor.post(details_url(quiz), DETAILS).status_code == 302
    submission = Submission.objects.order_by("-pk").first()
    for _ in range(downloads):
        Client().get(download_path(slug=quiz.slug, submission_id=submission.pk))
    return submission


def test_the_lead_page_shows_each_submission_with_answers_result_and_downloads(admin_client):
    quiz = make_quiz(questions=4, title="Career or job?", whitepaper=make_whitepaper())
    first = _take(quiz, value=1, downloads=2)
    second = _take(quiz, value=5)
    lead = Lead.objects.get()

    html = admin_client.get(f"/admin/leads/lead/{lead.pk}/change/").content.decode()

    assert "Quiz submissions" in html
    assert "Latest result" in html and first.band_title in html
    for submission in (first, second):
        assert f"{submission.band_title}: {submission.total_score} out of" in html
        assert f"/admin/assessment/submission/{submission.pk}/change/" in html
    answer = first.answers.get(position=1)
    assert f"{answer.question_text} <strong>{answer.choice_label}</strong>" in html
    assert "reverse scored" in html  # why "Agree" can be worth 2 points
    assert "Strongly agree" in html  # the second run's answers
    assert "Strongly disagree" in html  # the first run's
    assert html.count("<li>20") >= 2  # both downloads of the first, with their date
    assert "None yet." in html  # the second was never downloaded
    assert "Your result: " in html  # the emails are still there
    assert 'name="submissions-0-total_score"' not in html  # read-only


def test_the_lead_page_runs_a_fixed_number_of_queries(admin_client, django_assert_max_num_queries):
    quiz = make_quiz(questions=10, whitepaper=make_whitepaper())
    for value in (1, 2, 3, 4, 5):
        _take(quiz, value=value, downloads=2)
    lead = Lead.objects.get()
    assert Submission.objects.filter(lead=lead).count() == 5

    # 18, measured: the session, the lead, the recruiters' menus, each inline (the quiz's
    # with its answers and downloads), and one query per timeline source, none per entry.
    with django_assert_max_num_queries(18):
        response = admin_client.get(f"/admin/leads/lead/{lead.pk}/change/")
    assert response.status_code == 200
    assert response.content.decode().count("<li>20") == 10  # every download
