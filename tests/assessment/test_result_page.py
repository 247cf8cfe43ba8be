"""The result read at a glance: the band, the score, the download and the next step first;
a chart of the eight signs with a table; the strongest sign and two next steps; the rest
in disclosures. Wording is positive: no sign is "0% of the way" anywhere."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from assessment.advice import SIGN_NAMES, STRENGTHS, all_traits
from assessment.charts import WIDTH, sign_chart
from assessment.models import Sign, Trait
from tests.assessment.walk import DETAILS, answer_all, details_url, result_url
from tests.factories import make_article, make_quiz, make_whitepaper

pytestmark = pytest.mark.django_db


def test_every_sign_has_a_positive_name_and_a_strength_of_its_own():
    assert set(SIGN_NAMES) == set(STRENGTHS) == set(Trait.values)
    assert len(set(SIGN_NAMES.values())) == len(Trait.values)
    for text in STRENGTHS.values():
        assert text.startswith(("You", "A ", "Being")) and text.endswith(".")


@pytest.mark.parametrize(
    ("points", "level"),
    [(2, "Room to grow"), (5, "Room to grow"), (6, "Growing"), (8, "A strength")],
)
def test_levels_are_words_not_percentages(points, level):
    view = all_traits({"satisfied": {"points": points, "lowest": 2, "highest": 10}})[0]
    assert view.level == level
    assert view.name == "Makes satisfaction lead somewhere"


def test_the_chart_has_a_bar_per_sign_in_the_order_asked():
    scores = {
        "long_term_vision": {"points": 10, "lowest": 2, "highest": 10},
        "satisfied": {"points": 2, "lowest": 2, "highest": 10},
    }
    chart = sign_chart(traits=all_traits(scores))
    assert [b.name for b in chart.bars] == [
        "A long-term vision",
        "Makes satisfaction lead somewhere",
    ]
    assert chart.bars[0].width == WIDTH and 0 < chart.bars[1].width < 10  # a sliver, not nothing
    assert chart.bars[1].text_y > chart.bars[0].bar_y and chart.height >= chart.bars[1].bar_y


@pytest.fixture
def result_html(client, monkeypatch):
    monkeypatch.setattr("leads.services.email_dispatch", lambda **kwargs: True)
    article = make_article(title="Negotiating your first solar offer")
    quiz = make_quiz(questions=4, whitepaper=make_whitepaper())
    answer_all(client, quiz)
    assert client.post(details_url(quiz), DETAILS).status_code == 302
    return client.get(result_url(quiz)).content.decode(), article


def test_the_first_things_are_the_band_the_score_the_download_and_the_next_step(result_html):
    html, _ = result_html
    order = [
        html.index('class="result-headline"'),
        html.index('class="result-meter"'),
        html.index("Download &ldquo;"),
        html.index("Talk to a recruiter, confidentially"),
        html.index('id="signs-heading"'),
        html.index('id="strongest-heading"'),
        html.index('id="steps-heading"'),
        html.index("<details>"),
    ]
    assert order == sorted(order)
    # A known visitor asks for a call on a page of their own (calls app), not the contact page.
    next_step = re.search(r'<aside class="next-step".*?</aside>', html, re.S).group(0)
    assert 'href="/call/' in next_step and 'href="/contact/"' not in next_step


def test_the_chart_has_a_table_for_screen_readers_and_nothing_reads_as_a_put_down(result_html):
    html, _ = result_html
    svg = re.search(r"<svg .*?</svg>", html, re.S).group(0)
    assert 'aria-hidden="true"' in svg and svg.count('class="chart-bar"') == 4
    table = re.search(r'<div class="visually-hidden">\s*<table>.*?</table>', html, re.S).group(0)
    assert "<caption>" in table and table.count('<th scope="row">') == 4
    assert "of the way to career focused" not in html and "%" not in html


def test_the_rest_is_in_disclosures_that_need_no_script(result_html):
    html, _ = result_html
    assert html.count("<details>") >= 2 and "How the score works" in html
    assert "<script" not in html


def test_read_next_suggests_published_articles(result_html):
    html, article = result_html
    next_step = re.search(r'<aside class="next-step".*?</aside>', html, re.S).group(0)
    assert f'href="{article.get_absolute_url()}"' in next_step


def test_read_next_leads_with_the_article_staff_chose_for_the_weak_signs(client, monkeypatch):
    monkeypatch.setattr("leads.services.email_dispatch", lambda **kwargs: True)
    chosen = make_article(title="The plan that got me promoted")
    for trait in Trait.values:
        chosen.signs.add(Sign.objects.create(trait=trait, name=trait, strength="s", next_step="n"))
    Article.objects.filter(pk=chosen.pk).update(publish_at=timezone.now() - timedelta(days=60))
    newer = [make_article(title=f"Newer article {n}") for n in range(4)]
    quiz = make_quiz(questions=4, whitepaper=make_whitepaper())
    answer_all(client, quiz)
    assert client.post(details_url(quiz), DETAILS).status_code == 302
    html = client.get(result_url(quiz)).content.decode()
    reads = re.search(r'<ul class="read-next">(.*?)</ul>', html, re.S).group(1)
    links = re.findall(r'href="([^"]+)"', reads)
    assert links[0] == chosen.get_absolute_url()  # the newest alone would have left it out
    assert links[1:] == [a.get_absolute_url() for a in newer][:2]  # then the newest


def test_an_article_ends_with_the_next_step_and_does_not_suggest_itself(client):
    first = make_article(title="First")
    second = make_article(title="Second")
    html = client.get(second.get_absolute_url()).content.decode()
    next_step = re.search(r'<aside class="next-step".*?</aside>', html, re.S).group(0)
    assert "Talk to a recruiter, confidentially" in next_step
    assert f'href="{first.get_absolute_url()}"' in next_step
    assert f'href="{second.get_absolute_url()}"' not in next_step


def test_the_contact_page_shows_the_firms_details_from_settings(client, settings):
    settings.FIRM_PHONE = "+1 303 555 0100"
    settings.FIRM_CONTACT_EMAIL = "talk@solar.example"
    settings.FIRM_POSTAL_ADDRESS = "1 Sunny Way, Denver, CO 80202, USA"
    html = client.get("/contact/").content.decode()
    assert "<h1>Talk to a recruiter, confidentially</h1>" in html
    assert 'href="tel:+13035550100"' in html and 'href="mailto:talk@solar.example"' in html
    assert html.count("1 Sunny Way, Denver, CO 80202, USA") == 2  # the page and the footer


def test_the_band_wording_migration_changes_only_the_shipped_text():
    from importlib import import_module

    from django.apps import apps

    from assessment.models import ResultBand
    from tests.factories import make_assessment

    migration = import_module("assessment.migrations.0005_warmer_band_wording")
    assessment = make_assessment()
    (old, new) = migration.JOB_SUMMARY
    shipped = ResultBand.objects.create(
        assessment=assessment, min_score=0, max_score=1, title="a", summary=old, advice="x"
    )
    edited = ResultBand.objects.create(
        assessment=assessment, min_score=2, max_score=3, title="b", summary="Ours.", advice="y"
    )
    migration.forwards(apps, None)
    shipped.refresh_from_db()
    edited.refresh_from_db()
    assert (shipped.summary, edited.summary) == (new, "Ours.")
