"""The "Book the call" part of a call request's admin page: a time in the firm's zone, a
length, how, and a box to cancel. Plain inputs (a datetime-local field, radio buttons), so
it works on a phone and without JavaScript. The form only checks; calls.services books.
"""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import timezone

from .models import Call, CallRequest
from .services import CALL_LENGTHS, CallPlan, call_plan_problems

_BOOKING_FIELDS = ("call_starts_at", "call_minutes", "call_medium", "call_video_url")


def _theirs_and_ours(moment: datetime, zone: str) -> str:
    theirs = timezone.localtime(moment, ZoneInfo(zone))
    ours = timezone.localtime(moment)
    return f"{theirs:%a %d %b, %H:%M} their time ({zone}) = {ours:%a %d %b, %H:%M} {ours:%Z} here"


class CallRequestAdminForm(forms.ModelForm):
    call_starts_at = forms.DateTimeField(
        label="Call time",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "invalid": "Enter the day and time as year-month-day and hours:minutes, such as "
            "2026-12-01 10:30."
        },
    )
    call_minutes = forms.TypedChoiceField(
        label="Length",
        coerce=int,
        choices=[(minutes, f"{minutes} minutes") for minutes in CALL_LENGTHS],
        initial=30,
        required=False,
    )
    call_medium = forms.ChoiceField(
        label="How",
        choices=Call.Medium.choices,
        initial=Call.Medium.PHONE,
        widget=forms.RadioSelect,
        required=False,
    )
    call_video_url = forms.URLField(
        label="Video link",
        required=False,
        assume_scheme="https",
        help_text="For a video call: the meeting's link (https://...).",
    )
    call_cancel = forms.BooleanField(
        label="Cancel the booked call",
        required=False,
        help_text="The visitor is emailed a cancellation that removes it from their calendar.",
    )

    class Meta:
        model = CallRequest
        fields = ("status", "assigned_to")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.instance
        self.booked = (
            Call.objects.live().filter(request_id=request.pk).first() if request.pk else None
        )
        hint = f"In the firm's time ({settings.TIME_ZONE}). Saving sends the visitor an invitation."
        if request.pk and request.first_choice:
            hint += f" They asked for {_theirs_and_ours(request.first_choice, request.time_zone)}."
        self.fields["call_starts_at"].help_text = hint
        if self.booked is not None:
            self.fields["call_starts_at"].initial = timezone.localtime(self.booked.starts_at)
            self.fields["call_minutes"].initial = self.booked.minutes
            self.fields["call_medium"].initial = self.booked.medium
            self.fields["call_video_url"].initial = self.booked.video_url

    def booking_changed(self) -> bool:
        """A time given for the first time, or the booked call's details changed."""
        if self.booked is None:
            return self.cleaned_data.get("call_starts_at") is not None
        return any(name in self.changed_data for name in _BOOKING_FIELDS)

    def plan(self) -> CallPlan:
        data = self.cleaned_data
        return CallPlan(
            starts_at=data["call_starts_at"],
            minutes=data.get("call_minutes") or 30,
            medium=data.get("call_medium") or Call.Medium.PHONE,
            video_url=data.get("call_video_url") or "",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        cancelling = cleaned.get("call_cancel")
        if cancelling and self.booked is None:
            self.add_error("call_cancel", "There is no booked call to cancel.")
        elif cancelling and self.booking_changed():
            self.add_error("call_cancel", "Either change the call or cancel it, not both.")
        elif self.booking_changed():
            if cleaned.get("call_starts_at") is None:
                self.add_error("call_starts_at", "Enter the call's day and time.")
                return cleaned
            if self.instance.lead.erased_at is not None:
                self.add_error(None, "This person's data was erased: the call can't be booked.")
                return cleaned
            problems = call_plan_problems(
                request=self.instance, plan=self.plan(), now=timezone.now()
            )
            for name, problem in problems.items():
                self.add_error(f"call_{name}", problem)
        return cleaned
