"""People who finished a quiz, their consent, and the email outbox that writes to them.

`leads` knows nothing of quizzes or articles: where a lead came from is kept as text.
"""

from datetime import datetime, time, timedelta
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .addresses import suppression_key


class VisitSource(models.Model):
    """Where a visitor came from: the first touch on a Lead, each run on a Submission.

    One definition, so capture, the admin and the exports agree on names and lengths.
    """

    landing_path = models.CharField(
        "first page", max_length=500, blank=True, help_text="Where they first arrived."
    )
    landing_title = models.CharField("first page title", max_length=300, blank=True)
    referrer = models.CharField(max_length=500, blank=True)
    utm_source = models.CharField("campaign source", max_length=200, blank=True)
    utm_medium = models.CharField("campaign medium", max_length=200, blank=True)
    utm_campaign = models.CharField("campaign name", max_length=200, blank=True)
    utm_term = models.CharField("campaign term", max_length=200, blank=True)
    utm_content = models.CharField("campaign content", max_length=200, blank=True)

    class Meta:
        abstract = True


# Each source field's name and longest length, for cleaning what a visitor's browser sent.
SOURCE_FIELDS = {field.name: field.max_length for field in VisitSource._meta.local_fields}


def today_start() -> datetime:
    """Midnight in the firm's time zone (TIME_ZONE), where "today" is read."""
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


def open_work_q() -> Q:
    return Q(erased_at__isnull=True) & ~Q(status__in=[Lead.Status.PLACED, Lead.Status.NOT_A_FIT])


class LeadQuerySet(models.QuerySet["Lead"]):
    def reachable(self) -> Self:
        """Leads we may send follow-ups to: consent given, address confirmed, not unsubscribed."""
        return self.filter(consented=True, confirmed_at__isnull=False, unsubscribed_at__isnull=True)

    def open_work(self) -> Self:
        """Leads a recruiter still works: not placed, not closed as not a fit, not erased."""
        return self.filter(open_work_q())

    def arrived_since(self, moment: datetime) -> Self:
        return self.filter(created_at__gte=moment)

    def work_counts(self, *, user_id: int, today_start: datetime) -> dict[str, int]:
        """The admin home's four figures, in one query."""
        overdue = LeadTask.objects.overdue(today=timezone.localdate()).values("lead_id")
        counts: dict[str, int] = self.aggregate(
            mine=Count("pk", filter=Q(owner_id=user_id) & open_work_q()),
            overdue=Count("pk", filter=Q(pk__in=overdue) & open_work_q()),
            new_today=Count("pk", filter=Q(created_at__gte=today_start, erased_at__isnull=True)),
            unassigned=Count("pk", filter=Q(owner__isnull=True) & open_work_q()),
        )
        return counts

    def overdue(self, *, today=None) -> Self:
        """Open leads with a task past its due date and not done."""
        today = today or timezone.localdate()
        return self.open_work().filter(
            pk__in=LeadTask.objects.overdue(today=today).values("lead_id")
        )

    def past_retention(self, *, now, days: int) -> Self:
        """Not erased yet, untouched for `days`, and not a person the firm works with
        (placed or qualified leads are kept)."""
        return self.filter(
            erased_at__isnull=True, updated_at__lt=now - timedelta(days=days)
        ).exclude(status__in=[Lead.Status.PLACED, Lead.Status.QUALIFIED])


# Every Lead field but status and owner: what the history does not copy.
UNTRACKED_FIELDS = [
    *SOURCE_FIELDS,
    "email",
    "first_name",
    "current_role",
    "time_zone",
    "consented",
    "consent_at",
    "consent_text",
    "consent_ip",
    "confirmed_at",
    "unsubscribed_at",
    "segment",
    "notes",
    "erased_at",
    "created_at",
    "updated_at",
    "score",
]


