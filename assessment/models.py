"""The quiz: assessments, their questions and answer choices, result bands, the whitepaper."""

from typing import Self

from django.db import models
from django.db.models import Count, Max, Min
from django.urls import reverse
from django.utils import timezone

from leads.models import VisitSource

from .scoring import Band, Item, band_problems, score_range
from .storage import private_storage


class Trait(models.TextChoices):
    """The eight signs from the article "Are you Career or Job Focused?"."""

    # Career focused
    LONG_TERM_VISION = "long_term_vision", "Clear on a long-term vision"
    PATH_OUTLINE = "path_outline", "Has an outline of the path there"
    SKILLS_PLAN = "skills_plan", "Knows the skills needed and how to get them"
    WILLING_TO_MOVE = "willing_to_move", "Willing to move when and where it helps"
    # Job focused
    COMFORTABLE = "comfortable", "Comfortable while the bills are paid"
    NEEDS_BIG_CHANGE = "needs_big_change", "Needs a big change to consider moving"
    SATISFIED = "satisfied", "Generally satisfied in the role"
    FEARS_NEW_ROLE = "fears_new_role", "Fears a new role won't live up to expectations"

    @classmethod
    def career_focused(cls) -> frozenset["Trait"]:
        return frozenset(
            {cls.LONG_TERM_VISION, cls.PATH_OUTLINE, cls.SKILLS_PLAN, cls.WILLING_TO_MOVE}
        )

    @property
    def is_career_focused(self) -> bool:
        return self in self.career_focused()


# The answer scale every new question gets unless staff change its choices.
STANDARD_SCALE: tuple[tuple[str, int], ...] = (
    ("Strongly disagree", 1),
    ("Disagree", 2),
    ("Neither agree nor disagree", 3),
    ("Agree", 4),
    ("Strongly agree", 5),
)


class Whitepaper(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        error_messages={"unique": "Another whitepaper already uses this slug."},
    )
    description = models.TextField(blank=True, help_text="Shown where the quiz offers it.")
    cover_image = models.ImageField(upload_to="whitepapers/covers/", blank=True)
    cover_image_alt = models.CharField(
        "cover image description",
        max_length=200,
        blank=True,
        help_text="Describe the image for people who can't see it.",
    )
    file = models.FileField(
        "PDF file",
        upload_to="whitepapers/",
        storage=private_storage,
        help_text="A PDF. Stored privately: visitors only get it through an expiring link.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def active(self) -> Self:
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
    whitepaper = models.ForeignKey(
        Whitepaper,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
        help_text="What visitors get when they finish the quiz.",
    )
    is_active = models.BooleanField(
        "active", default=True, help_text="Only active assessments are open to visitors."
    )

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("assessment:intro", kwargs={"slug": self.slug})

    def scoring_items(self) -> list[Item]:
        """The questions as scoring sees them, each with its own value range."""
        return [q.scoring_item() for q in self.questions.with_value_range()]

    def score_range(self) -> tuple[int, int]:
        return score_range(self.scoring_items())

    def scoring_bands(self) -> list[Band]:
        return [b.scoring_band() for b in self.result_bands.all()]

    def band_problems(self) -> list[str]:
        """What is wrong with the saved bands for the saved questions (empty when fine)."""
        items = self.scoring_items()
        if not items:
            return []
        lowest, highest = score_range(items)
        return band_problems(self.scoring_bands(), lowest=lowest, highest=highest)


class QuestionQuerySet(models.QuerySet["Question"]):
    def with_value_range(self) -> Self:
        """Each question's lowest and highest choice value, for the possible score range."""
        return self.annotate(min_value=Min("choices__value"), max_value=Max("choices__value"))


class Question(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveIntegerField(default=0, help_text="Lower numbers come first.")
    text = models.CharField(
        max_length=300, help_text="A statement visitors agree or disagree with."
    )
    trait = models.CharField(max_length=32, choices=Trait.choices)
    reverse_scored = models.BooleanField(
        default=False,
        help_text=(
            "Tick for job-focused statements: agreeing then lowers the career-focused score."
        ),
    )

    objects = QuestionQuerySet.as_manager()

    class Meta:
        # No unique order: swapping two numbers in one admin save must not trip the database.
        ordering = ["order", "pk"]
        indexes = [models.Index(fields=["assessment", "order"])]

    def __str__(self) -> str:
        return self.text

    def scoring_item(self) -> Item:
        """Uses with_value_range() annotations, or prefetched choices, or the standard scale."""
        low, high = getattr(self, "min_value", None), getattr(self, "max_value", None)
        if low is None and "choices" in getattr(self, "_prefetched_objects_cache", {}):
            values = [c.value for c in self.choices.all()]
            low, high = (min(values), max(values)) if values else (None, None)
        if low is None or high is None:  # no answers yet: the admin saves the standard scale
            low, high = STANDARD_SCALE[0][1], STANDARD_SCALE[-1][1]
        return Item(self.trait, self.reverse_scored, low, high)


class ChoiceQuerySet(models.QuerySet["Choice"]):
    def for_quiz(self, slug: str) -> Self:
        """Every answer of a quiz with its question, quiz and whitepaper, in one query.

        One query, so each step of the quiz stays cheap (see progress.Quiz). Questions
        without answers can't be answered, so they drop out here too.
        """
        return (
            self.filter(question__assessment__slug=slug)
            .select_related("question__assessment__whitepaper")
            .order_by("question__order", "question__pk", "order", "pk")
        )


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    order = models.PositiveIntegerField(default=0)
    label = models.CharField(max_length=120)
    value = models.IntegerField(help_text="Points for this answer, before any reverse scoring.")

    objects = ChoiceQuerySet.as_manager()

    class Meta:
        # Distinct values are checked in the admin formset, not by a unique constraint,
        # so staff can swap two values in one save.
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.label} ({self.value})"


class ResultBand(models.Model):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="result_bands"
    )
    min_score = models.IntegerField("lowest score")
    max_score = models.IntegerField("highest score")
    title = models.CharField(max_length=120)
    summary = models.TextField(help_text="What this result means, in a sentence or two.")
    advice = models.TextField(help_text="What to do next: shown with the result.")

    class Meta:
        ordering = ["min_score", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_score__lte=models.F("max_score")),
                name="result_band_min_not_above_max",
                violation_error_message="The lowest score can't be above the highest score.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.min_score}–{self.max_score})"

    def scoring_band(self) -> Band:
        return Band(self.min_score, self.max_score, self.title, key=self.pk)


