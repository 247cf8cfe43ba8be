"""Writes with side effects for call requests: take one in, route it, tell the recruiter,
tell the team when nobody called back in time, and book the call (the visitor's invitation,
its reminders, and the visitor's confirm, reschedule and cancel).

Every email goes through the leads outbox in the same transaction as the row it is about,
so a request is never saved without its notice, nor a notice sent for a request not saved.
"""

import logging
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cache, partial
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Max, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from crm_webhooks.events import Event
from crm_webhooks.services import queue_event
from leads.cleaning import clean_line
from leads.crm_payloads import lead_reference, lead_subject
from leads.models import Lead, OutboundEmail
from leads.rendering import email_render
from leads.scoring import lead_score_refresh
from leads.services import email_enqueue, email_enqueue_template
from leads.staff import lead_workers

from .business_hours import BusinessHours, business_hours_parse, business_time_add, holidays_parse
from .chat_notice import call_request_chat_notice
from .invitation import CANCEL, REQUEST, invitation_ics
from .links import invite_url
from .models import Call, CallRequest, Holiday, RecruiterStatus, RoutingRule
from .phones import phone_display, phone_tel_uri

logger = logging.getLogger(__name__)

MESSAGE_MAX_LENGTH = 1000


class CallRequestRefused(Exception):
    """The lead can't ask for a call (their data was erased)."""


@dataclass(frozen=True)
class CallChoice:
    """What the visitor asked for, already checked by the form."""

    time_zone: str
    first_choice: datetime
    second_choice: datetime | None
    phone: str
    message: str


@dataclass(frozen=True)
class Routing:
    recruiter: AbstractBaseUser | None
    reason: str


@cache
def _hours(spec: str, zone: str, holidays: tuple[str, ...]) -> BusinessHours:
    return business_hours_parse(spec, zone=zone, holidays=holidays_parse(holidays))


def firm_business_hours(*, since: date) -> BusinessHours:
    """The firm's hours, closed on FIRM_HOLIDAYS and on the holidays staff entered (from
    `since` on: one small query)."""
    hours = _hours(settings.FIRM_BUSINESS_HOURS, settings.TIME_ZONE, tuple(settings.FIRM_HOLIDAYS))
    return replace(hours, holidays=hours.holidays | Holiday.objects.dates_from(since))


def call_request_due(*, start: datetime) -> datetime:
    """CALL_REQUEST_DUE_MINUTES of the firm's business hours after `start`."""
    hours = firm_business_hours(since=timezone.localdate(start))
    return business_time_add(start, settings.CALL_REQUEST_DUE_MINUTES, hours)


def call_request_submit(
    *, lead: Lead, choice: CallChoice, now: datetime | None = None
) -> CallRequest:
    """Save the visitor's request, or update their open one, and tell the recruiter.

    A lead has one open request at most (a database constraint too): asking again changes
    the times, phone and message of the open request and keeps its recruiter and deadline.
    Raises CallRequestRefused for an erased lead.
    """
    now = now or timezone.now()
    fields = {
        "time_zone": choice.time_zone,
        "first_choice": choice.first_choice,
        "second_choice": choice.second_choice,
        "phone": choice.phone,
        "message": str(choice.message).strip()[:MESSAGE_MAX_LENGTH],
    }
    with transaction.atomic():
        # The lead's row is the lock: two requests at once from one person queue up here.
        locked = Lead.objects.select_for_update().filter(pk=lead.pk).first()
        if locked is None or locked.erased_at is not None:
            raise CallRequestRefused("This person's data was erased.")
        call = CallRequest.objects.open().filter(lead=locked).first()
        if call is None:
            call = _call_request_create(lead=locked, fields=fields, now=now)
        else:
            for name, value in fields.items():
                setattr(call, name, value)
            call.times_sent = F("times_sent") + 1
            call.save()
            call.refresh_from_db()
        call_request_notify(call=call)
        _call_requested_event(call=call, lead=locked)
        lead_score_refresh(lead=locked)  # asking for a call is engagement
    logger.info("Call request %s from lead %s (sent %s times)", call.pk, lead.pk, call.times_sent)
    return call


