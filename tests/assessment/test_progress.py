"""The quiz as loaded for visitors, and scoring a finished one from the session's answers."""

import pytest
from django.utils import timezone

from assessment.models import Choice
from assessment.progress import Quiz, QuizProgress
from tests.factories import make_assessment, make_question, make_quiz

pytestmark = pytest.mark.django_db


def _load(slug: str) -> Quiz:
    return Quiz.from_choices(Choice.objects.for_quiz(slug))


def test_quiz_loads_questions_and_choices_in_order_in_one_query(django_assert_num_queries):
    quiz = make_quiz(questions=4)
    quiz.questions.filter(order=1).update(order=9)
    with django_assert_num_queries(1):
        loaded = _load(quiz.slug)
        orders = [q.order for q in loaded.questions]
        values = [[c.value for c in loaded.choices[q.pk]] for q in loaded.questions]
        assert loaded.assessment.pk == quiz.pk
    assert orders == [2, 3, 4, 9]
    assert values == [[1, 2, 3, 4, 5]] * 4


def test_questions_without_answers_are_left_out_and_no_answers_means_no_quiz():
    quiz = make_assessment()
    assert _load(quiz.slug) is None
    make_question(quiz).choices.all().delete()
    assert _load(quiz.slug) is None


def test_a_finished_quiz_is_scored_from_the_chosen_values():
    quiz = make_quiz(questions=4)  # career, job, career, job (job items reverse scored)
    loaded = _load(quiz.slug)
    answers = {q.pk: loaded.choices[q.pk][4].pk for q in loaded.questions}  # all "Strongly agree"
    progress = QuizProgress(started_at=timezone.now(), answers=answers)
    result = loaded.result(progress, quiz.scoring_bands())
    assert result.total == 5 + 1 + 5 + 1
    assert result.band.title == "Between the two"
    assert (result.lowest, result.highest) == (4, 20)


def test_an_unfinished_quiz_is_not_scored():
    loaded = _load(make_quiz(questions=2).slug)
    with pytest.raises(ValueError, match="finished"):
        loaded.result(QuizProgress(started_at=timezone.now(), answers={}))
