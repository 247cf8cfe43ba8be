"""Writes with side effects for leads and the email outbox.

Every email is a row first (in the caller's transaction), then a Celery task on commit.
The sweeper in tasks.py picks up whatever that hand-off missed, so mail is late, never lost.
"""

import logging
import unicodedata
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address
from email.utils import parseaddr
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from disposable_email_domains import blocklist as disposable_blocklist
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import make_msgid
from django.db import IntegrityError, transaction
from django.db.models import Case, F, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from crm_webhooks.events import Event
from crm_webhooks.services import deliveries_forget, queue_event
from insights.models import Kind
from insights.services import event_record

from . import hooks
from .addresses import AddressReview, address_review, suppression_key
from .cleaning import clean_ip, clean_line, normalise_email
from .crm_payloads import lead_data, lead_reference, lead_subject
from .follow_up_email import follow_up_context, reply_address
from .mail_errors import TemporarySendError, is_temporary, no_such_mailbox, temporary_bounce
from .mime import OutboxMessage
from .models import SOURCE_FIELDS, FollowUpStep, Lead, MailEvent, OutboundEmail, Suppression
from .notes import notes_tasks_erase
from .pace import GO, slot_still_good, take_slot
from .rendering import RenderedEmail, email_render
from .scoring import lead_score_refresh
from .send_window import clean_time_zone, next_in_window
from .tokens import unsubscribe_url

logger = logging.getLogger(__name__)

# Kinds that go to the lead themselves, and so carry an unsubscribe link.
_TO_LEAD = {
    OutboundEmail.Kind.RESULT,
    OutboundEmail.Kind.FOLLOW_UP,
    OutboundEmail.Kind.FRESH_LINK,
    OutboundEmail.Kind.CONFIRM,
}


# Leads -----------------------------------------------------------------------------------


def lead_capture(
    *,
    email: str,
    first_name: str,
    current_role: str = "",
    consent_follow_ups: bool,
    consent_text: str,
    ip_address: str | None,
    source: dict[str, str],
    segment: str = "",
    time_zone: str = "",
) -> Lead:
    """Create the lead, or update the one with this address (a returning visitor).

    The first visit's source is kept (first-touch attribution). Consent is recorded with
    its time, wording and IP; not ticking the box again does not withdraw earlier consent
    (unsubscribing does). `segment` is the latest result (a band title), kept for
    choosing follow-ups. `time_zone` is what the browser said (kept only if the server
    knows the zone). Raises ValidationError for a bad address or an empty name.
    """
    email = normalise_email(email)
    name = clean_line(first_name, max_length=Lead._meta.get_field("first_name").max_length)
    if not name:
        raise ValidationError("Enter your first name.", code="required")
    role = clean_line(current_role, max_length=Lead._meta.get_field("current_role").max_length)
    source_values = {
        field: clean_line((source or {}).get(field, ""), max_length=length)
        for field, length in SOURCE_FIELDS.items()
    }

    def fill(lead: Lead) -> None:
        if lead.pk is not None:  # a returning visitor
            lead.first_name = name
            lead.current_role = role or lead.current_role
        if segment:
            lead.segment = clean_line(segment, max_length=100)
        lead.time_zone = clean_time_zone(time_zone) or lead.time_zone
        if consent_follow_ups:
            _record_consent(lead, consent_text=consent_text, ip_address=ip_address)

    with transaction.atomic():
        # Found and locked, or built whole and inserted once: a new lead costs one INSERT
        # and one history row, not an INSERT, an UPDATE and two.
        lead = Lead.objects.select_for_update().filter(email=email).first()
        created = lead is None
        if lead is None:
            lead = Lead(email=email, first_name=name, current_role=role, **source_values)
            fill(lead)
            try:
                with transaction.atomic():
                    lead.save(force_insert=True)
            except IntegrityError:  # the same address, inserted a moment ago elsewhere
                created = False
                lead = Lead.objects.select_for_update().get(email=email)
        if not created:
            fill(lead)
            lead.save()
        if created:
            queue_event(
                Event.LEAD_CREATED,
                lead_data(lead),
                key=f"lead.created:{lead.pk}",
                subject=lead_subject(lead),
            )
        else:
            lead_announce_update(lead=lead)
    return lead


def lead_announce_update(*, lead: Lead) -> None:
    """Tell the firm's CRM the lead changed (lead.updated), in the caller's transaction.

    One event per saved version: the same save announced twice is sent once.
    """
    queue_event(
        Event.LEAD_UPDATED,
        lead_data(lead),
        key=f"lead.updated:{lead.pk}:{lead.updated_at:%Y%m%dT%H%M%S.%f}",
        subject=lead_subject(lead),
    )


def _record_consent(lead: Lead, *, consent_text: str, ip_address: str | None) -> None:
    if lead.unsubscribed_at:
        # Opting in again after unsubscribing: anyone can type an address, so the
        # owner of the mailbox has to confirm it again before follow-ups resume.
        lead.unsubscribed_at = None
        lead.confirmed_at = None
    lead.consented = True
    lead.consent_at = timezone.now()
    lead.consent_text = str(consent_text)[:2000]
    lead.consent_ip = clean_ip(ip_address)


