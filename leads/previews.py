"""Every email template rendered with sample data, for the staff preview page.

Templates are found by name, so one another app has not written yet (the result email
comes with the assessment) shows a note instead of breaking the page.
"""

from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.template.utils import get_app_template_dirs
from django.utils import timezone

from .models import FollowUpStep, Lead
from .rendering import email_render

KNOWN_EMAILS = [
    ("result", "Result", "Sent when someone finishes the quiz: their result and the whitepaper."),
    ("confirm", "Confirm address", "Asks the person to confirm before any follow-up is sent."),
    ("follow_up", "Follow-up", "The sequence staff write under “Follow-up emails”."),
    ("lead_notification", "New-lead notification", "To the recruiting team, once per lead."),
]
PARTS = ("subject.txt", "html", "txt")


@dataclass
class Preview:
    name: str
    label: str
    description: str
    subject: str = ""
    html_body: str = ""
    text_body: str = ""
    problem: str = ""


def sample_lead() -> Lead:
    """A made-up reader (never saved)."""
    now = timezone.now()
    return Lead(
        email="ana.sample@example.com",
        first_name="Ana",
        current_role="Regional sales manager",
        segment="Career focused",
        consented=True,
        consent_at=now,
        confirmed_at=now,
        landing_path="/articles/are-you-career-or-job-focused/",
        landing_title="Are you Career or Job Focused?",
        created_at=now,
    )


def sample_context(lead: Lead) -> dict:
    """Sample values under the names email templates are likely to use."""
    band = SimpleNamespace(
        title="Career focused",
        summary="You know where you are going and what it takes to get there.",
        advice="Build leadership experience before you need the title.",
    )
    site = settings.SITE_URL
    return {
        "lead": lead,
        "band": band,
        "result": SimpleNamespace(band=band, score=42, title=band.title),
        "score": 42,
        "whitepaper": SimpleNamespace(title="Don’t Blow It"),
        "download_url": f"{site}/assessment/download/sample/",
        "confirm_url": f"{site}/email/confirm/sample/",
        "unsubscribe_url": f"{site}/email/unsubscribe/sample/",
        "admin_url": f"{site}/admin/leads/lead/",
        "RECRUITING_TEAM_EMAIL": settings.RECRUITING_TEAM_EMAIL,
    }


def discovered_names() -> list[str]:
    """Names of every emails/NAME.subject.txt in the template folders, the known ones first."""
    folders = [Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", [])]
    folders += [Path(d) for d in get_app_template_dirs("templates")]
    found = {
        path.name.removesuffix(".subject.txt")
        for folder in folders
        for path in (folder / "emails").glob("*.subject.txt")
    }
    known = [name for name, _, _ in KNOWN_EMAILS]
    return known + sorted(found - set(known))


def _missing_parts(name: str) -> list[str]:
    missing = []
    for part in PARTS:
        try:
            get_template(f"emails/{name}.{part}")
        except TemplateDoesNotExist:
            missing.append(f"templates/emails/{name}.{part}")
    return missing


def _render(preview: Preview, *, context: dict, lead: Lead) -> Preview:
    missing = _missing_parts(preview.name)
    if missing:
        preview.problem = "Not written yet: " + ", ".join(missing) + "."
        return preview
    try:
        rendered = email_render(template=preview.name, context=context, lead=lead)
    except Exception as exc:  # a broken template must show here, not break the page
        preview.problem = f"This template does not render: {type(exc).__name__}: {exc}"
        return preview
    preview.subject = rendered.subject
    preview.html_body = rendered.html_body
    preview.text_body = rendered.text_body
    return preview


def email_previews() -> list[Preview]:
    lead = sample_lead()
    context = sample_context(lead)
    labels = {name: (label, description) for name, label, description in KNOWN_EMAILS}
    previews = []
    for name in discovered_names():
        label, description = labels.get(name, (name.replace("_", " ").capitalize(), ""))
        if name == "follow_up":
            steps = list(FollowUpStep.objects.order_by("order", "pk")) or [
                FollowUpStep(subject="A sample follow-up", body="Staff write this text.")
            ]
            for step in steps:
                state = "" if step.is_active else " (switched off)"
                preview = Preview(
                    name=name,
                    label=f"{label}: {step.subject}{state}",
                    description=f"Sent {step.delay_days} day(s) after confirming, to "
                    + (", ".join(step.segments) if step.segments else "everyone")
                    + ".",
                )
                previews.append(_render(preview, context={**context, "step": step}, lead=lead))
            continue
        own = context
        if name == "lead_notification":  # to the team: no unsubscribe link
            own = {key: value for key, value in context.items() if key != "unsubscribe_url"}
        previews.append(_render(Preview(name, label, description), context=own, lead=lead))
    return previews