def _call_requested_event(*, call: CallRequest, lead: Lead) -> None:
    """call.requested to the firm's CRM, in this transaction: each send of the form is one
    event (times_sent in the key), so an update reaches the CRM too."""
    recruiter = call.assigned_to
    queue_event(
        Event.CALL_REQUESTED,
        {
            "lead": lead_reference(lead),
            "call_request": {
                "id": call.pk,
                "time_zone": call.time_zone,
                "preferred_times": [
                    {"starts_at": moment}
                    for moment in (call.first_choice, call.second_choice)
                    if moment is not None
                ],
                "phone": call.phone or None,
                "message": call.message,
                "recruiter_email": getattr(recruiter, "email", None) or None,
                "due_at": call.due_at,
            },
        },
        key=f"call.requested:{call.pk}:{call.times_sent}",
        subject=lead_subject(lead),
        chat=partial(call_request_chat_notice, call, lead=lead),
    )


def _call_request_create(*, lead: Lead, fields: dict[str, Any], now: datetime) -> CallRequest:
    routing = call_request_route(lead=lead)
    try:
        with transaction.atomic():  # a savepoint: the constraint is the last word on "one open"
            return CallRequest.objects.create(
                lead=lead,
                assigned_to_id=routing.recruiter.pk if routing.recruiter else None,
                assigned_at=now if routing.recruiter else None,
                routed_by=routing.reason,
                due_at=call_request_due(start=now),
                **fields,
            )
    except IntegrityError:
        call = CallRequest.objects.open().get(lead=lead)
        CallRequest.objects.filter(pk=call.pk).update(**fields, updated_at=now)
        call.refresh_from_db()
        return call


def available_recruiters() -> QuerySet[AbstractBaseUser]:
    """People who may work leads and are not marked away."""
    away = RecruiterStatus.objects.filter(away=True).values("user_id")
    return lead_workers().exclude(pk__in=away)


def call_request_route(*, lead: Lead) -> Routing:
    """Staff's rules first (by result, by role keywords), else in turn among the available.

    "In turn" is whoever was given a call request longest ago (never first): it needs no
    counter of its own, so any number of web processes agree on it.
    """
    available = available_recruiters()
    available_ids = set(available.values_list("pk", flat=True))
    for rule in RoutingRule.objects.filter(is_active=True).select_related("recruiter"):
        if rule.recruiter_id in available_ids and rule.matches(lead):
            return Routing(rule.recruiter, clean_line(f"Rule {rule.order}: {rule}", max_length=200))
    recruiter = (
        available.annotate(last_call=Max("call_requests__assigned_at"))
        .order_by(F("last_call").asc(nulls_first=True), "pk")
        .first()
    )
    if recruiter is None:
        return Routing(None, "Nobody available: sent to the team")
    return Routing(recruiter, "In turn (round robin)")


def call_request_notify(*, call: CallRequest) -> OutboundEmail:
    """Email the assigned recruiter (or the team, when nobody is) through the outbox.

    Each time the visitor sends the form is a message of its own, so an update is news too.
    """
    recruiter_email = getattr(call.assigned_to, "email", "") if call.assigned_to else ""
    return email_enqueue_template(
        lead=call.lead,
        kind=OutboundEmail.Kind.NOTIFICATION,
        dedupe_key=f"call-{call.pk}-notice-{call.times_sent}-to-{call.assigned_to_id or 0}",
        template="call_request_notice",
        context=call_staff_context(call),
        to_lead=False,
        to_email=recruiter_email or settings.RECRUITING_TEAM_EMAIL,
    )


