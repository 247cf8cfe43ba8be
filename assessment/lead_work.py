"""What the quiz tells recruiters about a lead: timeline entries and score parts.

Registered in leads.hooks from AppConfig.ready(), so leads shows them without importing
the quiz. Each function runs a fixed number of queries however many submissions there are.
"""

from django.db.models import Count

from leads.models import Lead
from leads.scoring import ScorePart
from leads.timeline import Entry

from .models import Submission

# Fit from the latest result: where its score sits in the possible range, up to this.
RESULT_POINTS = 40
FIRST_DOWNLOAD_POINTS = 10
MORE_DOWNLOADS_POINTS = 5


def timeline_entries(*, lead: Lead) -> list[Entry]:
    submissions = (
        Submission.objects.filter(lead=lead)
        .select_related("assessment")
        .prefetch_related("downloads")
    )
    entries = []
    for submission in submissions:
        result = submission.band_title or "no result band"
        entries.append(
            Entry(
                submission.finished_at,
                "Quiz",
                f"Quiz result: {result}",
                f"{submission.assessment}: {submission.total_score} points "
                f"({submission.percent}% of the range)",
            )
        )
        entries.extend(
            Entry(
                download.downloaded_at,
                "Download",
                f"Downloaded the whitepaper of “{submission.assessment}”",
            )
            for download in submission.downloads.all()
        )
    return entries


def score_parts(*, lead: Lead) -> list[ScorePart]:
    latest = (
        Submission.objects.filter(lead=lead)
        .annotate(download_count=Count("downloads"))
        .order_by("-finished_at", "-pk")
    )
    rows = list(latest)
    parts = []
    if rows:
        points = round(RESULT_POINTS * rows[0].percent / 100)
        parts.append(ScorePart(points, "fit", f"latest result “{rows[0].band_title}”"))
    downloads = sum(row.download_count for row in rows)
    if downloads:
        points = FIRST_DOWNLOAD_POINTS + (MORE_DOWNLOADS_POINTS if downloads > 1 else 0)
        parts.append(ScorePart(points, "engagement", f"{downloads} download(s)"))
    return parts
