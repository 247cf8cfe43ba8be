"""Recruiters' notes and tasks on a lead: adding them, and erasing their text.

Notes and tasks are free text about a person, so erasure (lead_erase) blanks them too.
"""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import Lead, LeadNote, LeadTask

ERASED_TEXT = "(erased)"


def note_add(*, lead: Lead, author: Any, text: str) -> LeadNote:
    """`author`: the user who wrote it (request.user), or None for an import."""
    text = text.strip()
    if not text:
        raise ValidationError("Write the note first.", code="required")
    return LeadNote.objects.create(lead=lead, author=author, text=text, created_at=timezone.now())


def task_record(*, task: LeadTask, user: AbstractBaseUser | None) -> LeadTask:
    """Save a task added or edited on the lead page; a new one remembers who set it."""
    if task.pk is None:
        task.created_by = user if user is not None and user.is_authenticated else None
    task.full_clean(exclude=["lead", "created_by", "assignee"])
    task.save()
    return task


def notes_tasks_erase(*, lead: Lead) -> None:
    """Blank what recruiters wrote about the person; the entries stay, so dates stay true."""
    LeadNote.objects.filter(lead=lead).update(text=ERASED_TEXT)
    LeadTask.objects.filter(lead=lead).update(title=ERASED_TEXT)
