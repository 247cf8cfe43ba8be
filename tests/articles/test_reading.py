"""The report's reading for each weak sign: an article about that sign when there is one,
else the article that explains all eight signs, and never a draft."""

import pytest

from articles.models import Article
from articles.reading import report_reading
from assessment.hooks import REPORT_READING, reading_for
from assessment.models import Trait
from tests.factories import make_article, make_assessment

pytestmark = pytest.mark.django_db


def test_each_sign_gets_an_article_about_it_or_the_one_that_explains_the_signs():
    quiz = make_assessment()
    explainer = make_article(title="Are you Career or Job Focused?", promotes=quiz)
    skills = make_article(title="Five skills that get solar engineers promoted")
    make_article(title="Relocating for a role", status=Article.Status.DRAFT)
    chosen = report_reading(signs=[Trait.SKILLS_PLAN, Trait.WILLING_TO_MOVE])
    assert chosen[Trait.SKILLS_PLAN].title == skills.title
    assert chosen[Trait.SKILLS_PLAN].url == (f"https://careers.example.com/articles/{skills.slug}/")
    assert chosen[Trait.WILLING_TO_MOVE].title == explainer.title  # the draft isn't offered


def test_no_articles_means_no_links():
    assert report_reading(signs=[Trait.SKILLS_PLAN]) == {}


def test_the_articles_app_registers_it():
    make_article(title="Leadership before the title")
    assert reading_for([Trait.SKILLS_PLAN])[Trait.SKILLS_PLAN].title == (
        "Leadership before the title"
    )
    with REPORT_READING.replaced([]):
        assert reading_for([Trait.SKILLS_PLAN]) == {}
