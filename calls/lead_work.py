"""What call requests tell recruiters about a lead: timeline entries, score points and the
CSV's call status.

Registered in leads.hooks from AppConfig.ready(), so leads shows them without importing
calls. Each runs one query, however many requests there are (the timeline shows each
request's latest booked call from the same query).
"""

from collections.abc import Iterable

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from leads.models import Lead
from leads.scoring import ScorePart
from leads.timeline import Entry, person

from .models import Call, CallRequest

# Asking for a call is the strongest sign of interest a visitor can give.
CALL_REQUEST_POINTS = 20


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%a %d %b %Y, %H:%M}"


# The latest call booked from each request, read in the requests' own query.
_BOOKED_FIELDS = ("created_at", "starts_at", "minutes", "medium", "status", "sequence")


def _with_latest_booking(requests: QuerySet[CallRequest]) -> QuerySet[CallRequest]:
    latest = Call.objects.filter(request=OuterRef("pk")).order_by("-created_at", "-pk")
    return requests.annotate(
        **{f"booked_{name}": Subquery(latest.values(name)[:1]) for name in _BOOKED_FIELDS}
    )


def timeline_entries(*, lead: Lead) -> list[Entry]:
    entries = []
    requests = CallRequest.objects.filter(lead=lead).select_related("assigned_to")
    for call in _with_latest_booking(requests):
        detail = [f"Preferred: {_when(call.first_choice)} (firm's time)"]
        if call.status == CallRequest.Status.OPEN:
            detail.append(f"call back by {_when(call.due_at)}")
        if call.assigned_to:
            detail.append(f"for {person(call.assigned_to)}")
        if call.times_sent > 1:
            detail.append(f"asked {call.times_sent} times")
        entries.append(
            Entry(
                call.created_at,
                "Call",
                f"Call request: {call.get_status_display()}",
                " · ".join(detail) + (f"\n“{call.message}”" if call.message else ""),
            )
        )
        if call.booked_created_at is not None:  # type: ignore[attr-defined]
            entries.append(_booked_entry(call))
    return entries


def _booked_entry(call: CallRequest) -> Entry:
    booked = {name: getattr(call, f"booked_{name}") for name in _BOOKED_FIELDS}
    how = "by phone" if booked["medium"] == Call.Medium.PHONE else "by video"
    updates = f" · invitation updated {booked['sequence']}×" if booked["sequence"] else ""
    return Entry(
        booked["created_at"],
        "Call",
        f"Call booked: {Call.Status(booked['status']).label}",
        f"{_when(booked['starts_at'])} (firm's time), {booked['minutes']} minutes {how}{updates}",
    )


def score_parts(*, lead: Lead) -> list[ScorePart]:
    """Points for having asked for a call, whatever became of the request."""
    if CallRequest.objects.filter(lead=lead).exists():
        return [ScorePart(CALL_REQUEST_POINTS, "engagement", "asked for a call")]
    return []


def call_statuses(*, lead_ids: Iterable[int]) -> dict[int, str]:
    """Each lead's latest call request's status in words, in one query."""
    rows = (
        CallRequest.objects.filter(lead_id__in=list(lead_ids))
        .order_by("lead_id", "-created_at", "-pk")
        .values_list("lead_id", "status")
    )
    statuses: dict[int, str] = {}
    for lead_id, status in rows:
        statuses.setdefault(lead_id, CallRequest.Status(status).label)
    return statuses
