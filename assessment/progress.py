"""A quiz as the visitor walks it, their progress until the end, and then their result:
all kept in the session.

Nothing is in the database until they leave their details, so abandoned quizzes cost
nothing, and a second web process sees the same progress (sessions are shared).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.sessions.backends.base import SessionBase

from leads.models import Lead

from .models import Assessment, Choice, Question, ResultBand, Submission
from .scoring import Band, Item, Result, score


@dataclass
class Quiz:
    """An assessment's questions and their choices, in order, built from one query."""

    assessment: Assessment
    questions: list[Question] = field(default_factory=list)
    choices: dict[int, list[Choice]] = field(default_factory=dict)  # by question id

    @classmethod
    def from_choices(cls, choices: Iterable[Choice]) -> Quiz | None:
        """From Choice.objects.for_quiz(slug); None when there is nothing to answer."""
        quiz = None
        for choice in choices:
            question = choice.question
            if quiz is None:
                quiz = cls(assessment=question.assessment)
            if question.pk not in quiz.choices:
                quiz.questions.append(question)
                quiz.choices[question.pk] = []
            quiz.choices[question.pk].append(choice)
        return quiz

    def __len__(self) -> int:
        return len(self.questions)

    def choice_ids(self, question: Question) -> set[int]:
        return {c.pk for c in self.choices[question.pk]}

    def first_unanswered(self, progress: QuizProgress) -> int | None:
        """The 0-based index of the first question without a valid answer, or None."""
        return next(
            (i for i, q in enumerate(self.questions) if progress.choice_for(self, q) is None),
            None,
        )

    def scoring_items(self) -> list[Item]:
        items = []
        for question in self.questions:
            values = [c.value for c in self.choices[question.pk]]
            items.append(Item(question.trait, question.reverse_scored, min(values), max(values)))
        return items

    def result(self, progress: QuizProgress, bands: Sequence[Band] = ()) -> Result:
        """Score the visitor's answers. Only for a finished quiz: ValueError otherwise."""
        if self.first_unanswered(progress) is not None:
            raise ValueError("The quiz isn't finished.")
        chosen = []
        for question in self.questions:
            choice_id = progress.answers[question.pk]
            chosen.append(next(c.value for c in self.choices[question.pk] if c.pk == choice_id))
        return score(self.scoring_items(), chosen, bands)


def progress_session_key(assessment: Assessment) -> str:
    return f"assessment:{assessment.pk}"


def result_session_key(assessment: Assessment) -> str:
    return f"assessment:{assessment.pk}:result"


@dataclass
class QuizProgress:
    started_at: datetime
    answers: dict[int, int]  # question id -> choice id
    # One-time key of this run through the quiz; the submission stores it, uniquely.
    key: str = field(default_factory=lambda: secrets.token_urlsafe(24))

    @classmethod
    def from_session(cls, session: SessionBase, assessment: Assessment) -> QuizProgress | None:
        """None when the quiz wasn't started here, or the session expired, or is garbled."""
        data: Any = session.get(progress_session_key(assessment))  # garbled data raises below
        try:
            return cls(
                started_at=datetime.fromisoformat(data["started_at"]),
                answers={int(q): int(c) for q, c in data["answers"].items()},
                key=_key_of(data),
            )
        except (TypeError, KeyError, ValueError, AttributeError):
            return None

    def to_session(self) -> dict:
        return {
            "started_at": self.started_at.isoformat(),
            "answers": {str(q): c for q, c in self.answers.items()},
            "key": self.key,
        }

    def choice_for(self, quiz: Quiz, question: Question) -> int | None:
        """The chosen choice id, if it is still one of the question's choices."""
        chosen = self.answers.get(question.pk)
        return chosen if chosen in quiz.choice_ids(question) else None


def _key_of(data: dict) -> str:
    """Sessions from before keys existed get a stable one, so resubmitting stays single."""
    key = data.get("key")
    if isinstance(key, str) and key:
        return key
    return "s-" + hashlib.sha256(str(data["started_at"]).encode()).hexdigest()[:40]


def result_from_session(session: SessionBase, assessment: Assessment) -> Submission | None:
    """The visitor's saved submission, or an unsaved stand-in for a bot's pretend result.

    None when this browser sent no form for the quiz, or its submission is gone.
    """
    pointer = session.get(result_session_key(assessment))
    if not isinstance(pointer, dict):
        return None
    if "submission" in pointer:
        try:
            submission_id = int(pointer["submission"])
        except (TypeError, ValueError):
            return None
        return (
            Submission.objects.for_result_page()
            .filter(pk=submission_id, assessment=assessment)
            .first()
        )
    fake = pointer.get("pretend")
    if not isinstance(fake, dict):
        return None
    try:
        band = (
            ResultBand.objects.filter(pk=int(fake["band_id"]), assessment=assessment).first()
            if fake["band_id"] is not None
            else None
        )
        return Submission(
            assessment=assessment,
            lead=Lead(email=fake["email"], first_name=fake["first_name"]),
            total_score=int(fake["total_score"]),
            lowest_score=int(fake["lowest_score"]),
            highest_score=int(fake["highest_score"]),
            trait_scores=fake["trait_scores"],
            strongest_trait=fake["strongest_trait"],
            weakest_trait=fake["weakest_trait"],
            band=band,
            band_title=fake["band_title"],
        )
    except (KeyError, TypeError, ValueError):
        return None
