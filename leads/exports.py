"""Reads that leave the site: the recruiters' CSV and a person's data (GDPR, article 15).

Both stream or build from a fixed number of queries, however many leads or emails there are.
"""

import csv
from collections.abc import Iterable, Iterator
from itertools import batched

from django.db.models import OuterRef, QuerySet, Subquery

from . import hooks
from .models import SOURCE_FIELDS, Lead, LeadNote, LeadTask, OutboundEmail

CSV_COLUMNS = [
    ("email", "Email"),
    ("first_name", "First name"),
    ("current_role", "Current role"),
    ("segment", "Latest result"),
    ("status", "Status"),
    ("owner", "Recruiter"),
    ("score", "Score"),
    ("latest_note", "Latest note"),
    ("call_status", "Call status"),
    ("follow_ups", "Follow-up emails"),
    ("created_at", "Created"),
    ("landing_path", "First page"),
    ("utm_source", "Campaign source"),
    ("utm_medium", "Campaign medium"),
    ("utm_campaign", "Campaign name"),
]
# A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """csv.writer writes here, and we hand each line straight to the response."""

    def write(self, value: str) -> str:
        return value


def _safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def follow_ups_label(lead: Lead) -> str:
    if lead.unsubscribed_at:
        return "Unsubscribed"
    if not lead.consented:
        return "Did not agree"
    return "Confirmed" if lead.confirmed_at else "Not confirmed yet"


def call_statuses(lead_ids: Iterable[int]) -> dict[int, str]:
    """Each lead's call status in words, from the app registered in hooks.LEAD_CALL_STATUS
    (none registered: no calls, so every cell is blank)."""
    providers = hooks.LEAD_CALL_STATUS.registered()
    return dict(providers[0](lead_ids=list(lead_ids))) if providers else {}


def leads_csv_lines(leads: QuerySet[Lead], *, chunk_size: int = 2000) -> Iterator[str]:
    """The leads as CSV lines, read in chunks: a fixed number of queries per chunk."""
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so Excel reads the file as UTF-8 (names with accents)
    yield writer.writerow([label for _, label in CSV_COLUMNS])
    latest_note = LeadNote.objects.filter(lead=OuterRef("pk")).order_by("-created_at", "-pk")
    rows = (
        leads.select_related("owner")
        .annotate(latest_note=Subquery(latest_note.values("text")[:1]))
        .iterator(chunk_size=chunk_size)
    )
    for chunk in batched(rows, chunk_size):
        calls = call_statuses(lead.pk for lead in chunk)
        for lead in chunk:
            values = {
                **{name: getattr(lead, name, "") for name, _ in CSV_COLUMNS},
                "status": lead.get_status_display(),
                "owner": (lead.owner.get_full_name() or lead.owner.get_username())
                if lead.owner
                else "",
                "call_status": calls.get(lead.pk, ""),
                "follow_ups": follow_ups_label(lead),
                "created_at": lead.created_at.isoformat(timespec="seconds"),
            }
            yield writer.writerow([_safe_cell(values[name]) for name, _ in CSV_COLUMNS])


LEAD_FIELDS = [
    "email",
    "first_name",
    "current_role",
    "segment",
    "status",
    *SOURCE_FIELDS,
    "notes",
    "created_at",
    "updated_at",
    "erased_at",
]
CONSENT_FIELDS = [
    "consented",
    "consent_at",
    "consent_text",
    "consent_ip",
    "confirmed_at",
    "unsubscribed_at",
]
EMAIL_FIELDS = [
    "kind",
    "subject",
    "to_email",
    "from_email",
    "status",
    "send_at",
    "sent_at",
    "message_id",
    "text_body",
]


def lead_personal_data(*, lead: Lead) -> dict:
    """Everything we hold about one person, for a subject access request.

    Other apps add theirs (the quiz's submissions and downloads) through the functions
    registered in hooks.PERSONAL_DATA_EXPORTERS, each returning a dict of extra sections.
    """
    data = {
        "lead": {name: getattr(lead, name) for name in LEAD_FIELDS},
        "consent": {name: getattr(lead, name) for name in CONSENT_FIELDS},
        "recruiter": lead.owner.get_username() if lead.owner else None,
        "emails": list(
            OutboundEmail.objects.filter(lead=lead)
            .exclude(kind=OutboundEmail.Kind.NOTIFICATION)  # internal to the team
            .order_by("send_at", "pk")
            .values(*EMAIL_FIELDS)
        ),
        "recruiter_notes": list(
            LeadNote.objects.filter(lead=lead)
            .order_by("created_at", "pk")
            .values("created_at", "text")
        ),
        "recruiter_tasks": list(
            LeadTask.objects.filter(lead=lead)
            .order_by("created_at", "pk")
            .values("created_at", "title", "due_date", "done")
        ),
    }
    for exporter in hooks.PERSONAL_DATA_EXPORTERS.registered():
        data.update(exporter(lead=lead))
    return data
