"""Writes with side effects for webhooks: queue an event, deliver it, give up, resend.

queue_event() is the one function other apps call. It writes the rows in the caller's
transaction and hands them to Celery once that commits; the sweeper sends whatever that
hand-off missed, so an event is late, never lost. Delivery is at least once: a receiver
drops a repeat by its `webhook-id`, which is the same on every try.
"""

import hashlib
import http.client
import json
import logging
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from .chat import ChatNotice, chat_body
from .events import EVENT_NAMES
from .models import Delivery, Endpoint
from .transport import Response, post
from .url_guard import UnsafeURL, check_url

logger = logging.getLogger(__name__)

ERASED = "Payload removed: the person's data was erased."


# Queuing -----------------------------------------------------------------------------------


def queue_event(
    event_type: str,
    data: dict[str, Any],
    *,
    key: str,
    subject: str = "",
    chat: Callable[[], ChatNotice] | None = None,
) -> list[Delivery]:
    """One Delivery per active endpoint subscribed to the event, in the caller's transaction.

    `key` names the event (e.g. "lead.created:12"): queuing the same key again adds
    nothing, and it fixes the `webhook-id`. `subject` (e.g. "lead:12") names whose data
    the payload holds, so erasing that person can remove it (deliveries_forget). Slack and
    Teams endpoints get the message `chat()` makes (called only if one is subscribed)
    instead of `data`, and nothing without it.
    """
    if event_type not in EVENT_NAMES:
        raise ValueError(f"Unknown webhook event {event_type!r}")
    if not key or len(key) > Delivery._meta.get_field("event_key").max_length:  # type: ignore[operator]
        raise ValueError(f"Event key must be 1 to 200 characters, not {key!r}")
    endpoints = Endpoint.objects.subscribed_to(event_type)
    if not endpoints:
        return []
    payload = {
        "type": event_type,
        "timestamp": timezone.now().astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "data": json.loads(json.dumps(data, cls=DjangoJSONEncoder)),  # JSON now, not later
    }
    webhook_id = "msg_" + hashlib.sha256(f"{event_type}|{key}".encode()).hexdigest()[:32]
    deliveries = []
    notice: ChatNotice | None = None
    for endpoint in endpoints:
        body = payload
        if endpoint.is_chat:
            if chat is None:
                continue
            notice = notice or chat()
            body = chat_body(notice, chat_format=endpoint.format)
        try:
            with transaction.atomic():  # a savepoint: a lost race must not break the caller
                delivery, created = Delivery.objects.get_or_create(
                    endpoint=endpoint,
                    event_key=key,
                    defaults={
                        "event_type": event_type,
                        "webhook_id": webhook_id,
                        "payload": body,
                        "subject": subject[:100],
                    },
                )
        except IntegrityError:
            delivery, created = Delivery.objects.get(endpoint=endpoint, event_key=key), False
        if created:
            transaction.on_commit(partial(delivery_dispatch, delivery_id=delivery.pk))
        deliveries.append(delivery)
    return deliveries


def delivery_dispatch(*, delivery_id: int, countdown: float | None = None) -> bool:
    """Hand a row to Celery. Best effort: if the broker is down, the sweeper sends it later."""
    from .tasks import deliver_webhook  # tasks import services: import late

    try:
        if countdown is None:
            deliver_webhook.apply_async(args=(delivery_id,))
        else:
            deliver_webhook.apply_async(args=(delivery_id,), countdown=countdown)
    except Exception:
        logger.exception("Could not queue webhook %s; the sweeper will send it", delivery_id)
        return False
    return True


def deliveries_forget(*, subject: str) -> int:
    """GDPR: empty the payloads that carry this person's data and cancel what has not gone.

    The rows stay (event, time, response code) so the log still adds up.
    """
    rows = Delivery.objects.filter(subject=subject)
    rows.filter(status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING]).update(
        status=Delivery.Status.CANCELLED, last_error=ERASED
    )
    return rows.update(payload={}, subject="")


