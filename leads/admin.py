"""The lead admin, where recruiters work their leads, and the outbox, where staff resend mail."""

import json
import logging
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator, capfirst

from . import hooks
from .addresses import ROLE_LOCAL_PARTS
from .exports import follow_ups_label, lead_personal_data, leads_csv_lines
from .models import (
    SOURCE_FIELDS,
    FollowUpStep,
    Lead,
    LeadNote,
    LeadTask,
    OutboundEmail,
    Suppression,
    today_start,
)
from .notes import note_add, task_record
from .previews import email_previews
from .scoring import lead_score_refresh
from .services import (
    email_resend,
    follow_up_step_delete,
    lead_announce_update,
    lead_erase,
    leads_assign,
    leads_set_status,
    suppression_add,
    suppression_lift,
)
from .staff import lead_workers
from .timeline import lead_timeline, person

logger = logging.getLogger(__name__)

# Who may open the email previews: whoever may change the follow-up emails.
PREVIEW_PERMISSION = "leads.change_followupstep"


def segment_choices() -> list[tuple[str, str]]:
    """The results staff can aim a step at, from the app registered in hooks.SEGMENT_CHOICES.

    If none is registered or it fails, the results leads already have are offered instead.
    """
    try:
        (provider,) = hooks.SEGMENT_CHOICES.registered()
        return list(provider())
    except Exception:
        logger.exception("No segment choices could be loaded; using the leads' results")
        segments = Lead.objects.exclude(segment="").order_by("segment")
        return [(s, s) for s in segments.values_list("segment", flat=True).distinct()]


