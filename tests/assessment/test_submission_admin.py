"""Staff see each submission, its answers and downloads, read-only, in the admin."""

import pytest
from django.test import Client

from assessment.links import download_path
from assessment.models import Submission
from tests.assessment.walk import DETAILS, answer_all, details_url
from tests.factories import make_quiz, make_whitepaper

pytestmark = pytest.mark.django_db


def test_staff_see_the_submission_with_its_answers_and_downloads(client, admin_client):
    quiz = make_quiz(questions=2, whitepaper=make_whitepaper())
    answer_all(client, quiz)
    client.post(details_url(quiz), DETAILS)
    submission = Submission.objects.get()
    Client().get(download_path(slug=quiz.slug, submission_id=submission.pk))

    listing = admin_client.get("/admin/assessment/submission/").content.decode()
    assert "sam@example.com" in listing and "Between the two" in listing
    page = admin_client.get(f"/admin/assessment/submission/{submission.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    for answer in submission.answers.all():
        assert answer.question_text in html
    assert "Downloads" in html and 'name="_save"' not in html  # read-only
    assert admin_client.get("/admin/assessment/submission/add/").status_code == 403