def call_request_assign(
    *, call: CallRequest, recruiter: AbstractBaseUser | None, now: datetime | None = None
) -> CallRequest:
    """Staff hand a request to another recruiter, who is emailed it as if it were new to them.

    The deadline stays: handing it on doesn't buy time.
    """
    now = now or timezone.now()
    with transaction.atomic():
        CallRequest.objects.filter(pk=call.pk).update(
            assigned_to_id=recruiter.pk if recruiter else None,
            assigned_at=now if recruiter else None,
            routed_by="Handed on by staff",
            updated_at=now,
        )
        call.refresh_from_db()
        if call.status == CallRequest.Status.OPEN:
            call_request_notify(call=call)
    return call


def call_requests_escalate(*, now: datetime | None = None) -> int:
    """Tell the team, once, about each open request past its deadline. Returns how many."""
    now = now or timezone.now()
    escalated = 0
    for call_id in list(CallRequest.objects.to_escalate(now=now).values_list("pk", flat=True)):
        with transaction.atomic():
            # The stamp is the claim: a second beat (or a rerun) finds nothing to do.
            claimed = CallRequest.objects.to_escalate(now=now).filter(pk=call_id)
            if not claimed.update(escalated_at=now):
                continue
            call = CallRequest.objects.select_related("lead", "assigned_to").get(pk=call_id)
            email_enqueue_template(
                lead=call.lead,
                kind=OutboundEmail.Kind.NOTIFICATION,
                dedupe_key=f"call-{call.pk}-overdue",
                template="call_request_overdue",
                context=call_staff_context(call),
                to_lead=False,
            )
        escalated += 1
    if escalated:
        logger.warning("%s call requests overdue: the team was told", escalated)
    return escalated


def call_staff_context(call: CallRequest) -> dict[str, Any]:
    """What the recruiter's notice and the team's overdue email read (and their previews)."""
    visitor_zone = call.time_zone
    return {
        "call": call,
        "lead": call.lead,
        "phone": phone_display(call.phone),
        "tel_uri": phone_tel_uri(call.phone),
        "visitor_zone": visitor_zone,
        "firm_zone": settings.TIME_ZONE,
        "admin_url": settings.SITE_URL + reverse("admin:calls_callrequest_change", args=[call.pk]),
        "RECRUITING_TEAM_EMAIL": settings.RECRUITING_TEAM_EMAIL,
    }


def follow_ups_stop_for_booked_call(*, lead: Lead) -> str:
    """Registered with leads.hooks.FOLLOW_UP_STOPPERS: no marketing email to someone whose
    call with a recruiter is booked; the recruiter talks to them instead. A booked call
    still to come counts too while the visitor asks to move it (the request is open again)."""
    if CallRequest.objects.filter(lead=lead, status=CallRequest.Status.SCHEDULED).exists():
        return "Cancelled: a call with a recruiter is booked (status Scheduled)."
    if Call.objects.upcoming(now=timezone.now()).filter(request__lead=lead).exists():
        return "Cancelled: a call with a recruiter is booked (status Scheduled)."
    return ""


# Booked calls ------------------------------------------------------------------------------

# How far ahead a call may be booked (as far as a visitor may ask), and the lengths offered.
BOOKING_LATEST_DAYS_AHEAD = 90
CALL_LENGTHS = (15, 20, 30, 45, 60)
# Reminders to the visitor: how long before the call, and the key's name for each. The
# recruiter gets one too, an hour before.
REMINDERS = ((timedelta(hours=24), "24h"), (timedelta(hours=1), "1h"))
RECRUITER_REMINDER = timedelta(hours=1)


class CallBookingRefused(Exception):
    """The call can't be booked as asked; the message tells staff why, in words."""


@dataclass(frozen=True)
class CallPlan:
    """What the recruiter chose in the admin."""

    starts_at: datetime
    minutes: int = 30
    medium: str = Call.Medium.PHONE
    video_url: str = ""


