"""A person's quiz data for a GDPR access request (registered in leads.hooks)."""

from leads.models import SOURCE_FIELDS, Lead

from .models import Submission

SUBMISSION_FIELDS = [
    "total_score",
    "lowest_score",
    "highest_score",
    "trait_scores",
    "strongest_trait",
    "weakest_trait",
    "band_title",
    "started_at",
    "finished_at",
    *SOURCE_FIELDS,
]
ANSWER_FIELDS = ["position", "question_text", "trait", "choice_label", "value", "points"]


def submissions_personal_data(*, lead: Lead) -> dict:
    """Every quiz the person took, with answers and whitepaper downloads: three queries."""
    submissions = Submission.objects.for_personal_data().filter(lead=lead)
    return {
        "assessment_submissions": [
            {
                "assessment": submission.assessment.title,
                **{name: getattr(submission, name) for name in SUBMISSION_FIELDS},
                "answers": [
                    {name: getattr(answer, name) for name in ANSWER_FIELDS}
                    for answer in submission.answers.all()
                ],
                "whitepaper_downloads": [d.downloaded_at for d in submission.downloads.all()],
                # The PDF itself holds nothing beyond the above and the first name.
                "personal_report_stored": bool(submission.report),
            }
            for submission in submissions
        ]
    }
