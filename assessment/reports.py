"""What the personal report says about one submission: read from the row, the advice and
the settings, then laid out by report_pdf. No writes here (services.report_ensure stores it).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from .advice import all_traits, strongest_traits, weak_traits
from .hooks import reading_for
from .models import Submission
from .report_pdf import Firm, PlanStep, ReportContent, Sign, hex_rgb

REPORT_FILENAME = "career-focus-report.pdf"


def report_content(submission: Submission) -> ReportContent:
    scores = submission.trait_scores
    weak = weak_traits(scores, submission.weakest_trait)
    reading = reading_for([trait.trait for trait in weak])
    strongest = strongest_traits(scores, submission.strongest_trait)
    band = submission.band
    return ReportContent(
        first_name=submission.lead.first_name,
        taken_on=date_format(timezone.localtime(submission.finished_at), "F j, Y"),
        quiz_title=submission.assessment.title,
        band_title=submission.band_title,
        band_summary=band.summary if band else "",
        score_line=(
            f"You scored {submission.total_score} out of {submission.highest_score} (the "
            f"lowest possible is {submission.lowest_score}): higher means more career focused."
        ),
        percent=submission.percent,
        signs=[Sign(name=t.name, level=t.level, percent=t.percent) for t in all_traits(scores)],
        strongest_name=strongest[0].name if strongest else "",
        strongest_text=strongest[0].strength if strongest else "",
        plan=[
            PlanStep(
                name=t.name,
                level=t.level,
                step=t.next_step,
                read_title=reading[t.trait].title if t.trait in reading else "",
                read_url=reading[t.trait].url if t.trait in reading else "",
            )
            for t in weak
        ],
        firm=Firm(
            name=settings.FIRM_NAME,
            email=settings.FIRM_CONTACT_EMAIL,
            phone=settings.FIRM_PHONE,
            hours=settings.FIRM_OFFICE_HOURS,
            address=settings.FIRM_POSTAL_ADDRESS,
            contact_url=settings.SITE_URL + reverse("contact"),
        ),
        primary=hex_rgb(settings.FIRM_COLOR_PRIMARY, ReportContent.primary),
        accent=hex_rgb(settings.FIRM_COLOR_ACCENT, ReportContent.accent),
    )