def deliveries_prune(*, now: datetime | None = None) -> int:
    """Empty the payloads of finished deliveries older than WEBHOOK_PAYLOAD_RETENTION_DAYS:
    the CRM has the data; the log keeps the event, time and answer. Returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.WEBHOOK_PAYLOAD_RETENTION_DAYS)
    finished = [Delivery.Status.DELIVERED, Delivery.Status.FAILED, Delivery.Status.CANCELLED]
    return (
        Delivery.objects.filter(status__in=finished, created_at__lt=cutoff)
        .exclude(payload={})
        .update(payload={}, subject="")
    )


# Delivering --------------------------------------------------------------------------------


def _sending_timeout() -> timedelta:
    return timedelta(seconds=settings.WEBHOOK_SENDING_TIMEOUT_SECONDS)


def backoff_seconds(attempts: int) -> int:
    """Wait before try number attempts + 1: doubling from the base, up to the cap."""
    base = settings.WEBHOOK_RETRY_BACKOFF_SECONDS
    return int(min(base * 2 ** max(attempts - 1, 0), settings.WEBHOOK_RETRY_BACKOFF_MAX_SECONDS))


def delivery_request(delivery: Delivery, *, now: datetime) -> tuple[bytes, dict[str, str]]:
    """The body and the Standard Webhooks headers for one try; a chat message goes unsigned
    (Slack and Teams check no signature: their URL is the secret)."""
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False)
    headers = {
        "Content-Type": "application/json",
        # Header values are Latin-1 on the wire: the firm's name without its accents.
        "User-Agent": f"{_ascii(settings.FIRM_NAME)} webhooks",
    }
    if not delivery.endpoint.is_chat:
        signature = Webhook(delivery.endpoint.secret).sign(delivery.webhook_id, now, body)
        headers |= {
            "webhook-id": delivery.webhook_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": signature,
        }
    return body.encode(), headers


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().strip()


def delivery_deliver(*, delivery_id: int) -> Delivery | None:
    """Claim the row, POST it once, record the answer.

    Returns None when there is nothing to do (delivered, cancelled, not due, or another
    worker holds it).
    """
    now = timezone.now()
    claimed = (
        Delivery.objects.filter(pk=delivery_id)
        .claimable(now=now, timeout=_sending_timeout())
        .update(status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("endpoint").get(pk=delivery_id)
    delivery.response_status = delivery.response_ms = None  # this try's, once it has one
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        _finish(delivery, status=Delivery.Status.CANCELLED, error="The endpoint is switched off.")
        return delivery
    try:
        target = check_url(endpoint.url)  # again now: the name may point elsewhere today
    except UnsafeURL as exc:
        return _failed(delivery, error=f"Refused: {exc}")
    body, headers = delivery_request(delivery, now=datetime.now(UTC))
    try:
        response = post(
            target,
            body=body,
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            max_body=settings.WEBHOOK_MAX_RESPONSE_BYTES,
        )
    except (OSError, http.client.HTTPException) as exc:
        return _failed(delivery, error=_describe_error(exc))
    return _answered(delivery, response)


def _describe_error(exc: Exception) -> str:
    if isinstance(exc, TimeoutError):
        return f"No answer within {settings.WEBHOOK_TIMEOUT_SECONDS} s (timed out)."
    if isinstance(exc, ConnectionRefusedError):
        return "Connection refused: nothing listens at that address."
    return f"{type(exc).__name__}: {exc}"[:500]


def _answered(delivery: Delivery, response: Response) -> Delivery:
    ms = round(response.seconds * 1000)
    delivery.response_status, delivery.response_ms = response.status, ms
    if 200 <= response.status < 300:
        _finish(delivery, status=Delivery.Status.DELIVERED, error="", delivered_at=timezone.now())
        if delivery.endpoint.failing_since is not None:
            Endpoint.objects.filter(pk=delivery.endpoint_id).update(failing_since=None)
        return delivery
    excerpt = response.body[:200].decode("utf-8", "replace")
    error = f"HTTP {response.status}" + (f": {excerpt}" if excerpt.strip() else "")
    if 300 <= response.status < 400:
        error = f"HTTP {response.status}: redirects are not followed; use the final address."
    if response.status == 410:
        # Gone: the receiver says this subscription is over. Stop asking.
        _finish(delivery, status=Delivery.Status.FAILED, error=error)
        endpoint_disable(
            endpoint=delivery.endpoint, reason="The receiver answered 410 Gone (unsubscribed)."
        )
        return delivery
    return _failed(delivery, error=error)


def _failed(delivery: Delivery, *, error: str) -> Delivery:
    """A try that did not work: wait and try again, or give up after the last attempt."""
    now = timezone.now()
    if delivery.attempts < settings.WEBHOOK_MAX_ATTEMPTS:
        wait = backoff_seconds(delivery.attempts)
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.QUEUED,
            next_attempt_at=now + timedelta(seconds=wait),
            claimed_at=None,
            last_error=error,
            response_status=delivery.response_status,
            response_ms=delivery.response_ms,
        )
        delivery.status, delivery.last_error = Delivery.Status.QUEUED, error
        logger.warning("Webhook %s: try %s failed (%s)", delivery.pk, delivery.attempts, error)
        if wait <= 600:  # longer waits are left to the sweeper, not held in the broker
            delivery_dispatch(delivery_id=delivery.pk, countdown=wait)
    else:
        logger.error("Webhook %s failed for good: %s", delivery.pk, error)
        _finish(delivery, status=Delivery.Status.FAILED, error=error)
    Endpoint.objects.filter(pk=delivery.endpoint_id).update(
        failing_since=Coalesce(F("failing_since"), now)
    )
    endpoints_disable_failing(now=now, endpoints=Endpoint.objects.filter(pk=delivery.endpoint_id))
    return delivery


def _finish(
    delivery: Delivery, *, status: str, error: str, delivered_at: datetime | None = None
) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(
        status=status,
        last_error=error,
        delivered_at=delivered_at,
        response_status=delivery.response_status,
        response_ms=delivery.response_ms,
    )
    delivery.status, delivery.last_error, delivery.delivered_at = status, error, delivered_at


def delivery_resend(*, delivery: Delivery) -> Delivery:
    """Staff: send a delivery again, from scratch, with the same webhook-id."""
    if delivery.status in (Delivery.Status.QUEUED, Delivery.Status.SENDING):
        raise ValueError("This delivery is already on its way.")
    if not delivery.payload:
        raise ValueError("This delivery's data was erased or has expired; it can't be sent again.")
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.QUEUED,
        attempts=0,
        claimed_at=None,
        next_attempt_at=timezone.now(),
        last_error="",
    )
    transaction.on_commit(partial(delivery_dispatch, delivery_id=delivery.pk))
    delivery.refresh_from_db()
    return delivery


def deliveries_sweep(*, now: datetime | None = None, limit: int = 500) -> int:
    """Beat: hand forgotten, due or stuck rows to the workers; switch off endpoints that
    keep failing and tell the admins. Returns how many rows were handed over."""
    now = now or timezone.now()
    Delivery.objects.filter(
        status=Delivery.Status.SENDING,
        claimed_at__lt=now - _sending_timeout(),
        attempts__gte=settings.WEBHOOK_MAX_ATTEMPTS,
    ).update(
        status=Delivery.Status.FAILED,
        last_error="Gave up: the sending worker stopped before finishing on every try.",
    )
    endpoints_disable_failing(now=now, endpoints=Endpoint.objects.all())
    endpoints_notify_disabled()
    ids = list(
        Delivery.objects.needing_sweep(
            now=now,
            timeout=_sending_timeout(),
            grace=timedelta(seconds=settings.WEBHOOK_SWEEP_GRACE_SECONDS),
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(delivery_dispatch(delivery_id=pk) for pk in ids)


# Endpoints ---------------------------------------------------------------------------------


def endpoints_disable_failing(*, now: datetime, endpoints: QuerySet[Endpoint]) -> int:
    """Switch off endpoints failing without a break for WEBHOOK_DISABLE_AFTER_DAYS."""
    days = settings.WEBHOOK_DISABLE_AFTER_DAYS
    count = 0
    for endpoint in endpoints.filter(is_active=True, failing_since__lte=now - timedelta(days=days)):
        endpoint_disable(endpoint=endpoint, reason=f"Every delivery failed for {days} days.")
        count += 1
    return count


def endpoint_disable(*, endpoint: Endpoint, reason: str) -> bool:
    """Switch the endpoint off, once, and tell the admins (the notice is retried by the
    sweeper until it goes)."""
    now = timezone.now()
    disabled = Endpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
        is_active=False,
        disabled_at=now,
        disabled_reason=reason[:300],
        disabled_notice_sent_at=None,
        updated_at=now,
    )
    endpoint.refresh_from_db()
    if disabled:
        logger.error("Webhook endpoint %s (%s) switched off: %s", endpoint.pk, endpoint, reason)
        transaction.on_commit(endpoints_notify_disabled)
    return bool(disabled)


def endpoint_enable(*, endpoint: Endpoint) -> None:
    """Staff switched it back on: it starts with a clean record."""
    Endpoint.objects.filter(pk=endpoint.pk).update(
        is_active=True, failing_since=None, disabled_at=None, disabled_reason=""
    )
    endpoint.refresh_from_db()


def alert_recipients() -> list[str]:
    """WEBHOOK_ALERT_EMAILS, or else every active superuser with an address."""
    if settings.WEBHOOK_ALERT_EMAILS:
        return list(settings.WEBHOOK_ALERT_EMAILS)
    users = get_user_model().objects.filter(is_superuser=True, is_active=True)
    return sorted({email for email in users.values_list("email", flat=True) if email})


def endpoints_notify_disabled() -> int:
    """Email the admins about each switched-off endpoint not yet reported. Returns how many."""
    sent = 0
    for endpoint in Endpoint.objects.filter(
        disabled_at__isnull=False, disabled_notice_sent_at__isnull=True, is_active=False
    ):
        # Claim the notice first, so two sweepers don't both send it; give it back on failure.
        if not Endpoint.objects.filter(pk=endpoint.pk, disabled_notice_sent_at__isnull=True).update(
            disabled_notice_sent_at=timezone.now()
        ):
            continue
        recipients = alert_recipients()
        try:
            if recipients:
                send_mail(
                    subject=f"Webhook endpoint “{endpoint.name}” was switched off",
                    message=_disabled_notice(endpoint),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=recipients,
                )
        except Exception:
            logger.exception("Could not email the notice for endpoint %s; will retry", endpoint.pk)
            Endpoint.objects.filter(pk=endpoint.pk).update(disabled_notice_sent_at=None)
            continue
        sent += 1
    return sent


def _disabled_notice(endpoint: Endpoint) -> str:
    from django.urls import reverse

    url = settings.SITE_URL + reverse("admin:crm_webhooks_endpoint_change", args=[endpoint.pk])
    return (
        f"The webhook endpoint “{endpoint.name}” ({endpoint.url}) no longer receives events.\n\n"
        f"Why: {endpoint.disabled_reason}\n\n"
        "Nothing is sent to it until it is switched on again. Fix the receiver, then tick "
        f"“active” again and resend the failed deliveries from its page:\n{url}\n"
    )