def lead_confirm(*, lead: Lead) -> Lead:
    """Double opt-in: the mailbox owner clicked the link. The first time is kept.

    Confirming is what starts the follow-up sequence, so it is scheduled here, once.
    """
    with transaction.atomic():
        now = timezone.now()
        confirmed = Lead.objects.filter(pk=lead.pk, confirmed_at__isnull=True).update(
            confirmed_at=now, updated_at=now
        )
        lead.refresh_from_db()
        if confirmed:
            follow_ups_schedule(lead=lead)
            lead_score_refresh(lead=lead)
            lead_announce_update(lead=lead)
    return lead


def lead_unsubscribe(*, lead: Lead) -> Lead:
    """No more follow-ups: stamp the time once and cancel what is still pending."""
    with transaction.atomic():
        now = timezone.now()
        first_time = Lead.objects.filter(pk=lead.pk, unsubscribed_at__isnull=True).update(
            unsubscribed_at=now, updated_at=now
        )
        OutboundEmail.objects.filter(lead=lead).pending_follow_ups().update(
            status=OutboundEmail.Status.CANCELLED, last_error="Cancelled: the lead unsubscribed."
        )
        if first_time:
            queue_event(
                Event.LEAD_UNSUBSCRIBED,
                {"lead": {**lead_reference(lead), "unsubscribed_at": now}},
                key=f"lead.unsubscribed:{lead.pk}:{now:%Y%m%dT%H%M%S.%f}",
                subject=lead_subject(lead),
            )
    if first_time:
        event_record(kind=Kind.UNSUBSCRIBED)
    lead.refresh_from_db()
    return lead


def lead_notify_team(*, lead: Lead) -> OutboundEmail:
    """Tell the recruiting team about a new lead, once per lead, in the caller's transaction.

    Rendered without a reader (lead=None): it goes to the team, so it has no unsubscribe link.
    """
    return email_enqueue_template(
        lead=lead,
        kind=OutboundEmail.Kind.NOTIFICATION,
        dedupe_key="team-new-lead",
        template="lead_notification",
        context={
            "lead": lead,
            "admin_url": settings.SITE_URL + reverse("admin:leads_lead_change", args=[lead.pk]),
            "RECRUITING_TEAM_EMAIL": settings.RECRUITING_TEAM_EMAIL,
        },
        to_lead=False,
    )


# Follow-ups ------------------------------------------------------------------------------


def follow_ups_schedule(*, lead: Lead) -> list[OutboundEmail]:
    """One waiting row per active step that suits the lead, due `delay_days` after confirming.

    The rows wait in the outbox; the sweeper hands them to a worker when they come due.
    Running it again adds nothing (one row per step and lead).
    """
    if not Lead.objects.reachable().filter(pk=lead.pk).exists():
        return []
    return [
        _follow_up_enqueue(lead=lead, step=step) for step in FollowUpStep.objects.for_lead(lead)
    ]


def _follow_up_enqueue(*, lead: Lead, step: FollowUpStep) -> OutboundEmail:
    if lead.confirmed_at is None:  # follow_ups_schedule only calls this for reachable leads
        raise ValueError(f"Lead {lead.pk} has not confirmed their address")
    rendered = follow_up_render(step=step, lead=lead)
    send_at = next_in_window(
        lead.confirmed_at + timedelta(days=step.delay_days), time_zone=lead.time_zone
    )
    email = email_enqueue(
        lead=lead,
        kind=OutboundEmail.Kind.FOLLOW_UP,
        dedupe_key=step.dedupe_key,
        subject=rendered.subject,
        html_body=rendered.html_body,
        text_body=rendered.text_body,
        send_at=send_at,
        from_email=settings.FOLLOWUP_FROM_EMAIL,
        # Reply-To and Feedback-ID are added when it is sent (_identity_headers).
        headers={"List-Id": _list_id()},
        follow_up_step=step,
    )
    revivable = email.status == OutboundEmail.Status.CANCELLED and email.sent_at is None
    if revivable and not _suppression_refusal(email.to_email):
        # They unsubscribed, then asked and confirmed again: the unsent step starts over.
        revived = OutboundEmail.objects.filter(
            pk=email.pk, status=OutboundEmail.Status.CANCELLED
        ).update(
            status=OutboundEmail.Status.QUEUED,
            send_at=send_at,
            attempts=0,
            claimed_at=None,
            last_error="",
        )
        if revived and send_at <= timezone.now():
            transaction.on_commit(partial(email_dispatch, email_id=email.pk))
        email.refresh_from_db()
    return email


def follow_up_render(*, step: FollowUpStep, lead: Lead) -> RenderedEmail:
    return email_render(
        template="follow_up", context=follow_up_context(step=step, lead=lead), lead=lead
    )


def follow_up_step_delete(*, steps: QuerySet[FollowUpStep]) -> int:
    """Delete steps, cancelling their copies still waiting (sent ones stay on record)."""
    with transaction.atomic():
        OutboundEmail.objects.filter(follow_up_step__in=steps).pending_follow_ups().filter(
            status=OutboundEmail.Status.QUEUED
        ).update(
            status=OutboundEmail.Status.CANCELLED,
            last_error="Cancelled: staff deleted this follow-up step.",
        )
        deleted, _ = steps.delete()
    return deleted