def call_plan_problems(*, request: CallRequest, plan: CallPlan, now: datetime) -> dict[str, str]:
    """What is wrong with a plan, by the name of the field it is about; empty when none."""
    problems = {}
    if plan.starts_at <= now:
        problems["starts_at"] = "That time has passed. Choose a day and time in the future."
    elif plan.starts_at > now + timedelta(days=BOOKING_LATEST_DAYS_AHEAD):
        problems["starts_at"] = (
            f"Choose a time in the next {BOOKING_LATEST_DAYS_AHEAD} days: check the year."
        )
    if plan.minutes not in CALL_LENGTHS:
        problems["minutes"] = "Choose one of the lengths offered."
    if plan.medium == Call.Medium.PHONE and not request.phone:
        problems["medium"] = (
            "They gave no phone number: choose a video call and give its link, or email "
            "them for a number first."
        )
    elif plan.medium == Call.Medium.VIDEO and urlsplit(plan.video_url).scheme != "https":
        problems["video_url"] = "Give the video call's link, starting with https://."
    elif plan.medium not in Call.Medium.values:
        problems["medium"] = "Choose how the call takes place."
    return problems


def call_book(
    *,
    request: CallRequest,
    plan: CallPlan,
    by: AbstractBaseUser | None = None,
    now: datetime | None = None,
) -> Call:
    """Book the call, or move the booked one, and send the visitor the invitation.

    The request becomes Scheduled, which stops follow-ups. Moving a booked call keeps its
    UID and counts SEQUENCE up, so calendars move the event; the same plan saved again
    sends nothing. Reminders of the old time are withdrawn and new ones queued. Raises
    CallBookingRefused (a time past, an erased person, a phone call without a number).
    """
    now = now or timezone.now()
    fields = {
        "starts_at": plan.starts_at,
        "minutes": plan.minutes,
        "medium": plan.medium,
        "video_url": plan.video_url if plan.medium == Call.Medium.VIDEO else "",
    }
    with transaction.atomic():
        lead = Lead.objects.select_for_update().get(pk=request.lead_id)  # the lead's lock
        if lead.erased_at is not None:
            raise CallBookingRefused("This person's data was erased: nobody to invite.")
        request = CallRequest.objects.get(pk=request.pk)
        problems = call_plan_problems(request=request, plan=plan, now=now)
        if problems:
            raise CallBookingRefused(" ".join(problems.values()))
        call = Call.objects.live().filter(request_id=request.pk).first()
        if call is None:
            call = Call.objects.create(
                request_id=request.pk, uid=_call_uid(), booked_by_id=by.pk if by else None, **fields
            )
        elif all(getattr(call, name) == value for name, value in fields.items()):
            return call
        else:
            # Moved: the visitor confirms the new time again.
            Call.objects.filter(pk=call.pk).update(
                **fields,
                sequence=F("sequence") + 1,
                status=Call.Status.PROPOSED,
                confirmed_at=None,
                updated_at=now,
            )
        CallRequest.objects.filter(pk=request.pk).update(
            status=CallRequest.Status.SCHEDULED, updated_at=now
        )
        call = _call_fresh(call.pk)
        _invitation_enqueue(call, method=REQUEST, now=now)
        _reminders_replace(call, now=now)
        _call_scheduled_event(call)
    logger.info("Call %s booked (sequence %s) for request %s", call.pk, call.sequence, request.pk)
    return call