class Lead(VisitSource):
    class Status(models.TextChoices):
        NEW = "new", "New"
        CONTACTED = "contacted", "Contacted"
        QUALIFIED = "qualified", "Qualified"
        PLACED = "placed", "Placed"
        NOT_A_FIT = "not_a_fit", "Not a fit"

    email = models.EmailField(
        max_length=254, help_text="Stored in lower case; one lead per address."
    )
    first_name = models.CharField(max_length=100)
    current_role = models.CharField(max_length=150, blank=True)
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        help_text="The visitor's time zone, as their browser gave it; blank means the firm's. "
        "Follow-ups arrive in the send window of this zone.",
    )

    consented = models.BooleanField(
        "agreed to follow-up emails",
        default=False,
        help_text="Ticked the box asking for follow-up emails.",
    )
    consent_at = models.DateTimeField("consent given at", null=True, blank=True)
    consent_text = models.TextField(
        "consent wording", blank=True, help_text="The exact words shown next to the box."
    )
    consent_ip = models.GenericIPAddressField("consent given from IP", null=True, blank=True)
    confirmed_at = models.DateTimeField(
        "address confirmed at",
        null=True,
        blank=True,
        help_text="When they clicked the confirmation link. Follow-ups need this.",
    )
    unsubscribed_at = models.DateTimeField(
        null=True, blank=True, help_text="When they asked for no more follow-up emails."
    )

    segment = models.CharField(
        "latest result",
        max_length=100,
        blank=True,
        db_index=True,
        help_text="The result of the lead's latest assessment (its band), which decides "
        "which follow-up emails fit.",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
        help_text="The recruiter looking after this person.",
    )
    notes = models.TextField(
        "earlier notes",
        blank=True,
        help_text="The single notes box used before notes became separate entries; read only.",
    )
    score = models.PositiveSmallIntegerField(
        default=0,
        db_index=True,
        help_text="0 to 100: how well they fit and how engaged they are (docs/recruiters.md). "
        "Updated when its inputs change.",
    )
    erased_at = models.DateTimeField(
        "personal data erased at",
        null=True,
        blank=True,
        help_text="Set when the person's data was erased (on request, or after the retention "
        "period). The row stays so counts and statistics remain true.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LeadQuerySet.as_manager()
    # Only the recruiting fields are kept in history (for the timeline's old → new), so
    # no personal data is copied where erasure would have to find it.
    history = HistoricalRecords(excluded_fields=UNTRACKED_FIELDS)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="leads_lead_email_ci_unique",
                violation_error_message="A lead with this email address already exists.",
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.first_name} <{self.email}>"


