"""A question's admin page shows how many people picked each answer."""

import re

import pytest
from django.test import Client

from assessment.models import Choice
from tests.assessment.walk import DETAILS, answer_all, details_url
from tests.factories import make_quiz

pytestmark = pytest.mark.django_db


def _rows(page: str) -> list[tuple[str, str, str]]:
    table = page.split("How people answered")[1]
    return re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td><td>(\d+)%</td>', table)


def test_the_question_page_counts_each_answer(admin_client):
    quiz = make_quiz(questions=2)
    for n, value in enumerate([4, 4, 5, 1], start=1):
        client = Client()
        answer_all(client, quiz, value=value)
        client.post(details_url(quiz), DETAILS | {"email": f"person{n}@example.com"})
    question = quiz.questions.first()
    page = admin_client.get(f"/admin/assessment/question/{question.pk}/change/").content.decode()
    assert "How 4 people answered" in page
    assert _rows(page) == [
        ("Strongly disagree", "1", "25"),
        ("Disagree", "0", "0"),
        ("Neither agree nor disagree", "0", "0"),
        ("Agree", "2", "50"),
        ("Strongly agree", "1", "25"),
    ]
    # Answers to a choice deleted later still count, under their own line.
    Choice.objects.filter(question=question, value=5).delete()
    page = admin_client.get(f"/admin/assessment/question/{question.pk}/change/").content.decode()
    assert _rows(page)[-1] == ("An answer since removed", "1", "25")


def test_a_question_nobody_answered_says_so(admin_client):
    question = make_quiz(questions=1).questions.get()
    page = admin_client.get(f"/admin/assessment/question/{question.pk}/change/").content.decode()
    assert "Nobody has answered this question yet." in page