def call_cancel(*, call: Call, by_visitor: bool, now: datetime | None = None) -> Call:
    """Cancel a booked call: the visitor's calendar gets METHOD:CANCEL, the reminders are
    withdrawn and the request is cancelled. Cancelling twice changes nothing.

    When the visitor cancels, their recruiter is told.
    """
    now = now or timezone.now()
    with transaction.atomic():
        Lead.objects.select_for_update().filter(pk=call.request.lead_id).first()
        cancelled = (
            Call.objects.live()
            .filter(pk=call.pk)
            .update(
                status=Call.Status.CANCELLED,
                cancelled_at=now,
                sequence=F("sequence") + 1,
                updated_at=now,
            )
        )
        call = _call_fresh(call.pk)
        if not cancelled:
            return call
        still_on = [CallRequest.Status.SCHEDULED]
        if by_visitor:  # they asked to move it, then called it off
            still_on.append(CallRequest.Status.OPEN)
        CallRequest.objects.filter(pk=call.request_id, status__in=still_on).update(
            status=CallRequest.Status.CANCELLED, updated_at=now
        )
        _reminders_withdraw(call, reason="Withdrawn: the call was cancelled.")
        if call.request.lead.erased_at is None:
            _invitation_enqueue(call, method=CANCEL, now=now, by_visitor=by_visitor)
        if by_visitor:
            _recruiter_tell(call, what="cancelled")
        _call_scheduled_event(call)
    logger.info("Call %s cancelled by %s", call.pk, "the visitor" if by_visitor else "staff")
    return call


class ConfirmOutcome:
    ASK = "ask"  # the link may confirm: the page asks
    CONFIRMED = "confirmed"
    ALREADY = "already"
    REPLACED = "replaced"  # the link's invitation was changed since: its time isn't current
    CANCELLED = "cancelled"


def call_confirm(*, call: Call, sequence: int, now: datetime | None = None) -> str:
    """The visitor confirms the time their invitation gave. Only the latest invitation's
    link confirms: an older one names a time that no longer holds. Returns a ConfirmOutcome."""
    now = now or timezone.now()
    with transaction.atomic():
        confirmed = Call.objects.filter(
            pk=call.pk, status=Call.Status.PROPOSED, sequence=sequence
        ).update(status=Call.Status.CONFIRMED, confirmed_at=now, updated_at=now)
        call.refresh_from_db()
        if confirmed:
            _recruiter_tell(call, what="confirmed")
            _call_scheduled_event(call)
            return ConfirmOutcome.CONFIRMED
    return call_confirm_state(call=call, sequence=sequence)


def call_confirm_state(*, call: Call, sequence: int) -> str:
    """What a confirm link of invitation `sequence` finds: ConfirmOutcome.ASK when it may
    still confirm, else why not (or that it is done)."""
    if call.status == Call.Status.CANCELLED:
        return ConfirmOutcome.CANCELLED
    if call.sequence != sequence:
        return ConfirmOutcome.REPLACED
    if call.status == Call.Status.CONFIRMED:
        return ConfirmOutcome.ALREADY
    return ConfirmOutcome.ASK


def call_reschedule_ask(
    *, call: Call, choice: CallChoice, now: datetime | None = None
) -> CallRequest:
    """The visitor asks to move their booked call from the invitation's link.

    Their request opens again with the new preferred times (due again, the recruiter is
    emailed as for any change), and the old time's reminders are withdrawn. The call keeps
    its time until the recruiter moves or cancels it. Raises CallRequestRefused for an
    erased person.
    """
    now = now or timezone.now()
    with transaction.atomic():
        lead = Lead.objects.select_for_update().filter(pk=call.request.lead_id).first()
        if lead is None or lead.erased_at is not None:
            raise CallRequestRefused("This person's data was erased.")
        request = call.request
        booked = Call.objects.live().filter(pk=call.pk).exists()
        another_open = CallRequest.objects.open().filter(lead=lead).exclude(pk=request.pk)
        if booked and not another_open.exists():
            CallRequest.objects.filter(pk=request.pk).update(
                status=CallRequest.Status.OPEN,
                due_at=call_request_due(start=now),
                escalated_at=None,
                updated_at=now,
            )
            _reminders_withdraw(call, reason="Withdrawn: the visitor asked to move the call.")
        return call_request_submit(lead=lead, choice=choice, now=now)


