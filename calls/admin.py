"""Call requests in the admin: the recruiter's list (due first, overdue at a click), the
routing rules staff edit, and who is away. Times show in the firm's zone (TIME_ZONE) with
the visitor's own beside them."""

from zoneinfo import ZoneInfo

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from leads import hooks
from leads.staff import lead_workers

from .booking_form import CallRequestAdminForm
from .models import Call, CallRequest, Holiday, RecruiterStatus, RoutingRule
from .phones import phone_display
from .services import call_book, call_cancel, call_request_assign


def _visitor_time(call: CallRequest, moment) -> str:
    if moment is None:
        return "-"
    local = timezone.localtime(moment, ZoneInfo(call.time_zone))
    return f"{local:%a %d %b, %H:%M} ({call.time_zone})"


class WorkFilter(admin.SimpleListFilter):
    title = "work"
    parameter_name = "work"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("mine", "Mine (open)"), ("open", "Open")]

    def queryset(self, request, queryset: QuerySet[CallRequest]):
        match self.value():
            case "overdue":
                return queryset.overdue(now=timezone.now())  # type: ignore[attr-defined]
            case "mine":
                return queryset.filter(status=CallRequest.Status.OPEN, assigned_to=request.user)
            case "open":
                return queryset.filter(status=CallRequest.Status.OPEN)
        return queryset


@admin.register(CallRequest)
class CallRequestAdmin(admin.ModelAdmin):
    list_display = (
        "lead_display",
        "status",
        "due_display",
        "assigned_to",
        "preferred_display",
        "phone_display",
        "times_sent",
    )
    list_filter = (WorkFilter, "status", ("assigned_to", admin.RelatedOnlyFieldListFilter))
    search_fields = ("lead__email", "lead__first_name")
    list_select_related = ("lead", "assigned_to")
    date_hierarchy = "due_at"
    form = CallRequestAdminForm
    request_fields = (
        "lead_link",
        "status",
        "assigned_to",
        "routed_by",
        "due_at",
        "escalated_at",
        "preferred_display",
        "second_display",
        "time_zone",
        "phone_display",
        "message",
        "times_sent",
        "created_at",
        "updated_at",
    )
    readonly_fields = (
        *(f for f in request_fields if f not in ("status", "assigned_to")),
        "booked_display",
    )
    fieldsets = (
        (None, {"fields": request_fields}),
        (
            "Book the call",
            {
                "description": "Propose or confirm a time: the visitor is emailed an "
                "invitation for their calendar, with links to confirm, ask for another time "
                "or cancel, and reminders the day before and an hour before.",
                "fields": (
                    "booked_display",
                    "call_starts_at",
                    "call_minutes",
                    "call_medium",
                    "call_video_url",
                    "call_cancel",
                ),
            },
        ),
    )

    class Media:
        css = {"all": ("calls/call_admin.css",)}

    def has_add_permission(self, request) -> bool:
        return False  # visitors ask for calls; staff work them

    def save_model(self, request, obj: CallRequest, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change and "assigned_to" in form.changed_data:
            call_request_assign(call=obj, recruiter=obj.assigned_to)
        booked = form.booked
        cancelled_by_status = "status" in form.changed_data and obj.status == obj.Status.CANCELLED
        if booked is not None and (form.cleaned_data.get("call_cancel") or cancelled_by_status):
            call_cancel(call=booked, by_visitor=False)
            messages.success(request, f"The call is cancelled; {obj.lead.email} is told.")
        elif form.booking_changed():
            call = call_book(request=obj, plan=form.plan(), by=request.user)
            obj.refresh_from_db()
            messages.success(
                request,
                f"Invitation queued for {obj.lead.email}: {_visitor_time(obj, call.starts_at)}.",
            )

    @admin.display(description="booked call")
    def booked_display(self, obj: CallRequest) -> str:
        call = Call.objects.live().filter(request=obj).first()
        if call is None:
            return "None yet"
        here = timezone.localtime(call.starts_at)
        how = "by phone" if call.medium == Call.Medium.PHONE else f"by video ({call.video_url})"
        return (
            f"{here:%a %d %b, %H:%M %Z} here; {_visitor_time(obj, call.starts_at)}; "
            f"{call.minutes} minutes {how}. {call.get_status_display()}."
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assigned_to":
            kwargs["queryset"] = lead_workers()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="lead", ordering="lead__first_name")
    def lead_display(self, obj: CallRequest) -> str:
        return f"{obj.lead.first_name} <{obj.lead.email}>"

    @admin.display(description="lead")
    def lead_link(self, obj: CallRequest) -> str:
        url = reverse("admin:leads_lead_change", args=[obj.lead_id])
        return format_html('<a href="{}">{}</a>', url, obj.lead)

    @admin.display(description="call back by", ordering="due_at")
    def due_display(self, obj: CallRequest) -> str:
        due = f"{timezone.localtime(obj.due_at):%a %d %b, %H:%M}"
        if obj.status == CallRequest.Status.OPEN and obj.due_at < timezone.now():
            return f"{due} (overdue)"
        return due

    @admin.display(description="preferred time (theirs)", ordering="first_choice")
    def preferred_display(self, obj: CallRequest) -> str:
        return _visitor_time(obj, obj.first_choice)

    @admin.display(description="another time (theirs)")
    def second_display(self, obj: CallRequest) -> str:
        return _visitor_time(obj, obj.second_choice)

    @admin.display(description="phone")
    def phone_display(self, obj: CallRequest) -> str:
        return phone_display(obj.phone) or "-"


class LeadCallRequestInline(admin.TabularInline):
    """The lead's call requests on the lead's page (registered in leads.hooks)."""

    model = CallRequest
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = "Call requests"
    fields = ("status", "due_at", "assigned_to", "preferred", "phone_shown", "message")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("assigned_to")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="preferred time (theirs)")
    def preferred(self, obj: CallRequest) -> str:
        return _visitor_time(obj, obj.first_choice)

    @admin.display(description="phone")
    def phone_shown(self, obj: CallRequest) -> str:
        return phone_display(obj.phone) or "-"