class LeadNote(models.Model):
    """One note a recruiter wrote about a lead, an entry of its own on the timeline."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="lead_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "note"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text[:60]


class LeadTaskQuerySet(models.QuerySet["LeadTask"]):
    def overdue(self, *, today) -> Self:
        """Not done, and due before `today` (a date in the firm's time zone)."""
        return self.filter(done=False, due_date__lt=today)


class LeadTask(models.Model):
    """Something a recruiter must do about a lead by a date (call back, send roles)."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    due_date = models.DateField("due")
    done = models.BooleanField(default=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lead_tasks",
        help_text="Blank: the lead's recruiter.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = LeadTaskQuerySet.as_manager()

    class Meta:
        verbose_name = "task"
        ordering = ["done", "due_date", "pk"]
        indexes = [models.Index(fields=["done", "due_date"])]

    def __str__(self) -> str:
        return self.title


class FollowUpStepQuerySet(models.QuerySet["FollowUpStep"]):
    def active(self) -> Self:
        return self.filter(is_active=True)

    def for_lead(self, lead: Lead) -> list["FollowUpStep"]:
        """Active steps whose audience includes the lead's latest result, in order."""
        return [step for step in self.active().order_by("order", "pk") if step.is_for(lead)]


class FollowUpStep(models.Model):
    """One email of the follow-up sequence, written by staff in the admin."""

    order = models.PositiveSmallIntegerField(
        default=1, help_text="Lower numbers first; only used to list the steps."
    )
    delay_days = models.PositiveSmallIntegerField(
        "days after confirming",
        default=3,
        help_text="Sent this many days after the person confirmed their address.",
    )
    subject = models.CharField(max_length=200)
    body = models.TextField(
        help_text="Plain text. A blank line starts a new paragraph; web addresses become "
        "links. “Hi <first name>,” and the footer are added for you."
    )
    segments = models.JSONField(
        "results it goes to",
        default=list,
        blank=True,
        help_text="The quiz results (bands) this email suits. None ticked: everyone.",
    )
    is_active = models.BooleanField(
        "active",
        default=True,
        help_text="Inactive steps are not scheduled, and waiting copies of them are not sent.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = FollowUpStepQuerySet.as_manager()

    class Meta:
        verbose_name = "follow-up email"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.order}. {self.subject}"

    @property
    def dedupe_key(self) -> str:
        return f"follow-up-{self.pk}"

    def is_for(self, lead: Lead) -> bool:
        return not self.segments or lead.segment in self.segments


class OutboundEmailQuerySet(models.QuerySet["OutboundEmail"]):
    def due(self, *, now=None) -> Self:
        """Queued and whose send time has come."""
        now = now or timezone.now()
        return self.filter(status=OutboundEmail.Status.QUEUED, send_at__lte=now)

    def claimable(self, *, now=None, timeout: timedelta) -> Self:
        """Rows a worker may claim: due, or stuck in "sending" by a worker that died."""
        now = now or timezone.now()
        return self.filter(
            Q(status=OutboundEmail.Status.QUEUED, send_at__lte=now)
            | Q(status=OutboundEmail.Status.SENDING, claimed_at__lt=now - timeout)
        )

    def needing_sweep(self, *, now=None, timeout: timedelta, grace: timedelta) -> Self:
        """What the sweeper hands to workers.

        Queued rows nobody took (the on-commit hand-off was lost, or a follow-up came due),
        rows waiting on a retry that never came, and rows stuck in "sending". Rows created
        within `grace` are left to their own on-commit hand-off.
        """
        now = now or timezone.now()
        stale = now - timeout
        never_claimed = Q(claimed_at__isnull=True, created_at__lte=now - grace)
        return self.filter(
            Q(status=OutboundEmail.Status.QUEUED, send_at__lte=now)
            & (never_claimed | Q(claimed_at__lt=stale))
            | Q(status=OutboundEmail.Status.SENDING, claimed_at__lt=stale)
        )

    def pending_follow_ups(self) -> Self:
        return self.filter(
            kind=OutboundEmail.Kind.FOLLOW_UP,
            status__in=[OutboundEmail.Status.QUEUED, OutboundEmail.Status.SENDING],
        )


class OutboundEmail(models.Model):
    """One message, written before it is sent, so nothing is lost if Redis or a worker is down."""

    class Kind(models.TextChoices):
        RESULT = "result", "Result"
        FOLLOW_UP = "follow_up", "Follow-up"
        NOTIFICATION = "notification", "Team notification"
        FRESH_LINK = "fresh_link", "Fresh download link"
        CONFIRM = "confirm", "Confirm address"
        CALL_INVITE = "call_invite", "Call invitation"
        CALL_REMINDER = "call_reminder", "Call reminder"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to send"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    follow_up_step = models.ForeignKey(
        FollowUpStep,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="emails",
        help_text="For follow-ups: the step whose latest text is sent.",
    )
    dedupe_key = models.CharField(
        max_length=100,
        help_text="Names the message (e.g. “result” or “follow-up-2”), so it is never made twice.",
    )
    subject = models.CharField(max_length=300)
    html_body = models.TextField("HTML body")
    text_body = models.TextField("plain-text body")
    to_email = models.EmailField("to", max_length=254)
    from_email = models.CharField("from", max_length=254)
    headers = models.JSONField(default=dict, blank=True)
    calendar = models.TextField(
        blank=True,
        help_text="An iCalendar invitation (.ics text) sent with the message: as a "
        "text/calendar part and as invite.ics.",
    )
    send_at = models.DateTimeField("send at", default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True, help_text="What went wrong on the last try.")
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField("Message-ID", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        verbose_name = "email"
        ordering = ["-send_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["lead", "dedupe_key"], name="leads_outboundemail_lead_dedupe_unique"
            )
        ]
        indexes = [models.Index(fields=["status", "send_at"], name="leads_outbox_sweep_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to_email}: {self.subject}"


class SuppressionQuerySet(models.QuerySet["Suppression"]):
    def active(self) -> Self:
        """Addresses nothing may be sent to: suppressed and not lifted since."""
        return self.filter(suppressed_at__isnull=False, lifted_at__isnull=True)

    def for_address(self, address: str) -> Self:
        return self.filter(address=suppression_key(address))


class Suppression(models.Model):
    """An address we must not email, and why. Keyed by the normalised address
    (leads.addresses.suppression_key), so a different case or Unicode form still matches."""

    class Reason(models.TextChoices):
        HARD_BOUNCE = "hard_bounce", "Hard bounce (the mailbox does not exist)"
        NO_SUCH_MAILBOX = "no_such_mailbox", "Our mail server was told: no such mailbox"
        SOFT_BOUNCES = "soft_bounces", "Too many temporary bounces"
        COMPLAINT = "complaint", "Marked as spam by the reader"
        PROVIDER_UNSUBSCRIBE = "provider_unsubscribe", "Unsubscribed at the email provider"
        MANUAL = "manual", "Added by staff"

    address = models.CharField(
        max_length=254, unique=True, help_text="Normalised: trimmed, NFKC, lower case."
    )
    reason = models.CharField(max_length=24, choices=Reason.choices, blank=True)
    source = models.CharField(
        max_length=100, blank=True, help_text="Who told us: a provider's webhook, SMTP, staff."
    )
    detail = models.TextField(blank=True, help_text="What the provider or mail server said.")
    suppressed_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty: only temporary bounces counted so far."
    )
    soft_bounces = models.PositiveIntegerField(
        "temporary bounces", default=0, help_text="Since the last delivery or lift."
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    lift_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SuppressionQuerySet.as_manager()

    class Meta:
        ordering = ["-suppressed_at", "-pk"]

    def __str__(self) -> str:
        return self.address

    @property
    def is_active(self) -> bool:
        return self.suppressed_at is not None and self.lifted_at is None


class MailEvent(models.Model):
    """A delivery event a provider's webhook reported, kept once: the same event posted
    twice (providers retry) changes nothing the second time."""

    provider = models.CharField(max_length=50)
    event_key = models.CharField(max_length=300, help_text="The provider's event id.")
    event_type = models.CharField(max_length=30)
    address = models.CharField(max_length=254, blank=True)
    outcome = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_key"], name="leads_mailevent_provider_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_type} {self.address}"
