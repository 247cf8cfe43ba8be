"""Reads that leave the site: the recruiters' CSV and a person's data (GDPR, article 15).

Both stream or build from a fixed number of queries, however many leads or emails there are.
"""

import csv
from collections.abc import Iterator

from django.db.models import QuerySet

from . import hooks
from .models import SOURCE_FIELDS, Lead, OutboundEmail

CSV_COLUMNS = [
    ("email", "Email"),
    ("first_name", "First name"),
    ("current_role", "Current role"),
    ("segment", "Latest result"),
    ("status", "Status"),
    ("owner", "Recruiter"),
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


def leads_csv_lines(leads: QuerySet[Lead], *, chunk_size: int = 2000) -> Iterator[str]:
    """The leads as CSV lines, read in chunks: one query however many leads there are."""
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so Excel reads the file as UTF-8 (names with accents)
    yield writer.writerow([label for _, label in CSV_COLUMNS])
    for lead in leads.select_related("owner").iterator(chunk_size=chunk_size):
        values = {
            **{name: getattr(lead, name, "") for name, _ in CSV_COLUMNS},
            "status": lead.get_status_display(),
            "owner": (lead.owner.get_full_name() or lead.owner.get_username())
            if lead.owner
            else "",
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
    }
    for exporter in hooks.PERSONAL_DATA_EXPORTERS.registered():
        data.update(exporter(lead=lead))
    return data
