"""The lead page's timeline: everything that happened to a lead, newest first.

leads reads its own rows (the first visit, emails, status and owner changes, notes, tasks);
other apps add theirs through hooks.LEAD_TIMELINE_ENTRIES (quiz results and downloads from
assessment, call requests and calls from calls). Each source costs a fixed number of
queries, so the page's query count does not grow with the number of entries.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser

from . import hooks
from .models import Lead, LeadNote, LeadTask, OutboundEmail


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str  # a short word the template styles and a screen reader hears: "Email", "Note"
    title: str
    detail: str = ""
    by: str = ""
    # Timeline order among entries of the same moment: higher first.
    rank: int = 0


def person(user: AbstractBaseUser | None) -> str:
    if user is None:
        return "nobody"
    full_name = getattr(user, "get_full_name", lambda: "")()
    return full_name or user.get_username()


def source_entry(lead: Lead) -> Entry:
    campaign = ", ".join(
        value for value in (lead.utm_source, lead.utm_medium, lead.utm_campaign) if value
    )
    detail = [
        f"First page: {lead.landing_title or lead.landing_path or 'unknown'}",
        f"Came from: {lead.referrer or 'direct or unknown'}",
    ]
    if campaign:
        detail.append(f"Campaign: {campaign}")
    return Entry(lead.created_at, "Visit", "First visit", " · ".join(detail), rank=-1)


def email_entries(lead: Lead) -> list[Entry]:
    entries = []
    for email in OutboundEmail.objects.filter(lead=lead).order_by("send_at", "pk"):
        status = email.get_status_display()
        if email.status == OutboundEmail.Status.FAILED and email.last_error:
            status = f"{status}: {email.last_error[:200]}"
        entries.append(
            Entry(
                email.sent_at or email.send_at,
                "Email",
                f"{email.get_kind_display()}: {email.subject}",
                status,
            )
        )
    return entries


def change_entries(lead: Lead) -> list[Entry]:
    """Status and owner changes, old → new, from the history rows (one query)."""
    rows = (
        Lead.history.filter(id=lead.pk)
        .select_related("owner", "history_user")
        .order_by("history_date", "history_id")
    )
    entries = []
    before = None
    for row in rows:
        if before is not None:
            by = person(row.history_user) if row.history_user else ""
            if row.status != before.status:
                old, new = Lead.Status(before.status).label, Lead.Status(row.status).label
                entries.append(Entry(row.history_date, "Status", f"Status: {old} → {new}", by=by))
            if row.owner_id != before.owner_id:
                change = f"Recruiter: {person(before.owner)} → {person(row.owner)}"
                entries.append(Entry(row.history_date, "Recruiter", change, by=by))
        before = row
    return entries


def note_entries(lead: Lead) -> list[Entry]:
    notes = LeadNote.objects.filter(lead=lead).select_related("author")
    return [Entry(n.created_at, "Note", n.text, by=person(n.author), rank=1) for n in notes]


def task_entries(lead: Lead) -> list[Entry]:
    entries = []
    for task in LeadTask.objects.filter(lead=lead).select_related("assignee", "created_by"):
        state = "done" if task.done else "not done"
        who = f" · for {person(task.assignee)}" if task.assignee else ""
        entries.append(
            Entry(
                task.created_at,
                "Task",
                f"Task: {task.title} ({state})",
                f"Due {task.due_date:%Y-%m-%d}{who}",
                by=person(task.created_by) if task.created_by else "",
            )
        )
    return entries


def lead_timeline(lead: Lead) -> list[Entry]:
    entries = [source_entry(lead)]
    entries += email_entries(lead)
    entries += change_entries(lead)
    entries += note_entries(lead)
    entries += task_entries(lead)
    for provider in hooks.LEAD_TIMELINE_ENTRIES.registered():
        entries.extend(provider(lead=lead))
    return sorted(entries, key=lambda e: (e.at, e.rank), reverse=True)