def _list_id() -> str:
    """RFC 2919: lets mail clients group, filter and offer to unsubscribe from the sequence."""
    name = clean_line(f"{settings.FIRM_NAME} career follow-ups", max_length=100)
    # ASCII, so it is written as it is (leads/mime.py): accents dropped, quotes kept out.
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    name = " ".join(name.replace('"', "").replace("<", "").replace(">", "").split())
    return f"{name} <follow-ups.{_message_id_domain()}>"


# Personal data (GDPR) ----------------------------------------------------------------------

ERASED_NAME = "(erased)"


def lead_erase(*, lead: Lead) -> Lead:
    """Right to erasure: remove what identifies the person, keep the row for the counts.

    The status, result, consent and confirmation times, campaign and first page stay; the
    address, name, role, IP, consent wording, notes, referrer and every email's address,
    subject and bodies go. Waiting emails are cancelled. Other apps erase theirs through
    hooks.PERSONAL_DATA_ERASERS. Running it twice is harmless.
    """
    now = timezone.now()
    placeholder = f"erased-{lead.pk}@erased.invalid"  # .invalid: can never be delivered
    with transaction.atomic():
        Lead.objects.filter(pk=lead.pk).update(
            email=placeholder,
            first_name=ERASED_NAME,
            current_role="",
            time_zone="",
            consent_text="",
            consent_ip=None,
            referrer="",
            utm_term="",
            utm_content="",
            notes="",
            unsubscribed_at=Coalesce(F("unsubscribed_at"), Value(now)),
            erased_at=Coalesce(F("erased_at"), Value(now)),
            updated_at=now,
        )
        emails = OutboundEmail.objects.filter(lead=lead)
        emails.update(
            to_email=placeholder,
            subject=ERASED_NAME,
            html_body="",
            text_body="",
            headers={},
            calendar="",
            last_error="",
        )
        emails.filter(
            status__in=[OutboundEmail.Status.QUEUED, OutboundEmail.Status.SENDING]
        ).update(
            status=OutboundEmail.Status.CANCELLED,
            last_error="Cancelled: the person's data was erased.",
        )
        notes_tasks_erase(lead=lead)
        for eraser in hooks.PERSONAL_DATA_ERASERS.registered():
            eraser(lead=lead)
        Lead.objects.filter(pk=lead.pk).update(score=0)
        # Webhooks not yet sent lose their data; the CRM hears the id only (GDPR).
        deliveries_forget(subject=lead_subject(lead))
        queue_event(Event.LEAD_ERASED, {"lead": {"id": lead.pk}}, key=f"lead.erased:{lead.pk}")
    lead.refresh_from_db()
    logger.info("Lead %s: personal data erased", lead.pk)
    return lead


def leads_erase_expired(*, now: datetime | None = None) -> int:
    """Erase leads past LEAD_RETENTION_DAYS since their last activity (never placed or
    qualified ones: the firm still works with those people). Returns how many."""
    now = now or timezone.now()
    expired = Lead.objects.past_retention(now=now, days=settings.LEAD_RETENTION_DAYS)
    # The ids first: erasing changes the rows, and SQLite has no isolation between a
    # cursor still being read and writes on the same connection.
    ids = list(expired.values_list("pk", flat=True))
    for start in range(0, len(ids), 500):
        for lead in list(Lead.objects.filter(pk__in=ids[start : start + 500])):
            lead_erase(lead=lead)
    return len(ids)


def leads_set_status(*, leads: QuerySet[Lead], status: str) -> int:
    if status not in Lead.Status.values:
        raise ValueError(f"Unknown lead status {status!r}")
    return _leads_update(leads, status=status)


def leads_assign(*, leads: QuerySet[Lead], owner: AbstractBaseUser | None) -> int:
    """Give the leads to a recruiter (None leaves them unassigned)."""
    return _leads_update(leads, owner=owner)


def _leads_update(leads: QuerySet[Lead], **values: Any) -> int:
    """Update in bulk, and announce each changed lead to the CRM in the same transaction."""
    with transaction.atomic():
        ids = list(leads.values_list("pk", flat=True))
        count = Lead.objects.filter(pk__in=ids).update(**values, updated_at=timezone.now())
        _history_record(ids)
        for lead in Lead.objects.filter(pk__in=ids, erased_at__isnull=True).select_related("owner"):
            lead_announce_update(lead=lead)
    return count


def _history_record(ids: list[int]) -> None:
    """The history rows a bulk update skips, for the lead page's old → new."""
    changed = Lead.objects.filter(pk__in=ids).only("pk", "status", "owner")
    Lead.history.bulk_history_create(list(changed), update=True)


# The outbox ------------------------------------------------------------------------------


