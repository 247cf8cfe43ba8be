"""The call-request form: times in the visitor's own time zone, an optional phone number."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.conf import settings
from django.utils import timezone

from .phones import PHONE_MAX_INPUT, phone_normalise
from .services import MESSAGE_MAX_LENGTH, CallChoice
from .time_zones import known_zones, zone_choices

# How far ahead a visitor may ask: further than this is more likely a typo in the year.
LATEST_DAYS_AHEAD = 90
_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock time with no zone yet: the form's time zone field decides which it is.

    Django's own field would read it in the firm's zone at once.
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value):  # a naive datetime, on purpose
        if value in self.empty_values:
            return None
        text = str(value).strip()
        for pattern in _INPUT_FORMATS:
            try:
                return datetime.strptime(text, pattern)
            except ValueError:
                continue
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class ZoneField(forms.ChoiceField):
    """Any IANA zone: the browser's script may add one the list doesn't show."""

    def valid_value(self, value) -> bool:
        return value in known_zones()


class CallRequestForm(forms.Form):
    time_zone = ZoneField(
        label="Your time zone",
        help_text="The times below are in this zone.",
        error_messages={
            "required": "Choose your time zone from the list.",
            "invalid_choice": "Choose your time zone from the list.",
        },
    )
    first_choice = LocalDateTimeField(
        label="When suits you best?",
        help_text="A day and time for a 20-minute call.",
        error_messages={
            "required": "Enter a day and time that suits you.",
            "invalid": "Enter the day and time as year-month-day and hours:minutes, such as "
            "2026-12-01 10:30.",
        },
    )
    second_choice = LocalDateTimeField(
        label="Another time that suits (optional)",
        required=False,
        error_messages={
            "invalid": "Enter the other day and time as year-month-day and hours:minutes, "
            "such as 2026-12-01 14:00, or leave it empty.",
        },
    )
    phone = forms.CharField(
        label="Phone number (optional)",
        required=False,
        max_length=PHONE_MAX_INPUT,
        help_text="Leave it empty and we'll email you to arrange the call.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        error_messages={"max_length": "Enter a phone number of 50 characters or fewer."},
    )
    message = forms.CharField(
        label="Anything we should know? (optional)",
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": f"Keep your message to {MESSAGE_MAX_LENGTH} characters or fewer."
        },
    )

    def __init__(
        self,
        *args,
        action: str = "",
        selected_zone: str = "",
        now: datetime | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.attrs = {"novalidate": "", "class": "call-request-form"}
        self.helper.layout = Layout(
            "time_zone",
            "first_choice",
            "second_choice",
            "phone",
            "message",
            Submit("submit", "Ask for a call", css_class="btn-brand btn-lg"),
        )
        self.now = now or timezone.now()
        posted = self.data.get("time_zone", "") if self.is_bound else ""
        chosen = posted if posted in known_zones() else selected_zone or settings.TIME_ZONE
        field = self.fields["time_zone"]
        assert isinstance(field, ZoneField)  # noqa: S101 - for mypy
        field.choices = zone_choices(selected=chosen)
        field.initial = chosen
        if posted or selected_zone:  # the visitor chose it already: the script leaves it be
            field.widget.attrs["data-chosen"] = "yes"

    def clean_phone(self) -> str:
        return phone_normalise(self.cleaned_data["phone"], region=settings.PHONE_DEFAULT_REGION)

    def clean(self):
        cleaned = super().clean() or {}
        zone_name = cleaned.get("time_zone")
        if not zone_name:
            return cleaned
        zone = ZoneInfo(zone_name)
        for name in ("first_choice", "second_choice"):
            local = cleaned.get(name)
            if local is None:
                continue
            moment = self._aware(name, local, zone)
            if moment is not None:
                cleaned[name] = moment
        return cleaned

    def _aware(self, name: str, local: datetime, zone: ZoneInfo) -> datetime | None:
        moment = local.replace(tzinfo=zone)
        # A wall-clock time the clocks skip (spring forward) doesn't survive the round trip.
        if moment.astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None) != local:
            self.add_error(
                name,
                "That time doesn't exist in your time zone (the clocks change "
                "then). Choose another time.",
            )
            return None
        if moment <= self.now:
            self.add_error(name, "That time has passed. Choose a day and time in the future.")
            return None
        if moment > self.now + timedelta(days=LATEST_DAYS_AHEAD):
            self.add_error(
                name, f"Choose a time in the next {LATEST_DAYS_AHEAD} days: check the year."
            )
            return None
        return moment

    def choice(self) -> CallChoice:
        data = self.cleaned_data
        return CallChoice(
            time_zone=data["time_zone"],
            first_choice=data["first_choice"],
            second_choice=data.get("second_choice"),
            phone=data.get("phone", ""),
            message=data.get("message", ""),
        )
