"""The reading for each weak sign (the report's plan, the result page's "Read next"): the
article staff tied to that sign, else one whose words are about it, else the article that
explains all eight signs, and never a draft."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from articles.reading import read_next_for_signs, report_reading
from assessment.hooks import REPORT_READING, reading_for
from assessment.models import Sign, Trait
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


def _sign(trait: str) -> Sign:
    return Sign.objects.create(trait=trait, name=trait, strength="s", next_step="n")


def test_staff_choice_of_an_article_for_a_sign_beats_the_words():
    worded = make_article(title="Five skills that get solar engineers promoted")
    chosen_by_staff = make_article(title="What the best installers learn in year two")
    chosen_by_staff.signs.add(_sign(Trait.SKILLS_PLAN))
    older = timezone.now() - timedelta(days=30)
    Article.objects.filter(pk=chosen_by_staff.pk).update(publish_at=older)  # not the newest
    picked = report_reading(signs=[Trait.SKILLS_PLAN])
    assert picked[Trait.SKILLS_PLAN].title == chosen_by_staff.title
    assert worded.title != chosen_by_staff.title


def test_read_next_gives_a_different_article_for_each_weak_sign_then_the_newest(
    django_assert_num_queries,
):
    came_from = make_article(title="Are you Career or Job Focused?")
    move = make_article(title="Moving states for a solar role")
    move.signs.add(_sign(Trait.WILLING_TO_MOVE), _sign(Trait.LONG_TERM_VISION))
    skills = make_article(title="Five skills that get solar engineers promoted")
    other = make_article(title="What a recruiter does for you")
    with django_assert_num_queries(2):
        picked = read_next_for_signs(
            signs=[Trait.WILLING_TO_MOVE, Trait.LONG_TERM_VISION, Trait.SKILLS_PLAN],
            exclude=came_from.get_absolute_url(),
        )
    # Moving serves the first sign; the second it also helps with gets no repeat (nothing
    # else fits it, so it gives way); skills serves the third.
    assert picked[:2] == [move, skills]
    assert picked[2] == other and came_from not in picked  # the newest left


def test_the_admin_offers_the_signs_as_boxes(admin_client):
    _sign(Trait.SKILLS_PLAN)
    article = make_article(title="Training that pays")
    form = admin_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert 'type="checkbox" name="signs"' in form
    assert "Suggested to quiz-takers" in form
