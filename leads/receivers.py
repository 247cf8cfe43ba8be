"""Signal receivers: each only hands the event to a service."""

from typing import Any

from anymail.signals import AnymailTrackingEvent, tracking
from django.dispatch import receiver

from .services import mail_event_handle


@receiver(tracking, dispatch_uid="leads.mail_event")
def mail_event_received(
    sender: object, event: AnymailTrackingEvent, esp_name: str, **kwargs: Any
) -> None:
    """A provider's delivery webhook (bounce, complaint, ...), through django-anymail."""
    mail_event_handle(
        provider=esp_name,
        event_id=event.event_id,
        event_type=str(event.event_type or ""),
        recipient=event.recipient,
        reject_reason=event.reject_reason,
        description=str(event.description or event.mta_response or "")[:2000],
        message_id=event.message_id,
        timestamp=event.timestamp,
        esp_event=event.esp_event,
    )