def call_visitor_context(call: Call) -> dict[str, Any]:
    """What the visitor's invitation, cancellation and reminders read (and their previews)."""
    request = call.request
    recruiter = request.assigned_to
    links = {
        f"{action}_url": invite_url(action, call_id=call.pk or 0, sequence=call.sequence)
        for action in ("confirm", "reschedule", "cancel")
    }
    return {
        "call": call,
        "lead": request.lead,
        "visitor_zone": request.time_zone,
        "ends_at": call.ends_at,
        "is_phone": call.medium == Call.Medium.PHONE,
        "phone": phone_display(request.phone),
        "recruiter_name": _recruiter_name(recruiter),
        "reply_to": _recruiter_address(call),
        **links,
    }


def _call_uid() -> str:
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"call-{uuid.uuid4()}@{domain}"


def _call_fresh(call_id: int) -> Call:
    return Call.objects.select_related("request__lead", "request__assigned_to").get(pk=call_id)


def _recruiter_name(recruiter: AbstractBaseUser | None) -> str:
    if recruiter is None:
        return ""
    name = getattr(recruiter, "get_full_name", lambda: "")()
    return name or getattr(recruiter, "first_name", "") or str(recruiter)


def _recruiter_address(call: Call) -> str:
    recruiter = call.request.assigned_to
    return getattr(recruiter, "email", "") or settings.RECRUITING_TEAM_EMAIL


def _invitation_enqueue(
    call: Call, *, method: str, now: datetime, by_visitor: bool = False
) -> OutboundEmail:
    """The visitor's email with the .ics: one per sequence, so a move is a new message."""
    lead = call.request.lead
    context = call_visitor_context(call) | {"by_visitor": by_visitor}
    cancelling = method == CANCEL
    template = "call_cancelled" if cancelling else "call_invitation"
    rendered = email_render(template=template, context=context, lead=lead)
    summary = f"Call with {settings.FIRM_NAME}"
    return email_enqueue(
        lead=lead,
        kind=OutboundEmail.Kind.CALL_INVITE,
        dedupe_key=f"call-{call.pk}-{'cancel' if cancelling else 'invite'}-{call.sequence}",
        subject=rendered.subject,
        html_body=rendered.html_body,
        text_body=rendered.text_body,
        headers={"Reply-To": context["reply_to"]},
        calendar=invitation_ics(
            call=call,
            method=method,
            summary=summary,
            description=_invitation_description(context),
            now=now,
        ),
    )


def _invitation_description(context: dict[str, Any]) -> str:
    """The calendar event's own text: how the call happens and the links, in short."""
    call = context["call"]
    who = context["recruiter_name"] or f"A recruiter from {settings.FIRM_NAME}"
    if context["is_phone"]:
        how = f"{who} will call you on {context['phone']}."
    else:
        how = f"A video call with {who}: {call.video_url}"
    return "\n".join(
        [
            how,
            f"Confirm: {context['confirm_url']}",
            f"Move it: {context['reschedule_url']}",
            f"Cancel: {context['cancel_url']}",
        ]
    )


def _reminder_key(call: Call, label: str) -> str:
    return f"call-{call.pk}-reminder-{label}-{call.sequence}"


