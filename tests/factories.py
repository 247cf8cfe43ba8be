"""Small helpers that make test data with sensible defaults."""

import time
from datetime import UTC, datetime, timedelta
from itertools import count

from django.core import signing
from django.core.files.base import ContentFile
from django.utils import timezone
from fpdf import FPDF

from articles.models import Article
from assessment.models import Assessment, Question, ResultBand, Trait, Whitepaper
from assessment.services import question_scale_add

_sequence = count(1)


def make_article(**fields) -> Article:
    n = next(_sequence)
    defaults = {
        "title": f"Article {n}",
        "slug": f"article-{n}",
        "standfirst": f"Standfirst of article {n}.",
        "body": f"<p>Body of article {n}.</p>",
        "status": Article.Status.PUBLISHED,
        "publish_at": timezone.now() - timedelta(minutes=n),
    }
    return Article.objects.create(**(defaults | fields))


def make_assessment(**fields) -> Assessment:
    n = next(_sequence)
    defaults = {"title": f"Assessment {n}", "slug": f"assessment-{n}", "is_active": True}
    return Assessment.objects.create(**(defaults | fields))


def make_question(assessment: Assessment, **fields) -> Question:
    """A question with the standard five-point scale unless choices are made by hand."""
    n = next(_sequence)
    defaults = {"order": n, "text": f"Statement {n}", "trait": Trait.SKILLS_PLAN}
    question = Question.objects.create(assessment=assessment, **(defaults | fields))
    question_scale_add(question=question)
    return question


def make_quiz(*, questions: int = 4, **fields) -> Assessment:
    """An active assessment: half career items, half reverse-scored job items, three bands."""
    assessment = make_assessment(**fields)
    traits = list(Trait)
    for i in range(questions):
        trait = traits[i % len(traits)] if i % 2 == 0 else traits[4 + i % 4]
        make_question(
            assessment, order=i + 1, trait=trait, reverse_scored=not trait.is_career_focused
        )
    lowest, highest = questions, questions * 5
    third = (highest - lowest) // 3
    for low, high, title in [
        (lowest, lowest + third, "Job focused"),
        (lowest + third + 1, highest - third - 1, "Between the two"),
        (highest - third, highest, "Career focused"),
    ]:
        ResultBand.objects.create(
            assessment=assessment,
            min_score=low,
            max_score=high,
            title=title,
            summary=f"{title} summary.",
            advice=f"{title} advice.",
        )
    return assessment


def make_pdf_bytes(text: str = "Hello") -> bytes:
    """The same bytes for the same text: a creation date of its own would make two PDFs
    made a second apart differ."""
    pdf = FPDF()
    pdf.set_creation_date(datetime(2026, 1, 1, tzinfo=UTC))
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(text=text)
    return bytes(pdf.output())


def make_whitepaper(**fields) -> Whitepaper:
    n = next(_sequence)
    defaults = {"title": f"Whitepaper {n}", "slug": f"whitepaper-{n}"}
    whitepaper = Whitepaper(**(defaults | fields))
    if not whitepaper.file:
        whitepaper.file.save(f"whitepaper-{n}.pdf", ContentFile(make_pdf_bytes()), save=False)
    whitepaper.save()
    return whitepaper


class SignedDaysAgo(signing.TimestampSigner):
    """Signs as if it were `days` days ago: an old link, without touching the clock."""

    def __init__(self, *args, days: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.days = days

    def timestamp(self):
        return signing.b62_encode(int(time.time()) - self.days * 86400)