def email_enqueue(
    *,
    lead: Lead,
    kind: str,
    dedupe_key: str,
    subject: str,
    html_body: str,
    text_body: str,
    send_at: datetime | None = None,
    from_email: str | None = None,
    headers: dict[str, str] | None = None,
    follow_up_step: FollowUpStep | None = None,
    to_email: str | None = None,
    calendar: str = "",
) -> OutboundEmail:
    """Write the message in the caller's transaction; hand it to Celery once that commits.

    The same (lead, dedupe_key) returns the existing row, so a double submit never sends
    twice. Messages due later just wait in the table for the sweeper. `to_email` sends a
    notification about the lead to one colleague (a call request's recruiter) instead of
    the team's address. `calendar` is an iCalendar text sent with it (leads/mime.py).
    """
    kind = OutboundEmail.Kind(str(kind).replace("-", "_"))  # "follow-up" or "follow_up"
    max_length = OutboundEmail._meta.get_field("dedupe_key").max_length
    if not dedupe_key or (max_length is not None and len(dedupe_key) > max_length):
        raise ValueError(f"dedupe_key must be 1 to 100 characters, not {dedupe_key!r}")
    existing = OutboundEmail.objects.filter(lead=lead, dedupe_key=dedupe_key).first()
    if existing:
        return existing
    now = timezone.now()
    send_at = send_at or now
    status = OutboundEmail.Status.QUEUED
    last_error = ""
    if kind == OutboundEmail.Kind.FOLLOW_UP and (lead.unsubscribed_at or not lead.consented):
        status = OutboundEmail.Status.CANCELLED
        last_error = "Not sent: the lead has not agreed to follow-ups, or has unsubscribed."
    to_team = kind == OutboundEmail.Kind.NOTIFICATION
    to_email = to_email or (settings.RECRUITING_TEAM_EMAIL if to_team else lead.email)
    suppressed = _suppression_refusal(to_email)
    if suppressed:  # transactional mail too: a suppressed address gets nothing at all
        status, last_error = OutboundEmail.Status.CANCELLED, suppressed
    fields = {
        "kind": kind,
        "subject": clean_line(subject, max_length=300),
        "html_body": html_body,
        "text_body": text_body,
        "to_email": to_email,
        "from_email": from_email or _default_from(kind),
        "headers": _clean_headers(headers or {}),
        "calendar": calendar,
        "send_at": send_at,
        "status": status,
        "last_error": last_error,
        "message_id": make_msgid(domain=_message_id_domain()),
        "follow_up_step": follow_up_step,
    }
    try:
        with transaction.atomic():  # a savepoint: a lost race must not break the caller's work
            email = OutboundEmail.objects.create(lead=lead, dedupe_key=dedupe_key, **fields)
    except IntegrityError:
        return OutboundEmail.objects.get(lead=lead, dedupe_key=dedupe_key)
    if status == OutboundEmail.Status.QUEUED and send_at <= now:
        transaction.on_commit(partial(email_dispatch, email_id=email.pk))
    return email


def email_enqueue_template(
    *,
    lead: Lead,
    kind: str,
    dedupe_key: str,
    template: str,
    context: dict[str, Any],
    to_lead: bool = True,
    to_email: str | None = None,
    **extra: Any,
) -> OutboundEmail:
    """Render templates/emails/<template>.* and put it in the outbox: what most emails need.

    `to_lead=False` renders without a reader, so mail to the team has no unsubscribe link.
    `extra` goes to email_enqueue as it is (send_at, headers, calendar).
    """
    rendered = email_render(template=template, context=context, lead=lead if to_lead else None)
    return email_enqueue(
        lead=lead,
        kind=kind,
        dedupe_key=dedupe_key,
        subject=rendered.subject,
        html_body=rendered.html_body,
        text_body=rendered.text_body,
        to_email=to_email,
        **extra,
    )


def email_dispatch(*, email_id: int, countdown: float = 0.0, slot_at: float | None = None) -> bool:
    """Hand a row to Celery. Best effort: if the broker is down, the sweeper sends it later.

    `slot_at` (a Unix time) passes on a sending slot the pace booked for this row.
    """
    from .tasks import deliver_email  # tasks import services; import late to avoid a cycle

    try:
        kwargs = {"slot_at": slot_at} if slot_at is not None else {}
        deliver_email.apply_async(args=(email_id,), kwargs=kwargs, countdown=countdown)
    except Exception:
        logger.exception("Could not queue email %s; the outbox sweeper will send it", email_id)
        return False
    return True


