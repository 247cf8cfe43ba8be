"""Every email template rendered with sample data, for the staff preview page.

leads knows its own emails (follow-ups, the new-lead notification). Other apps supply
samples for theirs through leads.hooks.EMAIL_PREVIEW_SAMPLES: functions that
take the sample lead and return EmailSample rows built with the same context their real
email uses, so a preview never guesses the names a template reads. A template found on
disk that nobody supplies a sample for, or a sample whose template is missing, shows a
note instead of breaking the page.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.template.utils import get_app_template_dirs
from django.urls import reverse
from django.utils import timezone

from . import hooks
from .follow_up_email import follow_up_context
from .models import FollowUpStep, Lead
from .rendering import email_render

PARTS = ("subject.txt", "html", "txt")


@dataclass
class EmailSample:
    """One email to preview: its template name and the context its real sender passes."""

    name: str
    label: str
    description: str
    context: dict = field(default_factory=dict)
    to_team: bool = False  # rendered without a reader: no unsubscribe link


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
        utm_source="linkedin",
        utm_campaign="spring-hiring",
        created_at=now,
    )


def lead_email_samples(*, lead: Lead) -> list[EmailSample]:
    """The emails leads itself sends: each follow-up step, and the note to the team."""
    steps = list(FollowUpStep.objects.order_by("order", "pk")) or [
        FollowUpStep(subject="A sample follow-up", body="Staff write this text.")
    ]
    samples = []
    for step in steps:
        state = "" if step.is_active else " (switched off)"
        audience = ", ".join(step.segments) if step.segments else "everyone"
        samples.append(
            EmailSample(
                name="follow_up",
                label=f"Follow-up: {step.subject}{state}",
                description=f"Sent {step.delay_days} day(s) after confirming, to {audience}.",
                context=follow_up_context(step=step, lead=lead),  # as follow_up_render does
            )
        )
    samples.append(
        EmailSample(
            name="lead_notification",
            label="New-lead notification",
            description=f"To the recruiting team ({settings.RECRUITING_TEAM_EMAIL}), once a lead.",
            context={  # as lead_notify_team passes it
                "admin_url": settings.SITE_URL + reverse("admin:leads_lead_changelist"),
                "RECRUITING_TEAM_EMAIL": settings.RECRUITING_TEAM_EMAIL,
            },
            to_team=True,
        )
    )
    return samples


def email_samples(*, lead: Lead) -> list[EmailSample]:
    """Other apps' samples first (the result email matters most), then leads' own."""
    samples = []
    for provider in hooks.EMAIL_PREVIEW_SAMPLES.registered():
        samples.extend(provider(lead=lead))
    return samples + lead_email_samples(lead=lead)


def discovered_names() -> list[str]:
    """Names of every emails/NAME.subject.txt in the template folders."""
    folders = [Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", [])]
    folders += [Path(d) for d in get_app_template_dirs("templates")]
    return sorted(
        {
            path.name.removesuffix(".subject.txt")
            for folder in folders
            for path in (folder / "emails").glob("*.subject.txt")
        }
    )


def _missing_parts(name: str) -> list[str]:
    missing = []
    for part in PARTS:
        try:
            get_template(f"emails/{name}.{part}")
        except TemplateDoesNotExist:
            missing.append(f"templates/emails/{name}.{part}")
    return missing


def _render(sample: EmailSample, *, lead: Lead) -> Preview:
    preview = Preview(sample.name, sample.label, sample.description)
    missing = _missing_parts(sample.name)
    if missing:
        preview.problem = "Not written yet: " + ", ".join(missing) + "."
        return preview
    context = {"lead": lead, **sample.context}
    if not sample.to_team:  # the sample lead is never saved, so it has no signed link
        context.setdefault(
            "unsubscribe_url", settings.SITE_URL + reverse("leads:unsubscribe", args=["sample"])
        )
    try:
        rendered = email_render(template=sample.name, context=context, lead=lead)
    except Exception as exc:  # a broken template must show here, not break the page
        preview.problem = f"This template does not render: {type(exc).__name__}: {exc}"
        return preview
    preview.subject = rendered.subject
    preview.html_body = rendered.html_body
    preview.text_body = rendered.text_body
    return preview


def email_previews() -> list[Preview]:
    lead = sample_lead()
    samples = email_samples(lead=lead)
    previews = [_render(sample, lead=lead) for sample in samples]
    covered = {sample.name for sample in samples}
    for name in discovered_names():
        if name not in covered:
            previews.append(
                Preview(
                    name,
                    name.replace("_", " ").capitalize(),
                    "",
                    problem=f"No sample data: templates/emails/{name}.* exists, but no "
                    "function registered in leads.hooks.EMAIL_PREVIEW_SAMPLES supplies an "
                    "example for it.",
                )
            )
    return previews
