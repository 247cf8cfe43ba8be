"""The quiz admin: staff edit questions and result bands on the assessment's own page.

Django has no nested inlines, so answer choices are edited on each question's page (linked
from the assessment). Every new question gets the standard five-point agreement scale, so
staff rarely need to go there.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from leads.models import SOURCE_FIELDS

from .models import (
    STANDARD_SCALE,
    Answer,
    Assessment,
    Choice,
    Download,
    Question,
    ResultBand,
    Sign,
    Submission,
    Whitepaper,
)
from .scoring import Band, band_problems, score_range
from .services import question_scale_add, whitepaper_file_discard
from .storage import PrivateStorageUnavailable, private_file_exists, private_file_response
from .validators import validate_whitepaper_upload

STANDARD_SCALE_TEXT = ", ".join(f"{label} = {value}" for label, value in STANDARD_SCALE)


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ("order", "text", "trait", "reverse_scored", "answers")
    readonly_fields = ("answers",)
    extra = 1
    verbose_name_plural = "questions (in the order shown; change the numbers to reorder)"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("choices")

    formfield_overrides = {
        models.CharField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 50})},
    }

    @admin.display(description="answers")
    def answers(self, obj: Question) -> str:
        if not obj.pk:
            return "New questions get the standard agreement scale."
        scale = tuple((c.label, c.value) for c in obj.choices.all())
        if scale == STANDARD_SCALE:
            summary = "Standard agreement scale (1 to 5)."
        else:
            summary = ", ".join(f"{label} = {value}" for label, value in scale) or "None yet."
        return format_html(
            '{} <a href="{}">Edit the answers</a>',
            summary,
            reverse("admin:assessment_question_change", args=[obj.pk]),
        )


class ResultBandFormSet(BaseInlineFormSet):
    """Refuses bands that overlap, or leave part of the possible score range uncovered.

    The range comes from the questions as submitted in the same save, so staff can add a
    question and widen the bands at once. The admin sets question_formset.
    """

    question_formset = None

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        ranges = self._question_items()
        if ranges is None or not ranges:  # question errors show first; no questions, no bands
            return
        lowest, highest = score_range(ranges)
        bands = [
            Band(
                form.cleaned_data["min_score"],
                form.cleaned_data["max_score"],
                form.cleaned_data["title"],
            )
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        problems = band_problems(bands, lowest=lowest, highest=highest)
        if problems:
            raise ValidationError(
                [f"With these questions scores run from {lowest} to {highest}.", *problems]
            )

    def _question_items(self):
        questions = self.question_formset
        if questions is None:
            return self.instance.scoring_items() if self.instance.pk else []
        if not questions.is_valid():
            return None
        saved = {}
        if self.instance.pk:
            saved = {q.pk: q for q in self.instance.questions.with_value_range()}
        items = []
        for form in questions.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            question = saved.get(form.instance.pk) or Question()
            question.trait = data["trait"]
            question.reverse_scored = data["reverse_scored"]
            items.append(question.scoring_item())
        return items


class ResultBandInline(admin.StackedInline):
    model = ResultBand
    formset = ResultBandFormSet
    fields = (("min_score", "max_score"), "title", "summary", "advice")
    extra = 0
    verbose_name_plural = "result bands (together they must cover every possible score once)"


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "estimated_minutes", "is_active", "whitepaper")
    list_filter = ("is_active",)
    search_fields = ("title",)
    prepopulated_fields = {"slug": ("title",)}
    list_select_related = ("whitepaper",)
    readonly_fields = ("preview_link", "score_range_display")
    fields = (
        "title",
        "slug",
        "introduction",
        "estimated_minutes",
        "whitepaper",
        "is_active",
        "preview_link",
        "score_range_display",
    )
    inlines = (QuestionInline, ResultBandInline)

    @admin.display(description="preview")
    def preview_link(self, obj: Assessment) -> str:
        if not obj.pk:
            return "Save the assessment first, then preview it here."
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">Take the quiz as visitors will see it'
            "</a> (opens in a new tab; staff can preview it while it is inactive)",
            obj.get_absolute_url(),
        )

    @admin.display(description="possible scores")
    def score_range_display(self, obj: Assessment) -> str:
        if not obj.pk or not obj.questions.exists():
            return "Add questions to see the range the result bands must cover."
        lowest, highest = obj.score_range()
        return f"from {lowest} to {highest}: the result bands must cover all of it, once."

    def _create_formsets(self, request, obj, change):
        """Hand the question formset to the band formset, which checks coverage against it."""
        # A private ModelAdmin method, so django-stubs does not declare it.
        formsets, inline_instances = super()._create_formsets(request, obj, change)  # type: ignore[misc]
        questions = next((f for f in formsets if f.model is Question), None)
        for formset in formsets:
            if isinstance(formset, ResultBandFormSet):
                formset.question_formset = questions
        return formsets, inline_instances

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Question:
            for question in formset.new_objects:
                question_scale_add(question=question)


class ChoiceFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if len(kept) == 1:
            raise ValidationError(
                "A question needs at least two answers. Delete them all to get the standard scale."
            )
        values = [f.cleaned_data["value"] for f in kept]
        repeated = sorted({v for v in values if values.count(v) > 1})
        if repeated:
            raise ValidationError(
                "Each answer needs its own value; repeated: %(values)s.",
                params={"values": ", ".join(map(str, repeated))},
            )


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    fields = ("order", "label", "value")
    extra = 0
    verbose_name_plural = f"answers (leave none for the standard scale: {STANDARD_SCALE_TEXT})"


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("text", "assessment", "order", "trait", "reverse_scored")
    list_filter = ("assessment", "trait", "reverse_scored")
    list_select_related = ("assessment",)
    search_fields = ("text",)
    fields = ("assessment", "order", "text", "trait", "reverse_scored", "answer_distribution")
    readonly_fields = ("answer_distribution",)
    inlines = (ChoiceInline,)

    @admin.display(description="How people answered")
    def answer_distribution(self, obj: Question) -> str:
        """From the stored answers, so it counts every submission, kept or retaken."""
        if obj.pk is None:
            return "Nobody yet: the question is new."
        picks = Answer.objects.picks_per_choice(obj)
        total = sum(picks.values())
        if not total:
            return "Nobody has answered this question yet."
        rows = [(choice.label, picks.get(choice.pk, 0)) for choice in obj.choices.all()]
        removed = total - sum(n for _, n in rows)
        if removed:
            rows.append(("An answer since removed", removed))
        return format_html(
            '<table><caption>How {} people answered</caption><thead><tr><th scope="col">'
            'Answer</th><th scope="col">People</th><th scope="col">Share</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            total,
            format_html_join(
                "",
                '<tr><th scope="row">{}</th><td>{}</td><td>{}%</td></tr>',
                ((label, n, round(100 * n / total)) for label, n in rows),
            ),
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        question = form.instance
        question_scale_add(question=question)
        problems = question.assessment.band_problems()
        if problems:
            self.message_user(
                request,
                format_html(
                    "The result bands of “{}” no longer fit its scores: {} "
                    '<a href="{}">Fix the bands</a>.',
                    question.assessment,
                    format_html_join(" ", "{}", ((p,) for p in problems)),
                    reverse("admin:assessment_assessment_change", args=[question.assessment_id]),
                ),
                messages.WARNING,
            )


@admin.register(Sign)
class SignAdmin(admin.ModelAdmin):
    """The words of the eight signs on every result page and result email from now on.

    Results already emailed keep the words they were sent with.
    """

    list_display = ("name", "trait", "updated_at")
    fields = ("trait", "name", "strength", "next_step")

    def get_readonly_fields(self, request, obj=None):
        # A row belongs to its sign: changing the sign would swap two signs' words.
        return ("trait",) if obj else ()


class WhitepaperForm(forms.ModelForm):
    class Meta:
        model = Whitepaper
        fields = ("title", "slug", "description", "file", "cover_image", "cover_image_alt")
        widgets = {"file": forms.FileInput(attrs={"accept": "application/pdf,.pdf"})}

    def clean_file(self):
        file = self.cleaned_data["file"]
        if isinstance(file, UploadedFile):
            validate_whitepaper_upload(file)
        return file


@admin.register(Whitepaper)
class WhitepaperAdmin(admin.ModelAdmin):
    form = WhitepaperForm
    list_display = ("title", "updated_at")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("current_file",)
    fieldsets = (
        (None, {"fields": ("title", "slug", "description")}),
        ("The PDF (stored privately)", {"fields": ("current_file", "file")}),
        ("Cover", {"fields": ("cover_image", "cover_image_alt")}),
    )

    @admin.display(description="current PDF")
    def current_file(self, obj: Whitepaper) -> str:
        if not obj.pk or not obj.file:
            return "None yet."
        exists = private_file_exists(obj.file)
        if exists is None:
            return f"{obj.file.name} (private storage can't be reached right now: try again soon)"
        if not exists:
            return f"{obj.file.name} (missing from private storage: upload it again)"
        size_kb = max(1, obj.file.size // 1024)
        return format_html(
            '{} ({} KB). <a href="{}">Download it</a> (staff only). Upload a new PDF below '
            "to replace it.",
            obj.file.name,
            size_kb,
            reverse("admin:assessment_whitepaper_download", args=[obj.pk]),
        )

    def save_model(self, request, obj, form, change):
        replaced = form.initial.get("file") if change and "file" in form.changed_data else None
        super().save_model(request, obj, form, change)
        if replaced:
            whitepaper_file_discard(whitepaper=obj, old_name=replaced.name)

    def get_urls(self):
        download = self.admin_site.admin_view(self.download_view)
        return [
            path("<int:pk>/download/", download, name="assessment_whitepaper_download"),
            *super().get_urls(),
        ]

    def download_view(self, request, pk: int):
        """Staff fetch the private PDF here; visitors get signed links from the quiz."""
        whitepaper = get_object_or_404(Whitepaper, pk=pk)
        if not self.has_view_permission(request, whitepaper):
            raise Http404
        if not whitepaper.file:
            raise Http404("No PDF uploaded yet.")
        try:
            return private_file_response(
                whitepaper.file,
                filename=f"{whitepaper.slug}.pdf",
                body=request.method != "HEAD",
            )
        except FileNotFoundError as exc:
            raise Http404("The PDF is missing from private storage.") from exc
        except PrivateStorageUnavailable:
            messages.error(request, "Private storage can't be reached right now: try again soon.")
            return redirect("admin:assessment_whitepaper_change", whitepaper.pk)


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ("position", "question_text", "trait", "choice_label", "value", "points")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class DownloadInline(admin.TabularInline):
    model = Download
    fields = ("downloaded_at",)
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """A record of what someone answered and was told: read-only, so it stays true."""

    list_display = ("finished_at", "lead_link", "assessment", "band_title", "total_score")
    list_filter = ("assessment", "band_title", "finished_at")
    search_fields = ("lead__email", "lead__first_name")
    list_select_related = ("lead", "assessment")
    date_hierarchy = "finished_at"
    inlines = [AnswerInline, DownloadInline]
    fieldsets = [
        (None, {"fields": ("assessment", "lead_link", "finished_at", "started_at")}),
        (
            "Result",
            {
                "fields": (
                    "band_title",
                    "total_score",
                    "lowest_score",
                    "highest_score",
                    "strongest_trait",
                    "weakest_trait",
                )
            },
        ),
        (
            "Where they came from",
            {"fields": (*SOURCE_FIELDS,)},
        ),
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f for fieldset in self.fieldsets for f in fieldset[1]["fields"]]

    @admin.display(description="lead", ordering="lead__email")
    def lead_link(self, obj: Submission) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:leads_lead_change", args=[obj.lead_id]),
            obj.lead.email,
        )


def _points(answer: Answer) -> str:
    points = f"{answer.points} point{'' if answer.points == 1 else 's'}"
    # Agreeing with a job-focused statement lowers the career score: say so, or 2 points
    # for "Agree" looks like a mistake.
    return points if answer.points == answer.value else f"{points}, reverse scored"


class LeadSubmissionInline(admin.StackedInline):
    """Every quiz the lead took, on the lead's admin page (registered in leads.hooks).

    Answers and downloads hang off the submission, and Django has no nested inlines, so they
    are shown as read-only lists; all of it comes prefetched, so the page runs the same
    queries however many submissions and answers there are.
    """

    model = Submission
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = "quiz submission"
    verbose_name_plural = "Quiz submissions (newest first)"
    fields = (
        "assessment",
        "result_display",
        "finished_at",
        "source_display",
        "answers_display",
        "downloads_display",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("assessment")
            .prefetch_related("answers", "downloads")
        )

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="result")
    def result_display(self, obj: Submission) -> str:
        score = f"{obj.total_score} out of {obj.highest_score} (lowest possible {obj.lowest_score})"
        return f"{obj.band_title}: {score}" if obj.band_title else score

    @admin.display(description="where they came from")
    def source_display(self, obj: Submission) -> str:
        parts = [obj.landing_title or obj.landing_path, obj.referrer]
        campaign = " / ".join(v for v in (obj.utm_source, obj.utm_medium, obj.utm_campaign) if v)
        if campaign:
            parts.append(f"campaign {campaign}")
        return "; ".join(p for p in parts if p) or "-"

    @admin.display(description="answers")
    def answers_display(self, obj: Submission) -> str:
        answers = obj.answers.all()
        if not answers:
            return "-"
        return format_html(
            "<ol>{}</ol>",
            format_html_join(
                "",
                "<li>{} <strong>{}</strong> ({})</li>",
                ((a.question_text, a.choice_label, _points(a)) for a in answers),
            ),
        )

    @admin.display(description="whitepaper downloads")
    def downloads_display(self, obj: Submission) -> str:
        downloads = obj.downloads.all()
        if not downloads:
            return "None yet."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{}</li>",
                ((f"{timezone.localtime(d.downloaded_at):%Y-%m-%d %H:%M}",) for d in downloads),
            ),
        )
