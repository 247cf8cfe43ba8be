"""Writes with side effects for the quiz. Views, forms and the admin call these."""

from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone

from .models import STANDARD_SCALE, Assessment, Choice, Question, Whitepaper
from .progress import QuizProgress, progress_session_key


@transaction.atomic
def question_scale_add(*, question: Question) -> list[Choice]:
    """Give a question with no answers yet the standard five-point agreement scale.

    Staff then only edit choices for the rare question that needs a different scale.
    """
    if question.choices.exists():
        return []
    return Choice.objects.bulk_create(
        Choice(question=question, order=n, label=label, value=value)
        for n, (label, value) in enumerate(STANDARD_SCALE, start=1)
    )


def quiz_start(*, session: SessionBase, assessment: Assessment) -> QuizProgress:
    """Begin (or begin again) with no answers, noting when, for a later speed check on bots."""
    progress = QuizProgress(started_at=timezone.now(), answers={})
    session[progress_session_key(assessment)] = progress.to_session()
    return progress


def answer_record(
    *,
    session: SessionBase,
    assessment: Assessment,
    progress: QuizProgress,
    question_id: int,
    choice_id: int,
) -> QuizProgress:
    """Keep one answer in the visitor's session; nothing is stored in the database yet."""
    progress.answers[question_id] = choice_id
    session[progress_session_key(assessment)] = progress.to_session()
    return progress


def whitepaper_file_discard(*, whitepaper: Whitepaper, old_name: str) -> None:
    """Delete a replaced PDF from private storage, once the new one is safely saved."""
    if not old_name or old_name == whitepaper.file.name:
        return
    storage = whitepaper.file.storage
    transaction.on_commit(lambda: storage.delete(old_name))
