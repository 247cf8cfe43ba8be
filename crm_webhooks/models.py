"""Where the CRM wants events (Endpoint), and each event on its way there (Delivery).

A Delivery is the webhook's outbox row: written in the transaction that made the event,
handed to Celery on commit, claimed by one worker, retried with backoff, swept by beat.
"""

import base64
import secrets
from datetime import datetime, timedelta
from typing import Self

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .chat import CHAT_FORMATS, Format
from .events import Event

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret


def new_secret() -> str:
    """A Standard Webhooks secret: whsec_ and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


class EndpointQuerySet(models.QuerySet["Endpoint"]):
    def subscribed_to(self, event_type: str) -> list["Endpoint"]:
        """Active endpoints that asked for this event, in one query (the list is short, so
        it is filtered in Python, the same on SQLite and PostgreSQL)."""
        return [e for e in self.filter(is_active=True) if event_type in e.events]


class Endpoint(models.Model):
    name = models.CharField(max_length=100, help_text="For you: e.g. “Bullhorn” or “Zapier”.")
    url = models.URLField(
        "URL",
        max_length=500,
        help_text="Where the events are POSTed. https:// on the public internet.",
    )
    format = models.CharField(
        "sends",
        max_length=10,
        choices=Format.choices,
        default=Format.STANDARD,
        help_text="Standard Webhooks JSON for a CRM; a Slack or Teams message for a chat "
        "channel (call requests only, no email address, phone number or message in it).",
    )
    events = models.JSONField(
        default=list, help_text="The events this endpoint receives.", blank=True
    )
    secret = models.CharField(
        max_length=200,
        help_text="Signs every delivery (Standard Webhooks). Shown once, when it is made.",
    )
    is_active = models.BooleanField(
        "active", default=True, help_text="Inactive endpoints receive nothing."
    )
    failing_since = models.DateTimeField(
        null=True, blank=True, help_text="First failure since the last delivery that worked."
    )
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    disabled_notice_sent_at = models.DateTimeField(
        null=True, blank=True, help_text="When the admins were emailed that it was switched off."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EndpointQuerySet.as_manager()

    class Meta:
        verbose_name = "webhook endpoint"
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def event_labels(self) -> str:
        return ", ".join(sorted(self.events)) or "(none)"

    @property
    def is_chat(self) -> bool:
        return self.format in CHAT_FORMATS


class DeliveryQuerySet(models.QuerySet["Delivery"]):
    def claimable(self, *, now: datetime, timeout: timedelta) -> Self:
        """Due and waiting, or stuck in "sending" by a worker that died."""
        return self.filter(
            Q(status=Delivery.Status.QUEUED, next_attempt_at__lte=now)
            | Q(status=Delivery.Status.SENDING, claimed_at__lt=now - timeout)
        )

    def needing_sweep(self, *, now: datetime, timeout: timedelta, grace: timedelta) -> Self:
        """What beat hands to workers: due rows whose own hand-off should have run by now."""
        return self.filter(
            Q(status=Delivery.Status.QUEUED, next_attempt_at__lte=now - grace)
            | Q(status=Delivery.Status.SENDING, claimed_at__lt=now - timeout)
        )


class Delivery(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to send"
        SENDING = "sending", "Sending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_type = models.CharField(max_length=40, choices=Event.choices)
    event_key = models.CharField(
        max_length=200, help_text="Names the event, so queuing it twice makes one row."
    )
    webhook_id = models.CharField(
        "webhook-id", max_length=60, help_text="The same on every try: receivers drop repeats."
    )
    payload = models.JSONField(help_text="What is sent: type, timestamp and data.")
    subject = models.CharField(
        max_length=100,
        blank=True,
        db_index=True,
        help_text="Whose data the payload holds (e.g. “lead:12”), so erasing them removes it.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(
        "response code", null=True, blank=True, help_text="The receiver's answer on the last try."
    )
    response_ms = models.PositiveIntegerField("time taken (ms)", null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_key"], name="crm_webhooks_delivery_event_unique"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="crm_webhooks_sweep_idx")
        ]

    def __str__(self) -> str:
        return f"{self.event_type} to {self.endpoint}"
