"""Sample result and fresh-link emails for the staff preview page (registered in leads.hooks).

The context comes from the same functions the real emails use, so a preview shows what a
reader gets. The quiz, result band and whitepaper are the site's own when it has an active
assessment, so staff see their current copy; nothing here is saved.
"""

from django.conf import settings
from django.urls import reverse

from leads.models import Lead
from leads.previews import EmailSample

from .models import Assessment, ResultBand, Submission, Trait, Whitepaper
from .services import fresh_link_context, result_email_context

# A made-up reader's points per sign (after reverse scoring), each from 1 to 5: clear on
# where they are going, two signs to work on.
SAMPLE_POINTS = {
    Trait.LONG_TERM_VISION: 5,
    Trait.PATH_OUTLINE: 4,
    Trait.SKILLS_PLAN: 2,
    Trait.WILLING_TO_MOVE: 4,
    Trait.COMFORTABLE: 4,
    Trait.NEEDS_BIG_CHANGE: 4,
    Trait.SATISFIED: 2,
    Trait.FEARS_NEW_ROLE: 4,
}


def _sample_assessment() -> Assessment:
    assessment = (
        Assessment.objects.active()
        .filter(whitepaper__isnull=False)
        .select_related("whitepaper")
        .order_by("pk")
        .first()
    )
    return assessment or Assessment(
        title="Are you career focused or job focused?",
        slug="sample",
        whitepaper=Whitepaper(title="Don’t Blow It", slug="sample"),
    )


def _sample_band(assessment: Assessment, segment: str) -> ResultBand:
    bands = list(assessment.result_bands.all()) if assessment.pk else []
    chosen = next((b for b in bands if b.title == segment), bands[-1] if bands else None)
    return chosen or ResultBand(
        min_score=37,
        max_score=50,
        title="Career focused",
        summary="You know where you are going, what it takes to get there, and you are "
        "willing to move when it helps.",
        advice="Keep it that way.",
    )


def sample_submission(*, lead: Lead) -> Submission:
    """A scored submission as the result email sees one (never saved)."""
    assessment = _sample_assessment()
    band = _sample_band(assessment, lead.segment)
    lowest, highest = (
        assessment.score_range() if assessment.pk and assessment.questions.exists() else (10, 50)
    )
    return Submission(
        pk=0,  # the links it makes are signed for no real submission
        assessment=assessment,
        lead=lead,
        band=band,
        band_title=band.title,
        total_score=max(band.min_score, band.max_score - 4),
        lowest_score=lowest,
        highest_score=highest,
        trait_scores={
            trait.value: {"points": points, "lowest": 1, "highest": 5}
            for trait, points in SAMPLE_POINTS.items()
        },
        strongest_trait=Trait.LONG_TERM_VISION,
        weakest_trait=Trait.SKILLS_PLAN,
    )


def email_samples(*, lead: Lead) -> list[EmailSample]:
    submission = sample_submission(lead=lead)
    confirm_link = settings.SITE_URL + reverse("leads:confirm", args=["sample"])
    return [
        EmailSample(
            name="result",
            label="Result",
            description="Sent when someone finishes the quiz: their result, the signs to work "
            "on and the whitepaper link. The “Yes, send me the career emails” part is only "
            "there for people who ticked the follow-up box and haven't confirmed yet.",
            context=result_email_context(
                submission=submission, lead=lead, confirm_link=confirm_link
            ),
        ),
        EmailSample(
            name="fresh_link",
            label="Fresh download link",
            description="Sent when someone whose link expired asks for a new one (at most one "
            "an hour).",
            context=fresh_link_context(submission=submission, lead=lead),
        ),
    ]
