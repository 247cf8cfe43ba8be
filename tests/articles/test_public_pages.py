"""What a visitor sees: home, list, article, feeds, sitemap, robots, and error pages."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_assessment, make_quiz

pytestmark = pytest.mark.django_db


def test_home_lists_newest_published_articles_first(client):
    older = make_article(title="Older piece", publish_at=timezone.now() - timedelta(days=3))
    newer = make_article(title="Newer piece", publish_at=timezone.now() - timedelta(days=1))
    make_article(title="Secret draft", status=Article.Status.DRAFT)
    html = client.get("/").content.decode()
    assert html.index(newer.title) < html.index(older.title)
    assert "Secret draft" not in html


def test_article_page_shows_title_body_and_reading_time(client):
    article = make_article(title="Solar careers", body="<p>" + "word " * 700 + "</p>")
    response = client.get(f"/articles/{article.slug}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert "Solar careers" in html
    assert "4 min read" in html


def test_article_page_has_landmarks_and_skip_link(client):
    html = client.get(f"/articles/{make_article().slug}/").content.decode()
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert "<header" in html and "<footer" in html and '<nav aria-label="Main">' in html


@pytest.mark.parametrize("status_offset", ["draft", "scheduled"])
def test_drafts_and_scheduled_articles_are_not_public(client, status_offset):
    if status_offset == "draft":
        article = make_article(status=Article.Status.DRAFT)
    else:
        article = make_article(publish_at=timezone.now() + timedelta(hours=2))
    assert client.get(f"/articles/{article.slug}/").status_code == 404
    assert article.title not in client.get("/articles/").content.decode()
    assert article.title not in client.get("/articles/feed/").content.decode()
    assert article.slug not in client.get("/sitemap.xml").content.decode()


def test_scheduled_article_appears_by_itself_when_its_time_comes(client, monkeypatch):
    article = make_article(publish_at=timezone.now() + timedelta(hours=2))
    assert client.get(f"/articles/{article.slug}/").status_code == 404
    later = timezone.now() + timedelta(hours=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert client.get(f"/articles/{article.slug}/").status_code == 200


def test_article_list_paginates(client, settings):
    settings.ARTICLES_PER_PAGE = 2
    for _ in range(5):
        make_article()
    first = client.get("/articles/").content.decode()
    assert "Page 1 of 3" in first and 'rel="next"' in first
    third = client.get("/articles/?page=3").content.decode()
    assert "Page 3 of 3" in third


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=0",
        "page=-1",
        "page=99999",
        "page=" + "9" * 200,
        "page=%ff%fe",
        "page=1&page=x",
        "page[]=1",
        "page=1.5",
        "%zz=%zz",
        "page=%00",
    ],
)
def test_bad_page_numbers_and_malformed_queries_get_a_real_page(client, query):
    make_article()
    response = client.get(f"/articles/?{query}")
    assert response.status_code == 200
    assert "Career articles" in response.content.decode()


@pytest.mark.parametrize(
    "path", ["/articles/no-such-article/", "/articles/UPPER/", "/articles/%00/", "/nothing-here/"]
)
def test_unknown_addresses_get_the_friendly_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "We can’t find that page" in response.content.decode().replace("&rsquo;", "’")


def test_server_error_page_is_friendly_and_says_500(rf):
    from site_project.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_article_page_has_canonical_social_and_json_ld(client):
    article = make_article(title="Leadership <before> the title", meta_description="")
    html = client.get(f"/articles/{article.slug}/").content.decode()
    url = f"https://careers.example.com/articles/{article.slug}/"
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert 'name="twitter:card"' in html
    payload = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(payload.group(1))
    assert data["@type"] == "Article"
    assert data["headline"] == "Leadership <before> the title"
    assert data["description"] == article.standfirst
    assert "<before>" not in payload.group(1)  # escaped inside the script element


def test_call_to_action_links_to_the_promoted_assessment(client):
    assessment = make_assessment(title="Career or job?", estimated_minutes=4)
    article = make_article(promotes=assessment)
    html = client.get(f"/articles/{article.slug}/").content.decode()
    assert f'href="/articles/{article.slug}/assessment/" rel="nofollow"' in html
    assert "4-minute assessment" in html
    response = client.get(f"/articles/{article.slug}/assessment/")
    assert response.status_code == 302
    assert response["Location"] == f"/assessment/{assessment.slug}/"


def test_call_to_action_starts_the_quiz_unless_answers_are_underway(client):
    """One tap fewer: the article's button opens the first statement, not the intro. A
    browser that already has answers goes to the intro, which offers to continue."""
    quiz = make_quiz(questions=2)
    article = make_article(promotes=quiz)
    response = client.get(f"/articles/{article.slug}/assessment/")
    assert response.status_code == 302
    assert response["Location"] == f"/assessment/{quiz.slug}/q/1/"
    question = client.get(response["Location"])
    assert question.status_code == 200 and "Question 1 of 2" in question.content.decode()
    choice = quiz.questions.order_by("order").first().choices.first()
    client.post(f"/assessment/{quiz.slug}/q/1/", {"choice": choice.pk})
    again = client.get(f"/articles/{article.slug}/assessment/")
    assert again["Location"] == f"/assessment/{quiz.slug}/"
    assert "Continue where you left off" in client.get(again["Location"]).content.decode()


def test_call_to_action_remembers_the_article_and_its_campaign_as_first_touch(client):
    assessment = make_assessment()
    article = make_article(title="Career or job?", promotes=assessment)
    other = make_article(promotes=assessment)
    read = f"https://testserver/articles/{article.slug}/?utm_source=linkedin&utm_campaign=q4&x=1"
    client.get(f"/articles/{article.slug}/assessment/", HTTP_REFERER=read)
    client.get(f"/articles/{other.slug}/assessment/?utm_source=later")  # first touch wins
    source = client.session["assessment:source"]
    assert source["landing_path"] == f"/articles/{article.slug}/"
    assert source["landing_title"] == "Career or job?"
    assert source["utm_source"] == "linkedin" and source["utm_campaign"] == "q4"
    assert "x" not in source


def test_call_to_action_without_an_active_quiz_goes_back_to_the_article(client):
    article = make_article(promotes=make_assessment(is_active=False))
    response = client.get(f"/articles/{article.slug}/assessment/")
    assert response.status_code == 302 and response["Location"] == f"/articles/{article.slug}/"
    assert "assessment:source" not in client.session


def test_inactive_assessment_is_not_promoted(client):
    article = make_article(promotes=make_assessment(is_active=False))
    assert "Start the assessment" not in client.get(f"/articles/{article.slug}/").content.decode()


def test_feeds_list_published_articles(client):
    article = make_article(title="Feed me")
    rss = client.get("/articles/feed/")
    atom = client.get("/articles/feed/atom/")
    assert rss.status_code == 200 and "Feed me" in rss.content.decode()
    assert "application/rss+xml" in rss["Content-Type"]
    assert atom.status_code == 200 and "application/atom+xml" in atom["Content-Type"]
    assert article.slug in atom.content.decode()


def test_sitemap_and_robots(client, django_assert_max_num_queries):
    article = make_article()
    quiz = make_quiz(questions=2)
    hidden = make_quiz(questions=2, is_active=False)
    with django_assert_max_num_queries(6):  # a count and a list for each of 3 sections
        sitemap = client.get("/sitemap.xml").content.decode()
    assert f"/articles/{article.slug}/" in sitemap
    assert f"/assessment/{quiz.slug}/</loc>" in sitemap
    # Each band's share page, never a result page or an inactive quiz's pages.
    for band in quiz.result_bands.all():
        assert f"/assessment/{quiz.slug}/share/{band.pk}/</loc>" in sitemap
    assert sitemap.count("/share/") == 3 and "/result/" not in sitemap
    assert hidden.slug not in sitemap
    robots = client.get("/robots.txt")
    assert robots["Content-Type"].startswith("text/plain")
    assert "Sitemap: https://careers.example.com/sitemap.xml" in robots.content.decode()
    assert "Disallow: /admin/" in robots.content.decode()


def test_theme_css_uses_firm_colours_and_rejects_bad_values(client, settings):
    from site_project import views

    settings.FIRM_COLOR_PRIMARY = "red;}</style><script>"
    settings.FIRM_COLOR_ACCENT = "#123456"
    views.theme_css.cache_clear()
    try:
        css = client.get("/theme.css").content.decode()
    finally:
        views.theme_css.cache_clear()
    assert "--brand:#0b5563" in css
    assert "--brand-accent:#123456" in css
    assert "script" not in css


@pytest.mark.parametrize(
    "path", ["/media/../manage.py", "/media/%2e%2e/manage.py", "/media/", "/media/nothing.png"]
)
def test_media_urls_never_reach_outside_the_media_folder(client, path):
    response = client.get(path)
    assert response.status_code in {400, 404}  # traversal is refused as a bad request
    assert b"DJANGO_SETTINGS_MODULE" not in response.content
    if response.status_code == 400:
        assert "We couldn’t read that request" in response.content.decode().replace("&rsquo;", "’")


def test_form_posted_without_csrf_token_gets_a_friendly_403():
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Please try that again" in response.content.decode()


def test_privacy_notice_is_linked_from_every_page(client):
    home = client.get("/").content.decode()
    assert 'href="/privacy/"' in home
    notice = client.get("/privacy/")
    assert notice.status_code == 200
    assert "Your rights" in notice.content.decode()


def test_favicon_is_served_by_the_site(client):
    html = client.get("/").content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in html
    assert '<link rel="canonical" href="https://careers.example.com/">' in html
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.svg"