class SubmissionQuerySet(models.QuerySet["Submission"]):
    def for_result_page(self) -> Self:
        """Everything the result page and email show, without a query per answer."""
        return self.select_related("assessment__whitepaper", "lead", "band")

    def for_personal_data(self) -> Self:
        """With answers and downloads, in a fixed number of queries (GDPR export)."""
        return (
            self.select_related("assessment")
            .prefetch_related("answers", "downloads")
            .order_by("finished_at", "pk")
        )


class Submission(VisitSource):
    """One finished quiz: who, what they answered, how it scored, and where they came from.

    Scores, the band title and the answers are copied, not only linked, so staff editing
    the quiz later never changes a result someone was already sent.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="submissions")
    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, related_name="submissions")
    # The one-time key of the visitor's run through the quiz: a double click or a resent
    # form finds the same submission instead of making a second one.
    key = models.CharField(max_length=64, unique=True, editable=False)
    total_score = models.IntegerField()
    lowest_score = models.IntegerField(help_text="The lowest total possible when it was taken.")
    highest_score = models.IntegerField(help_text="The highest total possible when it was taken.")
    trait_scores = models.JSONField(
        default=dict, help_text="Per sign: points, lowest and highest possible."
    )
    strongest_trait = models.CharField(max_length=32, choices=Trait.choices, blank=True)
    weakest_trait = models.CharField(max_length=32, choices=Trait.choices, blank=True)
    band = models.ForeignKey(
        ResultBand, on_delete=models.SET_NULL, null=True, blank=True, related_name="submissions"
    )
    band_title = models.CharField("result", max_length=120, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(default=timezone.now)
    # The personal report PDF, made at its first download and kept (assessment/reports.py).
    report = models.FileField(
        "personal report",
        upload_to="reports/",
        storage=private_storage,
        blank=True,
        editable=False,
        help_text="Made the first time the visitor opens it; deleted when the lead is erased.",
    )

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-finished_at", "-pk"]
        indexes = [models.Index(fields=["assessment", "finished_at"])]

    def __str__(self) -> str:
        # Headed this way on the lead's admin page, where a lead id would mean nothing.
        taken = timezone.localtime(self.finished_at) if self.finished_at else None
        when = f", {taken:%Y-%m-%d %H:%M}" if taken else ""
        return f"{self.assessment}{when}: {self.band_title or self.total_score}"

    @property
    def percent(self) -> int:
        """Where the total sits in the possible range, 0 to 100, for the meter."""
        span = self.highest_score - self.lowest_score
        return 100 if span <= 0 else round(100 * (self.total_score - self.lowest_score) / span)


class AnswerQuerySet(models.QuerySet["Answer"]):
    def picks_per_choice(self, question: Question) -> dict[int | None, int]:
        """How many people picked each choice of the question (None: a choice since deleted)."""
        rows = self.filter(question=question).values_list("choice").annotate(n=Count("id"))
        return dict(rows.order_by())


class Answer(models.Model):
    """One answer of a submission, as the visitor saw it.

    Rows rather than a JSON list, so staff can ask "how did people answer question 3"
    with a query; the text is copied because questions and answers get edited or deleted.
    """

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(
        Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    choice = models.ForeignKey(
        Choice, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField()
    question_text = models.CharField(max_length=300)
    trait = models.CharField(max_length=32, choices=Trait.choices)
    choice_label = models.CharField(max_length=120)
    value = models.IntegerField()
    points = models.IntegerField(help_text="After reverse scoring.")

    objects = AnswerQuerySet.as_manager()

    class Meta:
        ordering = ["submission", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "position"], name="assessment_answer_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_text}: {self.choice_label}"


class Download(models.Model):
    """Someone used a submission's signed link to download the whitepaper."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="downloads")
    downloaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-downloaded_at", "-pk"]

    def __str__(self) -> str:
        return f"Download of submission {self.submission_id} at {self.downloaded_at:%Y-%m-%d %H:%M}"
