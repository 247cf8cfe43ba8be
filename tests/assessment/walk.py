"""Walk a test client through a quiz, as a visitor with JavaScript off would."""

from datetime import timedelta

from django.utils import timezone

from assessment.models import Assessment

DETAILS = {
    "first_name": "Sam",
    "email": "sam@example.com",
    "current_role": "Project engineer",
}


def details_url(quiz: Assessment) -> str:
    return f"/assessment/{quiz.slug}/details/"


def result_url(quiz: Assessment) -> str:
    return f"/assessment/{quiz.slug}/result/"


def answer_all(client, quiz: Assessment, *, value: int = 4, seconds_ago: int = 60) -> None:
    """Start, answer every question with the choice worth `value`, and pretend the visitor
    started `seconds_ago` (a person takes longer than QUIZ_MIN_SECONDS)."""
    client.post(f"/assessment/{quiz.slug}/")
    for step, question in enumerate(quiz.questions.prefetch_related("choices"), start=1):
        choice = next(c for c in question.choices.all() if c.value == value)
        response = client.post(f"/assessment/{quiz.slug}/q/{step}/", {"choice": choice.pk})
        assert response.status_code == 302, response
    backdate(client, quiz, seconds_ago)


def backdate(client, quiz: Assessment, seconds: int) -> None:
    session = client.session
    state = session[f"assessment:{quiz.pk}"]
    state["started_at"] = (timezone.now() - timedelta(seconds=seconds)).isoformat()
    session[f"assessment:{quiz.pk}"] = state
    session.save()
