"""Career articles that staff write and edit in the admin."""

import math
import re
from functools import cached_property, lru_cache

from django.db import models
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django_prose_editor.fields import ProseEditorField
from simple_history.models import HistoricalRecords

from .photos import avatar_ready, wide_image_ready
from .sanitize import BODY_EXTENSIONS, sanitize_body

WORDS_PER_MINUTE = 230
_TAG = re.compile(r"<[^>]*>")


@lru_cache(maxsize=4096)
def _article_url(slug: str, script_prefix: str, urlconf: str | None) -> str:
    """An article page shows its own address four times and three others' (read next):
    reverse() costs about 11 µs each time, the same answer for the same slug. The prefix and
    URLconf are part of the key because reverse() reads them."""
    return reverse("articles:detail", kwargs={"slug": slug}, urlconf=urlconf)


class Author(models.Model):
    """Who wrote an article: a name, a role and a face make career advice worth trusting."""

    name = models.CharField(max_length=120)
    role = models.CharField(
        max_length=120, blank=True, help_text="Shown after the name, e.g. Lead recruiter."
    )
    photo = models.ImageField(
        upload_to="authors/",
        blank=True,
        help_text="A square head-and-shoulders photo. Without one, the byline shows initials.",
    )
    photo_alt = models.CharField(
        "photo description",
        max_length=200,
        blank=True,
        help_text='Describe the photo for people who can\'t see it. Empty: "Photo of <name>".',
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name

    def save(self, *args, **kwargs) -> None:
        avatar_ready(self.photo)
        super().save(*args, **kwargs)

    @property
    def initials(self) -> str:
        """Two letters for the byline when there is no photo: first and last word ("The"
        left out, so "The recruiting team" reads RT)."""
        words = [w for w in re.split(r"[\s\-]+", self.name) if w[:1].isalpha()]
        if len(words) > 1 and words[0].lower() == "the":
            words = words[1:]
        return "".join(w[0] for w in (words[:1] + words[1:][-1:])).upper()

    @property
    def photo_description(self) -> str:
        return self.photo_alt or f"Photo of {self.name}"


class TrustBlockQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class TrustBlock(models.Model):
    """What a testimonial and a placement figure share: staff publish them and set the order."""

    is_published = models.BooleanField(
        "published", default=False, help_text="Shown on the home page, quiz and result."
    )
    order = models.PositiveIntegerField(default=0, help_text="Lower numbers come first.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = TrustBlockQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["order", "pk"]


class Testimonial(TrustBlock):
    """A real placed candidate's or client's words, shown only once staff publish it."""

    quote = models.TextField(max_length=600, help_text="Their words, as they agreed to share them.")
    name = models.CharField(max_length=120, help_text="As they agreed to be named.")
    role = models.CharField(
        max_length=120, blank=True, help_text="E.g. Project manager, placed in 2025."
    )
    photo = models.ImageField(
        upload_to="testimonials/",
        blank=True,
        help_text="Optional, and only with their consent. Shown small, next to their name.",
    )

    def __str__(self) -> str:
        return f"{self.name}: {self.quote[:60]}"

    def save(self, *args, **kwargs) -> None:
        avatar_ready(self.photo)
        super().save(*args, **kwargs)


class PlacementFigure(TrustBlock):
    """A figure the firm can stand behind, such as "250+ people placed in solar"."""

    number = models.CharField(max_length=20, help_text="As it should read, e.g. 250+ or 94%.")
    label = models.CharField(max_length=120, help_text="What it counts, e.g. people placed.")

    def __str__(self) -> str:
        return f"{self.number} {self.label}"


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Live to the public: published, and the publish time has come."""
        return self.filter(status=Article.Status.PUBLISHED, publish_at__lte=timezone.now())

    def newest_first(self):
        return self.order_by("-publish_at", "-pk")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The article's web address: /articles/<slug>/. Filled in from the title.",
        error_messages={
            "unique": "Another article already uses this slug. Change it so each address is unique."
        },
    )
    standfirst = models.TextField(
        max_length=500, help_text="A one- or two-sentence summary shown under the title."
    )
    body = ProseEditorField(config={"extensions": BODY_EXTENSIONS}, sanitize=True)
    author = models.ForeignKey(
        Author,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        help_text="Shown under the title with their role and photo.",
    )
    hero_image = models.ImageField(upload_to="articles/hero/", blank=True)
    hero_image_alt = models.CharField(
        "hero image description",
        max_length=200,
        blank=True,
        help_text="Describe the image for people who can't see it.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        "publish time",
        default=timezone.now,
        help_text="A future time schedules the article: it appears by itself at that time.",
    )
    meta_description = models.CharField(
        max_length=160, blank=True, help_text="For search engines. The standfirst if empty."
    )
    social_image = models.ImageField(upload_to="articles/social/", blank=True)
    promotes = models.ForeignKey(
        "assessment.Assessment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="promoted_by",
        verbose_name="assessment promoted",
        help_text="The call to action shown at the end of the article.",
    )
    signs = models.ManyToManyField(
        "assessment.Sign",
        blank=True,
        related_name="articles",
        verbose_name="helps with these signs",
        help_text=(
            "The quiz suggests this article to visitors with room to grow on these signs, on "
            "their result page and in their report. Leave empty to let the site choose by "
            "the article's words."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["created_at"])
    objects = ArticleQuerySet.as_manager()
    # Set before a save to word its history row; simple_history reads it (types only).
    _change_reason: str

    class Meta:
        ordering = ["-publish_at", "-pk"]
        indexes = [models.Index(fields=["status", "publish_at"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        """The body is cleaned here, once, whoever saves it (the admin, imports, the initial
        content, code), so pages serve it as stored instead of cleaning it at every render.
        QuerySet.update() and raw SQL go around this: don't write bodies that way."""
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            self.body = sanitize_body(self.body)
        wide_image_ready(self.hero_image)
        wide_image_ready(self.social_image)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return _article_url(self.slug, get_script_prefix(), get_urlconf())

    def get_preview_url(self) -> str:
        return reverse("articles:preview", kwargs={"slug": self.slug})

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.publish_at <= timezone.now()

    @cached_property
    def reading_minutes(self) -> int:
        # The body is nh3's output (Article.save()): tags are well formed and ">" inside an
        # attribute is escaped, so a regex finds every tag; strip_tags' HTML parser took
        # about a tenth of an uncached article page.
        words = len(_TAG.sub(" ", self.body).split())
        return max(1, math.ceil(words / WORDS_PER_MINUTE))

    @property
    def description(self) -> str:
        return self.meta_description or self.standfirst
