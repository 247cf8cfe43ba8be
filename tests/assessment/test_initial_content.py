"""The quiz, its bands and the whitepaper load once, and reloading never clobbers staff edits."""

import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from articles.models import Article
from assessment.initial_content import ASSESSMENT_SLUG, WHITEPAPER_SLUG
from assessment.models import Assessment, Choice, Question, ResultBand, Trait, Whitepaper
from tests.factories import make_article, make_assessment

pytestmark = pytest.mark.django_db
ARTICLE_SLUG = "are-you-career-or-job-focused"


def _load():
    call_command("load_initial_content", stdout=io.StringIO())


def test_quiz_has_eight_to_ten_questions_on_the_agreement_scale_covering_every_trait():
    _load()
    quiz = Assessment.objects.get(slug=ASSESSMENT_SLUG)
    questions = list(quiz.questions.prefetch_related("choices"))
    assert 8 <= len(questions) <= 10
    assert {q.trait for q in questions} == set(Trait)
    for q in questions:
        assert [c.value for c in q.choices.all()] == [1, 2, 3, 4, 5]
        assert q.choices.first().label == "Strongly disagree"
        assert q.reverse_scored == (not Trait(q.trait).is_career_focused)
    assert quiz.is_active and quiz.estimated_minutes == 4
    assert quiz.title == "Are you career focused or job focused?"


def test_bands_cover_the_whole_range_once_with_advice_from_the_article():
    _load()
    quiz = Assessment.objects.get(slug=ASSESSMENT_SLUG)
    assert quiz.band_problems() == []
    assert quiz.score_range() == (10, 50)
    titles = [b.title for b in quiz.result_bands.all()]
    assert titles == ["Job focused", "Between the two", "Career focused"]
    advice = " ".join(b.advice for b in quiz.result_bands.all())
    assert "mentor" in advice and "project team" in advice


def test_whitepaper_is_a_readable_pdf_in_private_storage_linked_to_the_quiz(settings):
    _load()
    paper = Whitepaper.objects.get(slug=WHITEPAPER_SLUG)
    assert Assessment.objects.get(slug=ASSESSMENT_SLUG).whitepaper == paper
    path = settings.PRIVATE_MEDIA_ROOT / paper.file.name
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert not (settings.MEDIA_ROOT / paper.file.name).exists()
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 3
    text = " ".join(page.extract_text() for page in reader.pages)
    for theme in ("Career focused or job focused", "leadership", "skills", "move", "comfortable"):
        assert theme in text
    assert reader.metadata.title == "Don't Blow It"


def test_seed_article_promotes_the_quiz():
    _load()
    article = Article.objects.get(slug=ARTICLE_SLUG)
    assert article.promotes.slug == ASSESSMENT_SLUG


def test_an_existing_seed_article_with_nothing_promoted_gets_the_quiz(client):
    make_article(slug=ARTICLE_SLUG, promotes=None)
    client.get(f"/articles/{ARTICLE_SLUG}/")  # now in the page cache, without a call to action
    _load()
    assert Article.objects.get(slug=ARTICLE_SLUG).promotes.slug == ASSESSMENT_SLUG
    html = client.get(f"/articles/{ARTICLE_SLUG}/").content.decode()
    assert f'href="/articles/{ARTICLE_SLUG}/assessment/"' in html
    assert "4-minute assessment" in html
    start = client.get(f"/articles/{ARTICLE_SLUG}/assessment/")
    assert start.status_code == 302 and start["Location"] == f"/assessment/{ASSESSMENT_SLUG}/q/1/"


def test_staff_choice_of_promoted_assessment_is_kept():
    other = make_assessment(title="Staff pick")
    make_article(slug=ARTICLE_SLUG, promotes=other)
    _load()
    assert Article.objects.get(slug=ARTICLE_SLUG).promotes == other


def test_running_again_adds_nothing_and_keeps_staff_edits(settings):
    _load()
    quiz = Assessment.objects.get(slug=ASSESSMENT_SLUG)
    first = quiz.questions.first()
    first.text = "Staff rewrote this"
    first.save()
    quiz.questions.last().delete()
    ResultBand.objects.filter(assessment=quiz).update(advice="Staff advice")
    Assessment.objects.filter(pk=quiz.pk).update(title="Staff title", whitepaper=None)
    files_before = sorted(p.name for p in settings.PRIVATE_MEDIA_ROOT.rglob("*"))

    _load()

    assert Assessment.objects.count() == Whitepaper.objects.count() == 1
    quiz.refresh_from_db()
    assert quiz.title == "Staff title" and quiz.whitepaper is None
    assert Question.objects.count() == 9
    assert Question.objects.get(pk=first.pk).text == "Staff rewrote this"
    assert Choice.objects.count() == 45
    assert set(ResultBand.objects.values_list("advice", flat=True)) == {"Staff advice"}
    assert sorted(p.name for p in settings.PRIVATE_MEDIA_ROOT.rglob("*")) == files_before
    assert Article.objects.filter(slug=ARTICLE_SLUG).count() == 1
