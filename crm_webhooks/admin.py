"""Endpoints staff set up for the CRM, and the delivery log where they see and resend."""

import base64
import binascii
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from .chat import CHAT_EVENTS, CHAT_FORMATS
from .events import Event
from .models import SECRET_PREFIX, Delivery, Endpoint, new_secret
from .services import delivery_resend, endpoint_enable
from .url_guard import UnsafeURL, check_url


class EndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="The events this endpoint receives.",
    )
    new_secret = forms.CharField(
        label="Secret",
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="Standard Webhooks only (Slack and Teams sign nothing: keep their URL "
        "private instead). Leave empty and one is made for you, shown once after saving. Or "
        "paste the receiver's own secret (whsec_ followed by base64). When editing: leave "
        "empty to keep the current secret.",
    )

    class Meta:
        model = Endpoint
        fields = ("name", "url", "format", "events", "is_active")

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            check_url(url)
        except UnsafeURL as exc:
            raise ValidationError(str(exc), code="unsafe") from exc
        return url

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chat_format = cleaned.get("format", self.instance.format)
        events = set(cleaned.get("events") or [])
        if chat_format in CHAT_FORMATS and events - CHAT_EVENTS:
            names = ", ".join(sorted(CHAT_EVENTS))
            self.add_error(
                "events",
                ValidationError(
                    f"A Slack or Teams channel can receive {names} only: the other events "
                    "carry personal data that stays in the admin and the CRM.",
                    code="chat_events",
                ),
            )
        return cleaned

    def clean_new_secret(self) -> str:
        secret = self.cleaned_data["new_secret"]
        if not secret:
            return ""
        if not secret.startswith(SECRET_PREFIX):
            raise ValidationError(f"A secret starts with {SECRET_PREFIX}.", code="format")
        try:
            raw = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValidationError(
                f"After {SECRET_PREFIX} a secret is base64.", code="format"
            ) from exc
        if not 24 <= len(raw) <= 64:
            raise ValidationError("A secret holds 24 to 64 bytes (32 is usual).", code="length")
        return secret


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ("name", "format", "url", "event_labels", "is_active", "state", "delivery_log")
    list_filter = ("is_active", "format")
    search_fields = ("name", "url")
    readonly_fields = ("state", "recent_deliveries")

    def get_readonly_fields(self, request, obj=None):
        # What an endpoint sends is fixed once it exists: rows already queued were written
        # for it, and a CRM's payload must never go out as a chat message (or the reverse).
        return (*self.readonly_fields, "format") if obj else self.readonly_fields

    def get_fieldsets(self, request, obj=None):
        main = ("name", "url", "format", "events", "new_secret", "is_active")
        if obj is None:
            return ((None, {"fields": main}),)
        log = ("Deliveries", {"fields": ("state", "recent_deliveries")})
        return ((None, {"fields": main}), log)

    def save_model(self, request, obj, form, change) -> None:
        secret = form.cleaned_data.get("new_secret") or ""
        generated = not change and not secret
        if secret or generated:
            obj.secret = secret or new_secret()
        switched_on = change and "is_active" in form.changed_data and obj.is_active
        super().save_model(request, obj, form, change)
        if switched_on:
            endpoint_enable(endpoint=obj)
        if generated and not obj.is_chat:
            # Shown this once: it is not displayed again, only replaced.
            self.message_user(
                request,
                format_html(
                    "The signing secret for “{}” is <code>{}</code>. Copy it into the "
                    "receiver now: it is not shown again.",
                    obj.name,
                    obj.secret,
                ),
                messages.WARNING,
            )

    @admin.display(description="event(s)")
    def event_labels(self, obj: Endpoint) -> str:
        return obj.event_labels()

    @admin.display(description="state")
    def state(self, obj: Endpoint) -> str:
        if obj.disabled_at and not obj.is_active:
            return f"Switched off {obj.disabled_at:%Y-%m-%d %H:%M}: {obj.disabled_reason}"
        if obj.failing_since:
            return f"Failing since {obj.failing_since:%Y-%m-%d %H:%M}"
        return "Working" if obj.is_active else "Off"

    @admin.display(description="delivery log")
    def delivery_log(self, obj: Endpoint) -> str:
        url = reverse("admin:crm_webhooks_delivery_changelist") + f"?endpoint__id__exact={obj.pk}"
        return format_html('<a href="{}">Deliveries</a>', url)

    @admin.display(description="latest deliveries")
    def recent_deliveries(self, obj: Endpoint) -> str:
        rows = obj.deliveries.order_by("-created_at", "-pk")[:10]
        if not rows:
            return "None yet."
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    f"{d.created_at:%Y-%m-%d %H:%M}",
                    d.event_type,
                    d.get_status_display(),
                    d.response_status or "–",
                    f"{d.response_ms} ms" if d.response_ms is not None else "–",
                )
                for d in rows
            ),
        )
        return format_html(
            "<table><caption>The latest ten; {}</caption><thead><tr><th scope=col>Queued</th>"
            "<th scope=col>Event</th><th scope=col>Status</th><th scope=col>Response</th>"
            "<th scope=col>Time taken</th></tr></thead><tbody>{}</tbody></table>",
            self.delivery_log(obj),
            body,
        )


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "endpoint",
        "event_type",
        "status",
        "response_status",
        "response_ms",
        "attempts",
        "last_error",
    )
    list_filter = ("endpoint", "status", "event_type")
    list_select_related = ("endpoint",)
    search_fields = ("webhook_id", "event_key")
    date_hierarchy = "created_at"
    actions = ["resend"]
    readonly_fields = [field.name for field in Delivery._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False  # deliveries come from events

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # the log stays true; resending is an action

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("crm_webhooks.change_delivery")

    @admin.action(description="Resend the selected deliveries", permissions=["resend"])
    def resend(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        sent, skipped = 0, 0
        for delivery in queryset.select_related("endpoint"):
            try:
                delivery_resend(delivery=delivery)
                sent += 1
            except ValueError:
                skipped += 1
        self.message_user(request, f"Queued {sent} delivery(ies) again.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"Skipped {skipped}: already on their way, or their data was erased or expired.",
                messages.WARNING,
            )