def _reminders_replace(call: Call, *, now: datetime) -> None:
    """This sequence's reminders queued (those whose time is still to come), older ones
    withdrawn."""
    current = [_reminder_key(call, label) for _, label in (*REMINDERS, (None, "recruiter"))]
    _reminders_withdraw(call, reason="Withdrawn: the call was moved.", keep=current)
    context = call_visitor_context(call)
    for before, label in REMINDERS:
        send_at = call.starts_at - before
        if send_at <= now:
            continue  # too late for this one: the invitation itself is the reminder
        email_enqueue_template(
            lead=call.request.lead,
            kind=OutboundEmail.Kind.CALL_REMINDER,
            dedupe_key=_reminder_key(call, label),
            template="call_reminder",
            context=context | {"hours_before": int(before.total_seconds() // 3600)},
            send_at=send_at,
            headers={"Reply-To": context["reply_to"]},
        )
    if call.starts_at - RECRUITER_REMINDER > now:
        email_enqueue_template(
            lead=call.request.lead,
            kind=OutboundEmail.Kind.NOTIFICATION,
            dedupe_key=_reminder_key(call, "recruiter"),
            template="call_recruiter_reminder",
            context=call_staff_context(call.request) | {"booked": call},
            to_lead=False,
            to_email=_recruiter_address(call),
            send_at=call.starts_at - RECRUITER_REMINDER,
        )


def _reminders_withdraw(call: Call, *, reason: str, keep: list[str] | None = None) -> int:
    return (
        OutboundEmail.objects.filter(
            lead_id=call.request.lead_id,
            kind__in=[OutboundEmail.Kind.CALL_REMINDER, OutboundEmail.Kind.NOTIFICATION],
            dedupe_key__startswith=f"call-{call.pk}-reminder-",
            status=OutboundEmail.Status.QUEUED,
        )
        .exclude(dedupe_key__in=keep or [])
        .update(status=OutboundEmail.Status.CANCELLED, last_error=reason)
    )


def _recruiter_tell(call: Call, *, what: str) -> OutboundEmail:
    """Tell the recruiter the visitor confirmed or cancelled (once per invitation)."""
    return email_enqueue_template(
        lead=call.request.lead,
        kind=OutboundEmail.Kind.NOTIFICATION,
        dedupe_key=f"call-{call.pk}-{what}-{call.sequence}",
        template="call_visitor_answer",
        context=call_staff_context(call.request) | {"booked": call, "what": what},
        to_lead=False,
        to_email=_recruiter_address(call),
    )


def _call_scheduled_event(call: Call) -> None:
    """call.scheduled to the firm's CRM, in this transaction: one event per change (the
    sequence and status in the key), so a move, a confirmation and a cancellation all arrive."""
    lead = call.request.lead
    queue_event(
        Event.CALL_SCHEDULED,
        {
            "lead": lead_reference(lead),
            "call": {
                "id": call.pk,
                "call_request_id": call.request_id,
                "status": call.status,
                "starts_at": call.starts_at,
                "ends_at": call.ends_at,
                "time_zone": call.request.time_zone,
                "recruiter_email": getattr(call.request.assigned_to, "email", None) or None,
            },
        },
        key=f"call.scheduled:{call.pk}:{call.sequence}:{call.status}",
        subject=lead_subject(lead),
    )


# Personal data (GDPR), registered with leads.hooks ---------------------------------------


def call_requests_erase(*, lead: Lead) -> int:
    """The phone number and message go; times and statuses stay for the counts. A booked
    call is cancelled without a word (there is nobody left to write to); leads cancels the
    emails still waiting."""
    Call.objects.live().filter(request__lead=lead).update(
        status=Call.Status.CANCELLED, cancelled_at=timezone.now(), video_url=""
    )
    return CallRequest.objects.filter(lead=lead).update(
        phone="",
        message="",
        # An open request can't be worked without the person: it is cancelled.
        status=Case(
            When(status=CallRequest.Status.OPEN, then=Value(CallRequest.Status.CANCELLED)),
            default=F("status"),
        ),
        updated_at=timezone.now(),
    )


def call_requests_personal_data(*, lead: Lead) -> dict[str, Any]:
    rows = [
        {
            "status": call.status,
            "time_zone": call.time_zone,
            "first_choice": call.first_choice,
            "second_choice": call.second_choice,
            "phone": call.phone,
            "message": call.message,
            "created_at": call.created_at,
        }
        for call in CallRequest.objects.filter(lead=lead).order_by("created_at")
    ]
    booked = [
        {
            "status": call.status,
            "starts_at": call.starts_at,
            "minutes": call.minutes,
            "how": call.medium,
            "video_url": call.video_url,
            "confirmed_at": call.confirmed_at,
            "cancelled_at": call.cancelled_at,
        }
        for call in Call.objects.filter(request__lead=lead).order_by("created_at")
    ]
    return {"call_requests": rows, "booked_calls": booked}