def _band_choices() -> list[tuple[str, str]]:
    """The results a lead can have (the quiz registers them with leads), plus "any"."""
    registered = hooks.SEGMENT_CHOICES.registered()
    choices = list(registered[0]()) if registered else []
    return [("", "Any result"), *choices]


class RoutingRuleForm(forms.ModelForm):
    class Meta:
        model = RoutingRule
        fields = ("order", "band", "role_keywords", "recruiter", "is_active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.band if self.instance else ""
        choices = _band_choices()
        if current and current not in dict(choices):
            choices.append((current, f"{current} (no longer a result)"))
        self.fields["band"] = forms.ChoiceField(
            label="Result",
            choices=choices,
            required=False,
            help_text=RoutingRule._meta.get_field("band").help_text,
        )
        recruiter = self.fields["recruiter"]
        assert isinstance(recruiter, forms.ModelChoiceField)  # noqa: S101 - for mypy
        recruiter.queryset = lead_workers()


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    form = RoutingRuleForm
    list_display = ("order", "band_display", "role_keywords", "recruiter", "is_active")
    list_display_links = ("band_display",)
    list_editable = ("order", "is_active")
    list_select_related = ("recruiter",)

    @admin.display(description="result", ordering="band")
    def band_display(self, obj: RoutingRule) -> str:
        return obj.band or "Any result"


class RecruiterStatusForm(forms.ModelForm):
    class Meta:
        model = RecruiterStatus
        fields = ("user", "away", "note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.fields["user"]
        assert isinstance(user, forms.ModelChoiceField)  # noqa: S101 - for mypy
        user.queryset = lead_workers()
        user.label = "Recruiter"


@admin.register(RecruiterStatus)
class RecruiterStatusAdmin(admin.ModelAdmin):
    form = RecruiterStatusForm
    list_display = ("user", "away", "note", "updated_at")
    list_editable = ("away", "note")
    list_select_related = ("user",)


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    """Days the firm is closed: staff add them here, no developer needed."""

    list_display = ("day_display", "name")
    list_display_links = ("day_display",)
    search_fields = ("name",)
    date_hierarchy = "date"

    @admin.display(description="date", ordering="date")
    def day_display(self, obj: Holiday) -> str:
        return f"{obj.date:%a %d %b %Y}"