class FollowUpStepForm(forms.ModelForm):
    segments = forms.MultipleChoiceField(
        label="Results it goes to",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick the quiz results this email suits. Tick none to send it to everyone.",
    )

    class Meta:
        model = FollowUpStep
        fields = ("order", "subject", "body", "delay_days", "segments", "is_active")
        widgets = {"body": forms.Textarea(attrs={"rows": 14, "cols": 80})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = segment_choices()
        known = {value for value, _ in choices}
        # A band renamed since the step was saved stays visible, so saving never drops it.
        stale = [(v, f"{v} (no such result any more)") for v in self.initial.get("segments") or []]
        field = cast(forms.MultipleChoiceField, self.fields["segments"])
        field.choices = choices + [c for c in stale if c[0] not in known]


@admin.register(FollowUpStep)
class FollowUpStepAdmin(admin.ModelAdmin):
    form = FollowUpStepForm
    change_list_template = "admin/leads/change_list_with_previews.html"
    list_display = (
        "order",
        "subject",
        "delay_days",
        "audience_display",
        "waiting_display",
        "sent_display",
        "is_active",
    )
    list_display_links = ("subject",)
    list_editable = ("is_active",)
    list_filter = ("is_active",)

    def get_queryset(self, request):
        # How many copies wait and went out, counted in the list's one query.
        return (
            super()
            .get_queryset(request)
            .annotate(
                waiting=Count("emails", filter=Q(emails__status=OutboundEmail.Status.QUEUED)),
                sent=Count("emails", filter=Q(emails__status=OutboundEmail.Status.SENT)),
            )
        )

    @admin.display(description="goes to")
    def audience_display(self, obj: FollowUpStep) -> str:
        return ", ".join(obj.segments) if obj.segments else "Everyone"

    @admin.display(description="waiting", ordering="waiting")
    def waiting_display(self, obj: FollowUpStep) -> int:
        return obj.waiting  # type: ignore[attr-defined]  # get_queryset annotates it

    @admin.display(description="sent", ordering="sent")
    def sent_display(self, obj: FollowUpStep) -> int:
        return obj.sent  # type: ignore[attr-defined]  # get_queryset annotates it

    # Django's delete (one, or "delete selected") goes through these: waiting copies of the
    # deleted steps are cancelled, sent ones stay on record.
    def delete_model(self, request, obj: FollowUpStep) -> None:
        follow_up_step_delete(steps=FollowUpStep.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset: QuerySet[FollowUpStep]) -> None:
        follow_up_step_delete(steps=queryset)


class LeadActionForm(ActionForm):
    """The actions bar, plus the recruiter to hand leads to."""

    owner = forms.ModelChoiceField(
        queryset=lead_workers(),
        required=False,
        label="Recruiter",
        empty_label="(nobody)",
        help_text="Used by “Assign the selected leads to the chosen recruiter”.",
    )


class EmailInline(admin.TabularInline):
    model = OutboundEmail
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = "Emails to or about this lead"
    fields = ("kind", "subject", "status", "send_at", "sent_at", "attempts", "last_error")
    readonly_fields = fields
    ordering = ("send_at",)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class NoteAddInline(admin.TabularInline):
    """One empty box: a note written here is saved with the lead's Save button (no script).

    Notes already written are on the timeline, so this shows none of them.
    """

    model = LeadNote
    extra = 1
    max_num = 1
    can_delete = False
    fields = ("text",)
    verbose_name = verbose_name_plural = "Add a note"
    formfield_overrides = {
        LeadNote._meta.get_field("text").__class__: {
            # A table cell has no <label>: the column's heading is its name for screen readers.
            "widget": forms.Textarea(attrs={"rows": 3, "cols": 60, "aria-label": "Note"})
        }
    }

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_add_permission(request, obj)


class TaskInline(admin.TabularInline):
    """Open tasks to tick off, and a row to add one, saved with the lead."""

    model = LeadTask
    extra = 1
    can_delete = False
    fields = ("title", "due_date", "assignee", "done")
    verbose_name_plural = "Tasks (open ones; add one in the empty row)"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(done=False).select_related("assignee")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "assignee" and field is not None:
            # A plain menu: no "add/edit user" buttons in a task row.
            field.widget = getattr(field.widget, "widget", field.widget)
        return field

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignee":
            kwargs["queryset"] = lead_workers()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        choices = [("", "---------"), *((u.pk, person(u)) for u in lead_workers())]

        class OneMenuForm(formset.form):  # type: ignore[name-defined]
            """The recruiters' menu read once for all rows, so the page's queries stay fixed."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.fields["assignee"].widget.choices = choices
                # A table cell has no <label>: the column's heading names each field.
                for name, field in self.fields.items():
                    if name in TaskInline.fields:
                        field.widget.attrs["aria-label"] = capfirst(field.label)

        formset.form = OneMenuForm
        return formset


def lead_extra_inlines() -> list[type[admin.options.InlineModelAdmin]]:
    """Inlines other apps add to the lead page (hooks.LEAD_ADMIN_INLINES), so leads never
    imports those apps."""
    return hooks.LEAD_ADMIN_INLINES.registered()


class SegmentFilter(admin.SimpleListFilter):
    """The lead's latest result (band title), from the values leads actually have."""

    title = "latest result"
    parameter_name = "segment"

    def lookups(self, request, model_admin):
        segments = Lead.objects.exclude(segment="").order_by("segment")
        return [(s, s) for s in segments.values_list("segment", flat=True).distinct()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(segment=self.value())
        return queryset


class WorkFilter(admin.SimpleListFilter):
    """The views a recruiter starts the day with; the admin home links to each."""

    title = "work"
    parameter_name = "work"

    def lookups(self, request, model_admin):
        return [
            ("mine", "My leads (open)"),
            ("overdue", "Overdue (a task past due)"),
            ("new_today", "New today"),
            ("unassigned", "Nobody's yet (open)"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "mine":
                return queryset.open_work().filter(owner=request.user)
            case "overdue":
                return queryset.overdue()
            case "new_today":
                return queryset.arrived_since(today_start()).filter(erased_at__isnull=True)
            case "unassigned":
                return queryset.open_work().filter(owner__isnull=True)
        return queryset


class ConsentFilter(admin.SimpleListFilter):
    title = "follow-up emails"
    parameter_name = "follow_ups"

    def lookups(self, request, model_admin):
        return [
            ("reachable", "Agreed and confirmed"),
            ("unconfirmed", "Agreed, not confirmed yet"),
            ("no", "Did not agree"),
            ("unsubscribed", "Unsubscribed"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "reachable":
                return queryset.reachable()
            case "unconfirmed":
                return queryset.filter(
                    consented=True, confirmed_at__isnull=True, unsubscribed_at__isnull=True
                )
            case "no":
                return queryset.filter(consented=False)
            case "unsubscribed":
                return queryset.filter(unsubscribed_at__isnull=False)
        return queryset


def _status_action(status: Lead.Status):
    def action(modeladmin, request: HttpRequest, queryset: QuerySet[Lead]) -> None:
        count = leads_set_status(leads=queryset, status=status)
        modeladmin.message_user(
            request, f"Marked {count} lead(s) as “{status.label}”.", messages.SUCCESS
        )

    action.__name__ = f"mark_{status.value}"
    return admin.action(description=f"Mark the selected leads as “{status.label}”")(action)


class AddressKindFilter(admin.SimpleListFilter):
    """Role addresses (info@, sales@, ...) reach a shared inbox, not the person."""

    title = "address"
    parameter_name = "address"

    def lookups(self, request, model_admin):
        return [("role", "Role address (info@, sales@, ...)"), ("personal", "Personal")]

    def queryset(self, request, queryset):
        roles = Q()
        for local in ROLE_LOCAL_PARTS:
            roles |= Q(email__istartswith=f"{local}@")
        if self.value() == "role":
            return queryset.filter(roles)
        if self.value() == "personal":
            return queryset.exclude(roles)
        return queryset


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    # Few, narrow columns: it must fit 1366 px beside the filters, and a phone
    # (static/leads/lead_admin.css wraps and hides what a phone can't hold).
    list_display = (
        "lead_display",
        "segment",
        "status",
        "owner_display",
        "score",
        "follow_ups_display",
        "created_at",
    )
    list_display_links = ("lead_display",)
    list_filter = (
        WorkFilter,
        "status",
        SegmentFilter,
        ConsentFilter,
        AddressKindFilter,
        ("owner", admin.RelatedOnlyFieldListFilter),
        "created_at",
    )
    search_fields = ("email", "first_name", "current_role")
    date_hierarchy = "created_at"
    list_select_related = ("owner",)
    list_per_page = 100
    show_full_result_count = False  # one COUNT(*) fewer on a big table
    action_form = LeadActionForm
    change_list_template = "admin/leads/lead/change_list.html"
    actions = [
        *(_status_action(status) for status in Lead.Status),
        "assign_owner",
        "export_personal_data",
        "erase_personal_data",
    ]
    inlines = [NoteAddInline, TaskInline, EmailInline]  # plus lead_extra_inlines()
    change_form_template = "admin/leads/lead/change_form.html"
    readonly_fields = (
        "email",
        "segment",
        "score",
        "notes",
        "consented",
        "consent_at",
        "consent_text",
        "consent_ip",
        "confirmed_at",
        "unsubscribed_at",
        *SOURCE_FIELDS,
        "created_at",
        "updated_at",
        "erased_at",
    )
    fieldsets = (
        (None, {"fields": ("email", "first_name", "current_role", "segment", "score")}),
        ("Recruiting", {"fields": ("status", "owner", "notes")}),
        (
            "Follow-up emails",
            {
                "description": "What they agreed to, in their own click. Follow-ups go out "
                "only when they agreed and confirmed, and stop when they unsubscribe.",
                "fields": (
                    "consented",
                    "consent_at",
                    "consent_text",
                    "consent_ip",
                    "confirmed_at",
                    "unsubscribed_at",
                ),
            },
        ),
        (
            "Where they came from",
            {
                "fields": (*SOURCE_FIELDS,),
                "classes": ("collapse",),
            },
        ),
        ("Record", {"fields": ("created_at", "updated_at", "erased_at")}),
    )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":
            kwargs["queryset"] = lead_workers()  # only people who may work leads
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request) -> bool:
        return False  # leads come from the site, with their consent on record

    def save_model(self, request, obj, form, change) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if "current_role" in form.changed_data:
                lead_score_refresh(lead=obj)  # the role is part of the fit
            if change and form.changed_data:
                lead_announce_update(lead=obj)  # the firm's CRM hears of the edit

    def get_inlines(self, request, obj):
        own = super().get_inlines(request, obj)
        return [*own[:2], *lead_extra_inlines(), *own[2:]]

    def get_fieldsets(self, request, obj=None):
        # The old single notes box is shown (read only) only where it holds something.
        if obj is not None and obj.notes:
            return self.fieldsets
        return [
            (name, {**opts, "fields": tuple(f for f in opts["fields"] if f != "notes")})
            for name, opts in self.fieldsets
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["timeline"] = lead_timeline(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_formset(self, request, form, formset, change) -> None:
        """Notes and tasks go through their services, which stamp who wrote them."""
        if formset.model is LeadNote:
            for note in formset.save(commit=False):
                note_add(lead=form.instance, author=request.user, text=note.text)
        elif formset.model is LeadTask:
            for task in formset.save(commit=False):
                task_record(task=task, user=request.user)
        else:
            super().save_formset(request, form, formset, change)

    @admin.display(description="recruiter", ordering="owner__first_name")
    def owner_display(self, obj: Lead) -> str:
        return person(obj.owner) if obj.owner else "-"

    @admin.display(description="lead", ordering="first_name")
    def lead_display(self, obj: Lead) -> str:
        """Name, address and role in one cell, on lines of their own: three columns' worth."""
        return format_html(
            '{}<span class="lead-line">{}</span><span class="lead-line">{}</span>',
            obj.first_name,
            obj.email,
            obj.current_role,
        )

    def has_superuser_permission(self, request) -> bool:
        """Personal data leaves the site, or is destroyed, only at a superuser's hand."""
        return request.user.is_active and request.user.is_superuser

    def get_urls(self):
        extra = [
            path(
                "export.csv",
                self.admin_site.admin_view(self.export_csv_view),
                name="leads_lead_export_csv",
            ),
            path(
                "email-previews/",
                self.admin_site.admin_view(self.email_previews_view),
                name="leads_email_previews",
            ),
        ]
        return extra + super().get_urls()

    def export_csv_view(self, request: HttpRequest) -> StreamingHttpResponse:
        """The leads the list shows now (its filters, search and order) as CSV, streamed."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        leads = self.get_changelist_instance(request).queryset
        stamp = timezone.now().strftime("%Y-%m-%d-%H%M")
        return StreamingHttpResponse(
            leads_csv_lines(leads),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="leads-{stamp}.csv"'},
        )

    def email_previews_view(self, request: HttpRequest) -> TemplateResponse:
        """Every email template with sample data, for staff to check before it goes out.

        For those who write the emails (Editors) and superusers: the previews show the live
        quiz, results and follow-up texts, which other staff have no business reading here.
        """
        if not request.user.has_perm(PREVIEW_PERMISSION):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Email previews",
            "opts": self.model._meta,
            "previews": email_previews(),
        }
        return TemplateResponse(request, "admin/leads/email_previews.html", context)

    @admin.display(description="follow-ups")
    def follow_ups_display(self, obj: Lead) -> str:
        return follow_ups_label(obj)

    @admin.action(
        description="Export the selected person's data as JSON (GDPR request)",
        permissions=["superuser"],
    )
    def export_personal_data(self, request: HttpRequest, queryset: QuerySet[Lead]):
        if not self.has_superuser_permission(request):
            raise PermissionDenied
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one lead to export.", messages.WARNING)
            return None
        lead = queryset.select_related("owner").get()
        body = json.dumps(lead_personal_data(lead=lead), cls=DjangoJSONEncoder, indent=2)
        return HttpResponse(
            body,
            content_type="application/json; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="lead-{lead.pk}.json"'},
        )

    @admin.action(
        description="Erase the selected people's personal data (GDPR request)",
        permissions=["superuser"],
    )
    def erase_personal_data(self, request: HttpRequest, queryset: QuerySet[Lead]):
        """Asks first, on a page listing who will be erased; erasing cannot be undone."""
        if not self.has_superuser_permission(request):
            raise PermissionDenied
        if request.POST.get("confirm") != "yes":
            return TemplateResponse(
                request,
                "admin/leads/lead/erase_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Erase personal data?",
                    "opts": self.model._meta,
                    "leads": queryset,
                    "action_name": "erase_personal_data",
                },
            )
        count = 0
        for lead in queryset:
            lead_erase(lead=lead)
            count += 1
        self.message_user(
            request,
            f"Erased the personal data of {count} lead(s). Their rows stay, marked erased, "
            "so counts remain true.",
            messages.SUCCESS,
        )
        return None

    @admin.action(description="Assign the selected leads to the chosen recruiter")
    def assign_owner(self, request: HttpRequest, queryset: QuerySet[Lead]) -> None:
        try:
            owner = LeadActionForm.base_fields["owner"].clean(request.POST.get("owner") or None)
        except ValidationError:
            self.message_user(request, "Choose a recruiter from the list.", messages.ERROR)
            return
        count = leads_assign(leads=queryset, owner=owner)
        who = (owner.get_full_name() or owner.get_username()) if owner else "nobody"
        self.message_user(request, f"Assigned {count} lead(s) to {who}.", messages.SUCCESS)


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = (
        "to_email",
        "kind",
        "subject",
        "status",
        "send_at",
        "sent_at",
        "attempts",
        "error_display",
    )
    list_filter = ("status", "kind", "send_at")
    search_fields = ("to_email", "subject", "lead__email", "lead__first_name")
    date_hierarchy = "send_at"
    list_select_related = ("lead",)
    change_list_template = "admin/leads/change_list_with_previews.html"
    actions = ["resend"]
    fieldsets = (
        (None, {"fields": ("lead", "kind", "to_email", "from_email", "subject")}),
        (
            "Delivery",
            {
                "description": "“Failed” emails can be sent again with the Resend action on "
                "the email list.",
                "fields": (
                    "status",
                    "last_error",
                    "send_at",
                    "sent_at",
                    "attempts",
                    "message_id",
                ),
            },
        ),
        ("Content", {"fields": ("text_body", "html_body", "calendar"), "classes": ("collapse",)}),
        (
            "Technical",
            {
                "fields": (
                    "follow_up_step",
                    "dedupe_key",
                    "headers",
                    "claimed_at",
                    "created_at",
                ),
                "classes": ("collapse",),
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        # The record of what was sent must stay true: nothing here is editable.
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description="last error")
    def error_display(self, obj: OutboundEmail) -> str:
        return Truncator(obj.last_error).chars(80)

    @admin.action(description="Resend the selected failed emails", permissions=["change"])
    def resend(self, request: HttpRequest, queryset: QuerySet[OutboundEmail]) -> None:
        resent = skipped = 0
        for email in queryset:
            try:
                email_resend(email=email)
            except ValueError:
                skipped += 1
            else:
                resent += 1
        if resent:
            self.message_user(
                request,
                f"Sending {resent} email(s) again. Check back in a minute.",
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                f"Skipped {skipped} email(s) that had not failed: "
                "only failed emails can be resent.",
                messages.WARNING,
            )


class SuppressionStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("active", "Suppressed"),
            ("lifted", "Lifted"),
            ("counting", "Only temporary bounces so far"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.active()
        if self.value() == "lifted":
            return queryset.filter(lifted_at__isnull=False)
        if self.value() == "counting":
            return queryset.filter(suppressed_at__isnull=True)
        return queryset


class SuppressionAddForm(forms.ModelForm):
    class Meta:
        model = Suppression
        fields = ("address", "detail")
        labels = {"detail": "Why"}

    def clean_address(self) -> str:
        address = self.cleaned_data["address"]
        if "@" not in address:
            raise ValidationError("Enter an email address.")
        return address

    def validate_unique(self) -> None:
        """A lifted or counting row for the address is reused by suppression_add."""


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    """Addresses nothing is sent to, and why. Staff lift one with a reason."""

    list_display = (
        "address",
        "state_display",
        "reason",
        "source",
        "suppressed_at",
        "soft_bounces",
        "lifted_at",
        "lifted_by",
    )
    list_filter = (SuppressionStateFilter, "reason", "source", "suppressed_at")
    search_fields = ("address",)
    date_hierarchy = "suppressed_at"
    list_select_related = ("lifted_by",)
    actions = ["lift"]
    fields = (
        "address",
        "reason",
        "source",
        "detail",
        "suppressed_at",
        "soft_bounces",
        "lifted_at",
        "lifted_by",
        "lift_reason",
        "created_at",
        "updated_at",
    )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:  # adding by hand: the address and why; the rest is filled in
            kwargs["form"] = SuppressionAddForm
            kwargs["fields"] = ("address", "detail")
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ("address", "detail") if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        # The record of why must stay true: lifting is an action, not an edit.
        return self.fields if obj is not None else ()

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return
        user = request.user
        row = suppression_add(
            address=obj.address,
            reason=Suppression.Reason.MANUAL,
            source=f"staff: {user.get_username()}",
            detail=obj.detail,
        )
        obj.pk = row.pk  # the admin's redirect and message need the saved row

    @admin.display(description="state")
    def state_display(self, obj: Suppression) -> str:
        if obj.is_active:
            return "Suppressed"
        return "Lifted" if obj.lifted_at else "Counting temporary bounces"

    @admin.action(description="Lift the selected suppressions (asks why)", permissions=["change"])
    def lift(self, request: HttpRequest, queryset: QuerySet[Suppression]):
        reason = request.POST.get("lift_reason", "").strip()
        active = Suppression.objects.active().filter(pk__in=queryset.values("pk"))
        if request.POST.get("confirm") != "yes" or not reason:
            return TemplateResponse(
                request,
                "admin/leads/suppression/lift_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Lift suppression?",
                    "opts": self.model._meta,
                    "suppressions": active,
                    "action_name": "lift",
                    "error": "Say why they may receive email again."
                    if request.POST.get("confirm") == "yes"
                    else "",
                },
            )
        lifted = 0
        for row in active:
            suppression_lift(suppression=row, user=cast(Any, request.user), reason=reason)
            lifted += 1
        self.message_user(
            request,
            f"Lifted {lifted} suppression(s). They can receive email again.",
            messages.SUCCESS,
        )
        return None
