"""Funnel events, counted on the server, and their daily roll-up.

This app sits at the BOTTOM of the dependency chain (articles -> assessment -> leads ->
insights): the models and `services.event_record` import nothing from the other apps, so
each of them may record events without an import cycle. References are plain slugs and
numbers, not foreign keys, so deleting an article or a quiz never touches its history and an
INSERT needs no lookup. Only `dashboard.py` (loaded by the admin view, never by the apps)
reads the other apps' models.
"""

from datetime import datetime
from typing import Self

from django.db import models
from django.db.models import Q
from django.utils import timezone


class Kind(models.IntegerChoices):
    ARTICLE_VIEWED = 1, "Article viewed"
    CTA_CLICKED = 2, "Call to action clicked"
    QUIZ_STARTED = 3, "Quiz started"
    QUESTION_REACHED = 4, "Question reached"
    QUIZ_FINISHED = 5, "Quiz finished"
    LEAD = 6, "Contact form submitted"
    DOWNLOADED = 7, "Whitepaper downloaded"
    EMAIL_SENT = 8, "Email sent"
    EMAIL_FAILED = 9, "Email failed"
    UNSUBSCRIBED = 10, "Unsubscribed"


class EventQuerySet(models.QuerySet["Event"]):
    def before(self, moment: datetime) -> Self:
        return self.filter(at__lt=moment)


class Event(models.Model):
    """One step of one visitor: a small row, written with a single INSERT."""

    kind = models.PositiveSmallIntegerField(choices=Kind.choices)
    # Random, per run through the quiz; empty before the quiz starts (page views, clicks).
    visit = models.CharField(max_length=22, blank=True, default="")
    assessment = models.CharField(max_length=200, blank=True, default="")
    article = models.CharField(max_length=200, blank=True, default="")
    question = models.PositiveSmallIntegerField(default=0, help_text="Its number in the quiz.")
    label = models.CharField(
        max_length=120, blank=True, default="", help_text="Band, or email kind."
    )
    at = models.DateTimeField(default=timezone.now)
    # Given when the event is pushed to the Redis buffer (buffer.py): a record written twice
    # is inserted once. Empty for events written directly without the buffer.
    buffer_id = models.UUIDField(null=True, blank=True, editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        indexes = [
            # The dashboard and the roll-up read a period of events grouped by these
            # fields: with all of them in the index, that read never visits the table
            # (90 days of a million events: 0.48 s through an index on `at` alone, 0.18 s
            # with this one on SQLite). It replaces that index, so an INSERT still
            # updates as many.
            models.Index(
                fields=["at", "kind", "assessment", "article", "question", "label"],
                name="insights_event_at_covering",
            )
        ]
        # The insights page shows every app's figures: recruiters and superusers see it,
        # editors and bare staff accounts don't (operations/staff_groups.py).
        permissions = [("view_insights", "Can see the insights page and download its figures")]
        constraints = [
            # A reload or the Back button must not count a step of a visit twice: the
            # INSERT ignores the conflict, so deduplicating costs no read.
            models.UniqueConstraint(
                fields=["visit", "kind", "question"],
                condition=~Q(visit=""),
                name="insights_event_once_per_visit",
            ),
            # Partial, so adding it is one CREATE UNIQUE INDEX (a plain unique field makes
            # Django copy the whole table on SQLite).
            models.UniqueConstraint(
                fields=["buffer_id"],
                condition=Q(buffer_id__isnull=False),
                name="insights_event_buffer_id_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"


class DailyCount(models.Model):
    """Events of one finished day, summed: what the dashboard reads for every day but today."""

    day = models.DateField()
    kind = models.PositiveSmallIntegerField(choices=Kind.choices)
    assessment = models.CharField(max_length=200, blank=True, default="")
    article = models.CharField(max_length=200, blank=True, default="")
    question = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(max_length=120, blank=True, default="")
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "kind", "assessment", "article", "question", "label"],
                name="insights_dailycount_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.get_kind_display()} x {self.count}"
