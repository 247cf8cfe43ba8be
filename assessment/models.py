"""Assessments that articles promote. The quiz itself grows here in the assessment issue."""

from django.db import models
from django.urls import NoReverseMatch, reverse


class AssessmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Assessment(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        error_messages={"unique": "Another assessment already uses this slug."},
    )
    introduction = models.TextField(blank=True, help_text="Shown on the quiz's first page.")
    estimated_minutes = models.PositiveSmallIntegerField(default=3)
    is_active = models.BooleanField("active", default=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str | None:
        """The quiz's intro page, once the quiz views exist."""
        try:
            return reverse("assessment:intro", kwargs={"slug": self.slug})
        except NoReverseMatch:
            return None
