"""Each quiz step runs at most 5 SQL queries (session, quiz, questions, choices, session save);
sending the form runs a fixed number, however many questions the quiz has.

These tests run in autocommit, as the site does: inside a test transaction the session save
would add SAVEPOINT and RELEASE statements that production never sends.
"""

import pytest

from tests.assessment.walk import DETAILS, answer_all, details_url, result_url
from tests.factories import make_quiz, make_whitepaper

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def quiz():
    return make_quiz(questions=10, whitepaper=make_whitepaper())


def _answer_all_but_last(client, quiz):
    client.post(f"/assessment/{quiz.slug}/")
    questions = list(quiz.questions.prefetch_related("choices"))
    for step, question in enumerate(questions[:-1], start=1):
        client.post(f"/assessment/{quiz.slug}/q/{step}/", {"choice": question.choices.first().pk})
    return questions


# A step that counts for the insights dashboard writes one event row (one INSERT, no read).
# The budget of 5 queries a step includes it: sessions are read from the cache.
EVENT = 0


def test_intro_get_and_start(client, quiz, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        assert client.get(f"/assessment/{quiz.slug}/").status_code == 200
    # Starting creates the session: Django checks the new key is free before inserting it.
    with django_assert_max_num_queries(6):
        assert client.post(f"/assessment/{quiz.slug}/").status_code == 302
    with django_assert_max_num_queries(5):  # again, now with a session to load
        assert client.get(f"/assessment/{quiz.slug}/").status_code == 200


def test_question_get_and_post(client, quiz, django_assert_max_num_queries):
    last_choice = _answer_all_but_last(client, quiz)[-1].choices.last().pk
    with django_assert_max_num_queries(5 + EVENT):
        assert client.get(f"/assessment/{quiz.slug}/q/10/").status_code == 200
    with django_assert_max_num_queries(5):
        assert client.post(f"/assessment/{quiz.slug}/q/10/", {}).status_code == 200
    with django_assert_max_num_queries(5 + EVENT):
        response = client.post(f"/assessment/{quiz.slug}/q/10/", {"choice": last_choice})
    assert response.status_code == 302


def test_refusals(client, quiz, django_assert_max_num_queries):
    _answer_all_but_last(client, quiz)
    with django_assert_max_num_queries(5):
        assert client.post(f"/assessment/{quiz.slug}/q/10/", {"choice": "0"}).status_code == 302
    with django_assert_max_num_queries(5):
        assert client.get(f"/assessment/{quiz.slug}/details/").status_code == 302


def test_details_get(client, quiz, django_assert_max_num_queries):
    last_choice = _answer_all_but_last(client, quiz)[-1].choices.first().pk
    client.post(f"/assessment/{quiz.slug}/q/10/", {"choice": last_choice})
    with django_assert_max_num_queries(5):
        assert client.get(f"/assessment/{quiz.slug}/details/").status_code == 200
    data = {"first_name": "Sam", "email": "nope"}
    with django_assert_max_num_queries(5):  # refused: nothing is written
        assert client.post(f"/assessment/{quiz.slug}/details/", data).status_code == 200


# Session and quiz (3 reads), one transaction writing the lead (one INSERT of the whole
# row, in a savepoint: no UPDATE after it, so one history row), the
# submission, every answer in one insert, the result email and the team's notice, then the
# session save. Handing emails to Celery happens after the response's transaction.
# The suppression list is read three times: the form's check of the address, and before
# each of the two emails is queued.
# The webhook endpoints are read once for each of the two events the CRM may want
# (lead.created, submission.completed). The lead's history row (for the timeline) and its
# score (the quiz's part, the call requests' part, and the update) add 4, and the signs'
# wording staff edit (for the result email) 1.
SUBMIT_BUDGET = 23 + 1 + 3 + 2 + 4 + 1  # and the "contact form submitted" event


@pytest.mark.parametrize("questions", [4, 10])
def test_sending_the_form_costs_the_same_whatever_the_number_of_questions(
    client, questions, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr("leads.services.email_dispatch", lambda **kwargs: True)
    quiz = make_quiz(questions=questions, whitepaper=make_whitepaper())
    answer_all(client, quiz)
    with django_assert_max_num_queries(SUBMIT_BUDGET):
        response = client.post(details_url(quiz), DETAILS)
    assert response.status_code == 302
    # + the signs' wording, and the trust blocks until they are cached (tests/articles).
    with django_assert_max_num_queries(5 + 1 + 2):
        assert client.get(result_url(quiz)).status_code == 200
