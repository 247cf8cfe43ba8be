"""A visitor's request for a call, who it goes to, and the rules that decide that.

Times are stored in UTC; the visitor's own time zone is kept beside them, so staff see both
the firm's time and the visitor's.
"""

from datetime import date, datetime, timedelta
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Count, Q

from leads.models import Lead


class CallRequestQuerySet(models.QuerySet["CallRequest"]):
    def open(self) -> Self:
        return self.filter(status=CallRequest.Status.OPEN)

    def overdue(self, *, now: datetime) -> Self:
        """Open and past the time a recruiter should have called back."""
        return self.open().filter(due_at__lt=now)

    def to_escalate(self, *, now: datetime) -> Self:
        return self.overdue(now=now).filter(escalated_at__isnull=True)

    def work_counts(self, *, user_id: int, now: datetime) -> dict[str, int]:
        """The admin home's call figures (mine, overdue, open), in one query."""
        is_open = Q(status=CallRequest.Status.OPEN)
        counts: dict[str, int] = self.aggregate(
            mine=Count("pk", filter=is_open & Q(assigned_to_id=user_id)),
            overdue=Count("pk", filter=is_open & Q(due_at__lt=now)),
            open=Count("pk", filter=is_open),
        )
        return counts


class CallRequest(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open: call them back"
        SCHEDULED = "scheduled", "Scheduled"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="call_requests")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    time_zone = models.CharField(
        "visitor's time zone", max_length=64, help_text="The times below, as the visitor sees them."
    )
    first_choice = models.DateTimeField("preferred time")
    second_choice = models.DateTimeField("another time that suits", null=True, blank=True)
    phone = models.CharField(
        max_length=40, blank=True, help_text="International format (E.164). Empty: email them."
    )
    message = models.TextField(blank=True, max_length=1000)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="call_requests",
        help_text="The recruiter who calls back.",
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    routed_by = models.CharField(
        "why them", max_length=200, blank=True, help_text="The routing rule that chose them."
    )
    due_at = models.DateTimeField(
        "call back by", help_text="Counted in the firm's business hours (FIRM_BUSINESS_HOURS)."
    )
    escalated_at = models.DateTimeField(
        null=True, blank=True, help_text="When the team was told it was overdue."
    )
    times_sent = models.PositiveSmallIntegerField(
        default=1, help_text="A visitor who asks again updates the open request."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CallRequestQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["lead"],
                condition=Q(status="open"),
                name="calls_one_open_request_per_lead",
                violation_error_message="This person already has an open call request.",
            )
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="calls_open_due_idx")]

    def __str__(self) -> str:
        return f"Call request from {self.lead.first_name} ({self.get_status_display()})"


class RoutingRule(models.Model):
    """Staff's rule: requests from these leads go to this recruiter (first match wins)."""

    order = models.PositiveSmallIntegerField(default=1, help_text="Lower numbers are tried first.")
    band = models.CharField(
        "result",
        max_length=100,
        blank=True,
        help_text="The lead's latest quiz result. Empty: any result.",
    )
    role_keywords = models.CharField(
        "role keywords",
        max_length=300,
        blank=True,
        help_text="Comma-separated words looked for in the lead's current role, such as "
        "“installer, electrician”. Empty: any role.",
    )
    recruiter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="call_routing_rules"
    )
    is_active = models.BooleanField("active", default=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "call routing rule"

    def __str__(self) -> str:
        parts = [f"result “{self.band}”" if self.band else "", self.role_keywords]
        return " and ".join(p for p in parts if p) or "every request"

    def keywords(self) -> list[str]:
        return [word.strip().lower() for word in self.role_keywords.split(",") if word.strip()]

    def matches(self, lead: Lead) -> bool:
        if self.band and self.band.casefold() != lead.segment.casefold():
            return False
        words = self.keywords()
        role = lead.current_role.lower()
        return not words or any(word in role for word in words)


class RecruiterStatus(models.Model):
    """Whether a recruiter takes new call requests now (away: holiday, sick, in training)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recruiter_status"
    )
    away = models.BooleanField(
        default=False, help_text="Away recruiters get no new call requests, by rule or in turn."
    )
    note = models.CharField(max_length=200, blank=True, help_text="For example “back on 2 Dec”.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "recruiter availability"
        verbose_name_plural = "recruiter availability"

    def __str__(self) -> str:
        return f"{self.user}: {'away' if self.away else 'available'}"


class HolidayQuerySet(models.QuerySet["Holiday"]):
    def dates_from(self, day: date) -> frozenset[date]:
        return frozenset(self.filter(date__gte=day).values_list("date", flat=True))


class Holiday(models.Model):
    """A whole day the firm is closed, entered by staff: call-back deadlines skip it."""

    date = models.DateField(unique=True, help_text="The whole day is closed, in the firm's zone.")
    name = models.CharField(max_length=100, help_text="For example “Christmas Day”.")

    objects = HolidayQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        verbose_name = "holiday"

    def __str__(self) -> str:
        return f"{self.name} ({self.date:%a %d %b %Y})"


class CallQuerySet(models.QuerySet["Call"]):
    def live(self) -> Self:
        """Booked and not cancelled: what the visitor's calendar holds."""
        return self.exclude(status=Call.Status.CANCELLED)

    def upcoming(self, *, now: datetime) -> Self:
        return self.live().filter(starts_at__gte=now)


class Call(models.Model):
    """A call a recruiter booked from a request, and the invitation the visitor was sent.

    `uid` and `sequence` are the invitation's iCalendar UID and SEQUENCE: moving the call
    keeps the uid and counts the sequence up, so the visitor's calendar moves the event
    instead of adding a second one. A cancelled call stays on record; booking again after
    that makes a new call (a new uid), since some calendars never revive a cancelled event.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed: waiting for the visitor to confirm"
        CONFIRMED = "confirmed", "Confirmed by the visitor"
        CANCELLED = "cancelled", "Cancelled"

    class Medium(models.TextChoices):
        PHONE = "phone", "Phone: the recruiter calls their number"
        VIDEO = "video", "Video call: the link below"

    request = models.ForeignKey(CallRequest, on_delete=models.CASCADE, related_name="calls")
    uid = models.CharField(max_length=200, unique=True, help_text="The invitation's UID.")
    starts_at = models.DateTimeField("starts at")
    minutes = models.PositiveSmallIntegerField("length (minutes)", default=30)
    medium = models.CharField("how", max_length=8, choices=Medium.choices, default=Medium.PHONE)
    video_url = models.URLField("video link", max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    sequence = models.PositiveIntegerField(
        default=0, help_text="Counts the invitation's changes (iCalendar SEQUENCE)."
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = "booked call"
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=~Q(status="cancelled"),
                name="calls_one_live_call_per_request",
                violation_error_message="This request already has a booked call.",
            )
        ]

    def __str__(self) -> str:
        return f"Call {self.pk} ({self.get_status_display()})"

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)