def email_deliver(*, email_id: int, slot_at: float | None = None) -> OutboundEmail | None:
    """Claim the row, send it once, record the outcome.

    Returns None when there is nothing to do (sent, cancelled, not due, or another worker
    holds it). Raises TemporarySendError when a later retry may succeed. `slot_at`: the
    pace booked this row a slot at that Unix time, so it goes without asking again (and a
    countdown that ends a hair early on a skewed clock still finds the row due); a row
    too late for its slot books another.
    """
    now = timezone.now()
    if slot_at is not None and not slot_still_good(slot_at, now):
        slot_at = None  # too late for its slot: it books a new one below
    if slot_at is not None:
        now = max(now, datetime.fromtimestamp(slot_at, tz=UTC))
    claimed = (
        OutboundEmail.objects.filter(pk=email_id)
        .claimable(now=now, timeout=_sending_timeout())
        .update(status=OutboundEmail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return None
    email = OutboundEmail.objects.select_related("lead__owner", "follow_up_step").get(pk=email_id)
    refusal = _suppression_refusal(email.to_email) or _follow_up_refusal(email)
    if refusal:
        _finish(email, status=OutboundEmail.Status.CANCELLED, error=refusal)
        return email
    bulk = email.kind == OutboundEmail.Kind.FOLLOW_UP
    if bulk:
        opens = next_in_window(now, time_zone=email.lead.time_zone)
        if opens > now:
            return _hold(
                email, until=opens, why="Waiting for the send window to open.", booked=False
            )
    if email.follow_up_step_id:
        try:
            _follow_up_refresh(email)
        except Exception as exc:  # a broken template: staff must see it, not a stuck row
            logger.exception("Email %s: could not render the follow-up", email.pk)
            _finish(email, status=OutboundEmail.Status.FAILED, error=f"Rendering failed: {exc}")
            return email
    if not email.message_id:
        email.message_id = make_msgid(domain=_message_id_domain())
        OutboundEmail.objects.filter(pk=email.pk).update(message_id=email.message_id)
    slot = GO if slot_at is not None else take_slot(to_email=email.to_email, bulk=bulk)
    if not slot.go:
        until = timezone.now() + slot.wait
        return _hold(email, until=until, why="Held by the sending pace.", booked=slot.booked)
    try:
        _build_message(email).send(using="default")
    except Exception as exc:
        return _record_failure(email, exc)
    _finish(email, status=OutboundEmail.Status.SENT, error="", sent_at=timezone.now())
    return email


def _hold(email: OutboundEmail, *, until: datetime, why: str, booked: bool) -> OutboundEmail:
    """Not now: back to the outbox, due at `until`; holding is not a failed attempt.

    A booked slot goes back to Celery with a countdown and the slot's time, and keeps its
    claim time so the sweeper leaves it to that task (unless the task is lost). Anything else
    (the night, tomorrow's warm-up) waits for the sweeper, which hands it over once it is due.
    """
    OutboundEmail.objects.filter(pk=email.pk, status=OutboundEmail.Status.SENDING).update(
        status=OutboundEmail.Status.QUEUED,
        send_at=until,
        claimed_at=timezone.now() if booked else None,
        attempts=F("attempts") - 1,
        last_error=why,
    )
    email.refresh_from_db()
    if booked:
        wait = max((until - timezone.now()).total_seconds(), 0.0)
        email_dispatch(email_id=email.pk, countdown=wait, slot_at=until.timestamp())
    return email


def email_mark_failed(*, email_id: int, error: str) -> None:
    """The last retry failed: stop, and show staff why."""
    failed = OutboundEmail.objects.filter(
        pk=email_id, status__in=[OutboundEmail.Status.QUEUED, OutboundEmail.Status.SENDING]
    ).update(status=OutboundEmail.Status.FAILED, last_error=error[:2000])
    if failed:
        event_record(kind=Kind.EMAIL_FAILED)


def email_resend(*, email: OutboundEmail) -> OutboundEmail:
    """Staff: try a failed message again, from scratch."""
    updated = OutboundEmail.objects.filter(pk=email.pk, status=OutboundEmail.Status.FAILED).update(
        status=OutboundEmail.Status.QUEUED,
        attempts=0,
        claimed_at=None,
        send_at=timezone.now(),
        last_error="",
    )
    if not updated:
        raise ValueError("Only failed emails can be resent.")
    transaction.on_commit(partial(email_dispatch, email_id=email.pk))
    email.refresh_from_db()
    return email


def outbox_sweep(*, now: datetime | None = None, limit: int = 500) -> int:
    """Hand every forgotten or stuck row to the workers. Returns how many were handed over."""
    now = now or timezone.now()
    # A row whose worker died mid-send on every try (a crash, not an SMTP answer): stop.
    OutboundEmail.objects.filter(
        status=OutboundEmail.Status.SENDING,
        claimed_at__lt=now - _sending_timeout(),
        attempts__gte=settings.OUTBOX_MAX_ATTEMPTS,
    ).update(
        status=OutboundEmail.Status.FAILED,
        last_error="Gave up: the sending worker stopped before finishing on every try.",
    )
    ids = list(
        OutboundEmail.objects.needing_sweep(
            now=now,
            timeout=_sending_timeout(),
            grace=timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS),
        )
        # What a visitor waits for first, then the oldest; follow-ups last.
        .annotate(bulk=Case(When(kind=OutboundEmail.Kind.FOLLOW_UP, then=1), default=0))
        .order_by("bulk", "send_at")
        .values_list("pk", flat=True)[: _sweep_batch(limit)]
    )
    return sum(email_dispatch(email_id=email_id) for email_id in ids)


def _sweep_batch(limit: int) -> int:
    """No more than a minute's worth under the global cap: the rest would only be held."""
    cap = settings.EMAIL_RATE_PER_MINUTE if settings.EMAIL_PACE_URL else 0
    return min(limit, cap + settings.EMAIL_RATE_TRANSACTIONAL_BURST) if cap > 0 else limit


# Suppression -----------------------------------------------------------------------------
#
# An address is suppressed under suppression_key(): NFKC, trimmed, lower case. Nothing is
# queued or sent to an active suppression, transactional mail included.


def suppression_add(*, address: str, reason: str, source: str, detail: str = "") -> Suppression:
    """Stop all mail to the address and cancel what is still waiting for it.

    An address already suppressed keeps its first reason: running it twice changes nothing.
    """
    key = suppression_key(address)
    if "@" not in key:
        raise ValueError(f"Not an email address: {address!r}")
    reason = Suppression.Reason(reason)
    now = timezone.now()
    with transaction.atomic():
        row = _suppression_row(key)
        if row.is_active:
            return row
        row.reason = reason
        row.source = clean_line(source, max_length=100)
        row.detail = str(detail)[:2000]
        row.suppressed_at = now
        row.lifted_at, row.lifted_by, row.lift_reason = None, None, ""
        row.save()
        OutboundEmail.objects.filter(
            to_email__iexact=key, status=OutboundEmail.Status.QUEUED
        ).update(status=OutboundEmail.Status.CANCELLED, last_error=_suppressed_message(row))
    logger.warning("Suppression %s added: %s, from %s", row.pk, reason.value, row.source)
    return row


def suppression_soft_bounce(*, address: str, source: str, detail: str = "") -> Suppression:
    """Count a temporary bounce; SUPPRESS_AFTER_SOFT_BOUNCES in a row suppress the address."""
    key = suppression_key(address)
    with transaction.atomic():
        row = _suppression_row(key)
        if row.is_active:
            return row
        Suppression.objects.filter(pk=row.pk).update(soft_bounces=F("soft_bounces") + 1)
        row.refresh_from_db()
        if row.soft_bounces >= settings.SUPPRESS_AFTER_SOFT_BOUNCES:
            return suppression_add(
                address=key,
                reason=Suppression.Reason.SOFT_BOUNCES,
                source=source,
                detail=f"{row.soft_bounces} temporary bounces in a row. Last: {detail}",
            )
    return row


def suppression_delivered(*, address: str) -> None:
    """A delivery ends a run of temporary bounces."""
    Suppression.objects.for_address(address).filter(soft_bounces__gt=0).exclude(
        suppressed_at__isnull=False, lifted_at__isnull=True
    ).update(soft_bounces=0, updated_at=timezone.now())


def suppression_lift(
    *, suppression: Suppression, user: AbstractBaseUser | None, reason: str
) -> Suppression:
    """Staff: allow mail to the address again, saying why (kept on the row)."""
    reason = str(reason).strip()
    if not reason:
        raise ValidationError("Say why the address may receive email again.", code="required")
    lifted = (
        Suppression.objects.active()
        .filter(pk=suppression.pk)
        .update(
            lifted_at=timezone.now(),
            lifted_by=user,
            lift_reason=reason[:2000],
            soft_bounces=0,
            updated_at=timezone.now(),
        )
    )
    if not lifted:
        raise ValueError("Only an active suppression can be lifted.")
    suppression.refresh_from_db()
    logger.info("Suppression %s lifted", suppression.pk)
    return suppression


SUPPRESSED_ADDRESS_MESSAGE = (
    "We can't send email to this address: earlier emails to it were returned or refused. "
    "Check it for a typo, or use another address."
)


def visitor_address_review(*, address: str) -> AddressReview:
    """The quiz form's check of a visitor's address (syntax already checked): what we can't
    send to, a likely typo, a role address, or one on the suppression list."""
    review = address_review(
        address, own_domains=own_mail_domains(), disposable_domains=disposable_blocklist
    )
    if not review.refusal and Suppression.objects.active().for_address(address).exists():
        return replace(review, refusal=SUPPRESSED_ADDRESS_MESSAGE)
    return review


def own_mail_domains() -> set[str]:
    """The site's own domains: its host and every sender or team address's domain."""
    addresses = [
        settings.DEFAULT_FROM_EMAIL,
        settings.RESULT_FROM_EMAIL,
        settings.FOLLOWUP_FROM_EMAIL,
        settings.RECRUITING_TEAM_EMAIL,
        settings.EMAIL_ENVELOPE_FROM,
    ]
    domains = {parseaddr(address)[1].rpartition("@")[2].lower() for address in addresses}
    return (domains | {_message_id_domain()}) - {"", "localhost"}


def _suppression_row(key: str) -> Suppression:
    """The row for a normalised address, created if needed, locked for this transaction."""
    try:
        with transaction.atomic():  # a savepoint: two webhooks may race to create it
            row, _ = Suppression.objects.select_for_update().get_or_create(address=key)
    except IntegrityError:
        row = Suppression.objects.select_for_update().get(address=key)
    return row


def _suppressed_message(row: Suppression) -> str:
    when = timezone.localtime(row.suppressed_at).date() if row.suppressed_at else ""
    return (
        f"Not sent: the address is on the suppression list ({row.get_reason_display()}, "
        f"{when}). Staff can lift it under Leads and email → Suppressed addresses."
    )


def _suppression_refusal(address: str) -> str:
    """Why nothing may go to this address, or "" when it may."""
    row = Suppression.objects.active().for_address(address).first()
    return _suppressed_message(row) if row else ""


# What a provider's webhook reported (anymail's normalised event types) -> what we do.
_HARD = "hard"
_SOFT = "soft"
_EVENT_ACTIONS: dict[str, str] = {
    "bounced": _HARD,
    "complained": Suppression.Reason.COMPLAINT,
    "unsubscribed": Suppression.Reason.PROVIDER_UNSUBSCRIBE,
    "deferred": _SOFT,
    "delivered": "delivered",
}
# A provider refusing to send ("rejected") says why; only some reasons are about the address.
_REJECT_ACTIONS: dict[str, str] = {
    "bounced": _HARD,
    "invalid": _HARD,
    "spam": Suppression.Reason.COMPLAINT,
    "unsubscribed": Suppression.Reason.PROVIDER_UNSUBSCRIBE,
}


def mail_event_handle(
    *,
    provider: str,
    event_id: str | None,
    event_type: str,
    recipient: str | None,
    reject_reason: str | None = None,
    description: str = "",
    message_id: str | None = None,
    timestamp: datetime | None = None,
    esp_event: object = None,
) -> str:
    """Act on one delivery event from a provider's webhook; returns what was done.

    Each event is recorded once (by its id), so a provider's retry changes nothing.
    Events for addresses we never wrote to are logged and ignored.
    """
    address = suppression_key(recipient or "")
    if event_type == "rejected":
        action = _REJECT_ACTIONS.get(reject_reason or "", "")
    else:
        action = _EVENT_ACTIONS.get(event_type, "")
    if action == _HARD and temporary_bounce(provider=provider, esp_event=esp_event):
        action = _SOFT
    if "@" not in address:
        if action:  # a bounce or complaint that names nobody: the payload is broken
            raise ValueError(f"{provider} {event_type} event without a recipient")
        return "nothing to do"
    # One notification can name several recipients (Amazon SES): the address is part of it.
    parts = (event_id,) if event_id else (message_id, timestamp)
    key = ":".join(str(part) for part in (*parts, event_type, address) if part)
    with transaction.atomic():
        try:
            with transaction.atomic():
                event = MailEvent.objects.create(
                    provider=clean_line(provider, max_length=50),
                    event_key=key[:300],
                    event_type=clean_line(event_type, max_length=30),
                    address=address[:254],
                )
        except IntegrityError:
            logger.info("Mail event %s from %s seen before: ignored", key, provider)
            return "duplicate"
        outcome = _mail_event_apply(
            action=action, address=address, provider=provider, detail=description
        )
        MailEvent.objects.filter(pk=event.pk).update(outcome=outcome)
    return outcome


def _mail_event_apply(*, action: str, address: str, provider: str, detail: str) -> str:
    if not action:
        return "nothing to do"
    known = (
        Lead.objects.filter(email__iexact=address).exists()
        or OutboundEmail.objects.filter(to_email__iexact=address).exists()
    )
    if not known:
        logger.warning("Mail event from %s for an address we never wrote to: ignored", provider)
        return "unknown address"
    source = f"{provider} webhook"
    if action == "delivered":
        suppression_delivered(address=address)
        return "delivered"
    if action == _SOFT:
        row = suppression_soft_bounce(address=address, source=source, detail=detail)
        return "suppressed" if row.is_active else f"temporary bounce {row.soft_bounces}"
    reason = Suppression.Reason.HARD_BOUNCE if action == _HARD else action
    suppression_add(address=address, reason=reason, source=source, detail=detail)
    return "suppressed"


# Helpers ---------------------------------------------------------------------------------


def _default_from(kind: str) -> str:
    if kind == OutboundEmail.Kind.FOLLOW_UP:
        return settings.FOLLOWUP_FROM_EMAIL
    return settings.RESULT_FROM_EMAIL


def _message_id_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def _sending_timeout() -> timedelta:
    return timedelta(seconds=settings.OUTBOX_SENDING_TIMEOUT_SECONDS)


def _clean_headers(headers: dict[str, str]) -> dict[str, str]:
    """Extra headers as plain one-line strings; a line break would let text forge headers."""
    cleaned = {}
    for name, value in headers.items():
        name, value = str(name), str(value)
        if not name.isascii() or not name.replace("-", "").isalnum():
            raise ValueError(f"Bad email header name {name!r}")
        if clean_line(value, max_length=2000) != value.strip():
            raise ValueError(f"Email header {name} must be one line of text")
        cleaned[name] = value.strip()
    return cleaned


def _follow_up_refusal(email: OutboundEmail) -> str:
    """Why a follow-up must not go out now, or "" when it may."""
    if email.kind != OutboundEmail.Kind.FOLLOW_UP:
        return ""
    lead = email.lead
    if lead.unsubscribed_at:
        return "Cancelled: the lead unsubscribed."
    if not lead.consented:
        return "Cancelled: the lead has not agreed to follow-ups."
    if not lead.confirmed_at:
        return "Cancelled: the lead never confirmed their address."
    step = email.follow_up_step
    if step is not None and not step.is_active:
        return "Cancelled: staff switched this follow-up step off."
    if step is not None and not step.is_for(lead):
        return "Cancelled: the lead's latest result is no longer one this step goes to."
    for stopper in hooks.FOLLOW_UP_STOPPERS.registered():
        reason: str = stopper(lead=lead)
        if reason:
            return reason
    return ""


def _follow_up_refresh(email: OutboundEmail) -> None:
    """Steps not yet sent use the latest text staff saved: render again just before sending."""
    if email.follow_up_step is None:  # email_deliver calls this for follow-ups only
        raise ValueError(f"Email {email.pk} is not a follow-up")
    rendered = follow_up_render(step=email.follow_up_step, lead=email.lead)
    email.subject = rendered.subject
    email.html_body = rendered.html_body
    email.text_body = rendered.text_body
    OutboundEmail.objects.filter(pk=email.pk).update(
        subject=email.subject, html_body=email.html_body, text_body=email.text_body
    )


def _build_message(email: OutboundEmail) -> OutboxMessage:
    headers = {**email.headers, **_identity_headers(email), "Message-ID": email.message_id}
    if email.kind in _TO_LEAD:
        # RFC 8058 one-click unsubscribe, which Gmail and Yahoo require of bulk senders.
        headers["List-Unsubscribe"] = f"<{unsubscribe_url(email.lead_id)}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    from_header = from_with_name(email.from_email)
    envelope_from = settings.EMAIL_ENVELOPE_FROM
    if envelope_from:
        # Django (and anymail) send a From header given here, and use from_email as the
        # envelope sender (MAIL FROM, which becomes Return-Path): bounces go there.
        headers["From"] = from_header
    message = OutboxMessage(
        subject=email.subject,
        body=email.text_body,
        from_email=envelope_from or from_header,
        to=[email.to_email],
        headers=headers,
        calendar=email.calendar,
    )
    message.attach_alternative(email.html_body, "text/html")
    return message


def from_with_name(address: str) -> str:
    """The sender with the firm's display name, unless the address already has one."""
    name, addr_spec = parseaddr(address)
    if name or not addr_spec:
        return address
    display_name = clean_line(settings.EMAIL_FROM_NAME or settings.FIRM_NAME, max_length=100)
    return str(Address(display_name=display_name, addr_spec=addr_spec))


def _identity_headers(email: OutboundEmail) -> dict[str, str]:
    """Headers that depend on who the message is for, worked out when it is sent."""
    if email.kind == OutboundEmail.Kind.NOTIFICATION:
        # RFC 3834: no out-of-office replies to the robot; answering reaches the person.
        headers = {"Auto-Submitted": "auto-generated"}
        if email.lead.erased_at is None:
            headers["Reply-To"] = email.lead.email
        return headers
    if email.kind == OutboundEmail.Kind.FOLLOW_UP:
        return {
            "Reply-To": reply_address(email.lead),
            "Feedback-ID": _feedback_id(email),
        }
    return {}


def _feedback_id(email: OutboundEmail) -> str:
    """Gmail's Feedback-ID, campaign:kind:sender-id, so its Postmaster Tools can say which
    follow-up step draws complaints. No field is unique per message."""
    sender = settings.EMAIL_FEEDBACK_SENDER_ID or _message_id_domain()
    parts = [email.dedupe_key, str(email.kind), sender]
    return ":".join("".join(part.replace(":", "-").split()) for part in parts)


def _record_failure(email: OutboundEmail, exc: Exception) -> OutboundEmail:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    for address in no_such_mailbox(exc, to=email.to_email):
        suppression_add(
            address=address,
            reason=Suppression.Reason.NO_SUCH_MAILBOX,
            source="our mail server (SMTP)",
            detail=error,
        )
    email.refresh_from_db(fields=["attempts"])
    if is_temporary(exc) and email.attempts < settings.OUTBOX_MAX_ATTEMPTS:
        # Back to the queue; claimed_at stays, so the sweeper leaves it to the retry
        # unless that retry never comes.
        OutboundEmail.objects.filter(pk=email.pk).update(
            status=OutboundEmail.Status.QUEUED, last_error=error
        )
        logger.warning("Email %s: temporary failure (%s); will retry", email.pk, error)
        raise TemporarySendError(error) from exc
    logger.error("Email %s failed for good: %s", email.pk, error)
    _finish(email, status=OutboundEmail.Status.FAILED, error=error)
    return email


EMAIL_OUTCOMES: dict[str, Kind] = {
    OutboundEmail.Status.SENT: Kind.EMAIL_SENT,
    OutboundEmail.Status.FAILED: Kind.EMAIL_FAILED,
}


def _finish(
    email: OutboundEmail, *, status: str, error: str, sent_at: datetime | None = None
) -> None:
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=status, last_error=error, sent_at=sent_at
    )
    email.status, email.last_error, email.sent_at = status, error, sent_at
    if status in EMAIL_OUTCOMES:
        event_record(kind=EMAIL_OUTCOMES[status], label=email.kind)
