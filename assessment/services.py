"""Writes with side effects for the quiz. Views, forms and the admin call these."""

from django.db import transaction

from .models import STANDARD_SCALE, Choice, Question


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
