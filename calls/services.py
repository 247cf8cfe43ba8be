"""Writes with side effects for call requests: take one in, route it, tell the recruiter,
and tell the team when nobody called back in time.

Every email goes through the leads outbox in the same transaction as the row it is about,
so a request is never saved without its notice, nor a notice sent for a request not saved.
"""

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache, partial
from typing import Any

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
from leads.scoring import lead_score_refresh
from leads.services import email_enqueue_template
from leads.staff import lead_workers

from .business_hours import BusinessHours, business_hours_parse, business_time_add, holidays_parse
from .chat_notice import call_request_chat_notice
from .models import CallRequest, Holiday, RecruiterStatus, RoutingRule
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
    call with a recruiter is booked; the recruiter talks to them instead."""
    if CallRequest.objects.filter(lead=lead, status=CallRequest.Status.SCHEDULED).exists():
        return "Cancelled: a call with a recruiter is booked (status Scheduled)."
    return ""


# Personal data (GDPR), registered with leads.hooks ---------------------------------------


def call_requests_erase(*, lead: Lead) -> int:
    """The phone number and message go; times and statuses stay for the counts."""
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
    return {"call_requests": rows}
