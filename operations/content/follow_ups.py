"""The follow-up sequence in the content file (export_content / import_content).

Steps have no key of their own, so the file's sequence replaces this site's, matched by
position in the order staff see them: step n here takes step n's text, extra steps are
added and steps beyond the file's are removed. Steps that already match are not touched.
"""

from leads.models import FollowUpStep
from leads.services import follow_up_step_delete
from operations.content.format import (
    LIST,
    NUMBER,
    TEXT,
    YES_NO,
    ImportRun,
    fields_update,
    records,
)

KEY = "follow_ups"
SHAPE = {
    "order": NUMBER,
    "delay_days": NUMBER,
    "subject": TEXT,
    "body": TEXT,
    "segments": LIST,
    "is_active": YES_NO,
}


def follow_ups_export() -> list[dict]:
    return [
        {name: getattr(step, name) for name in SHAPE}
        for step in FollowUpStep.objects.order_by("order", "pk")
    ]


def follow_ups_read(data: dict, problems: list[str]) -> list[dict]:
    rows = []
    for where, row in records(data, KEY, SHAPE, problems):
        if not all(isinstance(segment, str) for segment in row["segments"]):
            problems.append(f"{where}.segments: expected a list of result titles (text).")
        rows.append(row)
    return sorted(rows, key=lambda row: row["order"])  # as staff see them


def follow_ups_import(rows: list[dict], run: ImportRun) -> None:
    current = list(FollowUpStep.objects.order_by("order", "pk"))
    dropped = current[len(rows) :]
    for step in dropped:
        run.note(f"Follow-up email '{step.subject}' removed (not in the file).")
    if dropped:  # as the admin deletes them: copies still queued are cancelled
        follow_up_step_delete(steps=FollowUpStep.objects.filter(pk__in=[s.pk for s in dropped]))
    changed = len(current) > len(rows)
    for n, row in enumerate(rows):
        step = current[n] if n < len(current) else FollowUpStep()
        created = step.pk is None
        if fields_update(step, row) or created:
            run.save(step, f"{KEY}[{n}]")
            changed = True
            outcome = "created" if created else "updated"
            run.note(f"Follow-up email {n + 1} '{step.subject}' {outcome}.")
    if not changed:
        run.note(f"Follow-up emails unchanged ({len(rows)}).")
