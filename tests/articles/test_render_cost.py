"""A rendered article page (page cache off, or a visitor with a session) reads no article rows
once they are kept, and every edit still shows on the next render (issue #15, goal 2)."""

import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.urls import set_script_prefix
from django.utils import timezone

from articles.models import Article, Author
from tests.factories import make_article, make_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _every_view_renders(settings):
    settings.PAGE_CACHE_SECONDS = 0


def _form(article: Article, **overrides) -> dict:
    publish_at = timezone.localtime(article.publish_at)  # the admin reads the firm's zone
    return {
        "title": article.title,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "body": article.body,
        "status": article.status,
        "publish_at_0": publish_at.strftime("%Y-%m-%d"),
        "publish_at_1": publish_at.strftime("%H:%M:%S"),
        "author": article.author_id or "",
        "promotes": article.promotes_id or "",
    } | overrides


def _read_next(html: str) -> list[str]:
    if '<ul class="read-next">' not in html:
        return []
    block = html.split('<ul class="read-next">', 1)[1].split("</ul>", 1)[0]
    return [line.split('">', 1)[1].split("</a>", 1)[0] for line in block.split("<li>")[1:]]


def test_a_rendered_article_reads_its_rows_once_then_only_counts_the_view(
    client, django_assert_num_queries
):
    article = make_article(
        promotes=make_assessment(), author=Author.objects.create(name="Dana Berg")
    )
    make_article(title="Another one")
    with django_assert_num_queries(3) as cold:  # the article, read next, the view's INSERT
        first = client.get(article.get_absolute_url())
    assert "FROM" in cold.captured_queries[0]["sql"]
    with django_assert_num_queries(1) as warm:  # the view's INSERT, nothing read
        again = client.get(article.get_absolute_url())
    assert warm.captured_queries[0]["sql"].upper().startswith("INSERT")
    assert again.content == first.content
    assert "Dana Berg" in again.content.decode() and "Another one" in again.content.decode()


def test_a_quiz_taker_with_a_session_gets_the_kept_rows_too(client, django_assert_num_queries):
    """Visitors with a session skip the page cache; the kept rows still spare the reads."""
    article = make_article()
    client.get(article.get_absolute_url())
    client.cookies["sessionid"] = "not-a-real-session"
    with django_assert_num_queries(2):  # the session lookup, the view's INSERT
        assert client.get(article.get_absolute_url()).status_code == 200


def test_home_and_the_article_list_have_fixed_query_counts(client, django_assert_num_queries):
    for _ in range(3):
        make_article()
    make_assessment()
    client.get("/")  # keeps the trust blocks
    with django_assert_num_queries(2):  # the newest articles, the featured quiz
        assert client.get("/").status_code == 200
    with django_assert_num_queries(2):  # how many articles, this page of them
        assert client.get("/articles/").status_code == 200
    for _ in range(12):
        make_article()
    with django_assert_num_queries(2):  # the same with a second page
        assert client.get("/articles/?page=2").status_code == 200


def test_an_edit_in_the_admin_shows_on_the_next_render(client, admin_client):
    article = make_article(title="First title", body="<p>First body</p>")
    assert "First body" in client.get(article.get_absolute_url()).content.decode()
    response = admin_client.post(
        f"/admin/articles/article/{article.pk}/change/",
        _form(article, title="Second title", body="<p>Edited in the admin</p><script>x()</script>"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Edited in the admin" in html and "Second title" in html
    assert "First body" not in html and "<script>x()" not in html


def test_an_authors_edit_in_the_admin_shows_on_their_articles(client, admin_client):
    author = Author.objects.create(name="Sam Lee", role="Recruiter")
    article = make_article(author=author)
    assert "Sam Lee" in client.get(article.get_absolute_url()).content.decode()
    response = admin_client.post(
        f"/admin/articles/author/{author.pk}/change/",
        {"name": "Sam Lee-Park", "role": "Lead recruiter", "photo_alt": ""},
    )
    assert response.status_code == 302
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Sam Lee-Park" in html and "Lead recruiter" in html


def test_a_quiz_switched_off_loses_its_call_to_action_at_once(client):
    assessment = make_assessment(title="Career or job?")
    article = make_article(promotes=assessment)
    assert "cta-block" in client.get(article.get_absolute_url()).content.decode()
    assessment.is_active = False
    assessment.save()  # the quiz's admin, or a script: any save
    assert "cta-block" not in client.get(article.get_absolute_url()).content.decode()


def test_publishing_unpublishing_and_deleting_change_read_next_at_once(client, admin_client):
    reading = make_article(title="Being read")
    draft = make_article(title="Brand new", status=Article.Status.DRAFT)
    assert _read_next(client.get(reading.get_absolute_url()).content.decode()) == []
    admin_client.post(
        "/admin/articles/article/", {"action": "publish_selected", "_selected_action": [draft.pk]}
    )
    assert _read_next(client.get(reading.get_absolute_url()).content.decode()) == ["Brand new"]
    assert client.get(draft.get_absolute_url()).status_code == 200
    admin_client.post(
        "/admin/articles/article/",
        {"action": "unpublish_selected", "_selected_action": [draft.pk]},
    )
    assert _read_next(client.get(reading.get_absolute_url()).content.decode()) == []
    assert client.get(draft.get_absolute_url()).status_code == 404
    other = make_article(title="Short-lived")
    assert "Short-lived" in client.get(reading.get_absolute_url()).content.decode()
    admin_client.post(
        "/admin/articles/article/",
        {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"},
    )
    assert client.get(other.get_absolute_url()).status_code == 404
    assert _read_next(client.get(reading.get_absolute_url()).content.decode()) == []


def test_a_scheduled_article_joins_read_next_when_it_goes_live(client, monkeypatch):
    reading = make_article(title="Being read")
    start = timezone.now()
    make_article(title="Scheduled", publish_at=start + timedelta(minutes=5))
    assert _read_next(client.get(reading.get_absolute_url()).content.decode()) == []
    # Six minutes later, with no edit in between (the cache's clock moves too).
    real_time = time.time
    monkeypatch.setattr(timezone, "now", lambda: start + timedelta(minutes=6))
    monkeypatch.setattr(time, "time", lambda: real_time() + 6 * 60)
    assert _read_next(client.get(reading.get_absolute_url()).content.decode()) == ["Scheduled"]


def test_nothing_personal_is_kept_and_staff_see_the_same_article(client, admin_client):
    article = make_article(body="<p>Public body</p>")
    staff_html = admin_client.get(article.get_absolute_url()).content.decode()
    public_html = client.get(article.get_absolute_url()).content.decode()
    assert "Public body" in staff_html and "Public body" in public_html
    name = User.objects.get().username
    assert name not in public_html


def test_a_missing_or_draft_article_is_a_404_every_time(client):
    draft = make_article(status=Article.Status.DRAFT)
    for _ in range(2):
        assert client.get(draft.get_absolute_url()).status_code == 404
        assert client.get("/articles/no-such-article/").status_code == 404


def test_the_kept_body_is_the_cleaned_one(client):
    article = make_article(body='<p onclick="steal()">Hi</p><script>alert(1)</script>')
    for _ in range(2):  # read from the database, then from the cache
        html = client.get(article.get_absolute_url()).content.decode()
        assert "<p>Hi</p>" in html
        assert "alert(1)" not in html and "steal()" not in html


def test_the_fixed_links_follow_the_sites_prefix(client):
    """Addresses reversed once are reversed again for a site served under a prefix (which
    the WSGI handler sets per request from SCRIPT_NAME; the test client does not)."""
    article = make_article()
    path = article.get_absolute_url()
    plain = client.get(path).content.decode()
    set_script_prefix("/careers/")
    try:
        prefixed = client.get(path).content.decode()
    finally:
        set_script_prefix("/")
    assert 'href="/articles/"' in plain and 'href="/privacy/"' in plain
    assert 'href="/careers/articles/"' in prefixed and 'href="/careers/privacy/"' in prefixed
    assert f"https://careers.example.com/careers/articles/{article.slug}/" in prefixed


def test_the_static_links_follow_a_changed_static_url(client, settings):
    article = make_article()
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'href="/static/css/site.css"' in html and 'src="/static/img/logo.svg"' in html
    settings.STATIC_URL = "https://cdn.example.com/site/"
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'href="https://cdn.example.com/site/css/site.css"' in html
    assert 'href="https://cdn.example.com/site/favicon.svg"' in html
    assert 'src="https://cdn.example.com/site/img/logo.svg"' in html


def test_the_rendered_parts_are_kept_for_the_public_and_never_used_by_a_preview(admin_client):
    """The article's head tags and block are kept between edits; a staff preview renders
    them afresh every time, so it shows the row as it is now."""
    from django.test import Client

    article = make_article(body="<p>First words</p>")
    public = Client()
    assert "First words" in public.get(article.get_absolute_url()).content.decode()
    # Around save(): nothing bumps the generation (docs: shows within ten minutes).
    Article.objects.filter(pk=article.pk).update(body="<p>Second words</p>")
    assert "First words" in public.get(article.get_absolute_url()).content.decode()
    preview = admin_client.get(article.get_preview_url()).content.decode()
    assert "Second words" in preview and 'content="noindex"' in preview
    # An edit through save() shows on the public page at once.
    article.refresh_from_db()
    article.save()
    assert "Second words" in public.get(article.get_absolute_url()).content.decode()


@pytest.mark.integration  # tries a port where nothing answers
def test_an_edit_while_the_cache_is_away_is_one_warning_not_a_traceback_a_save(monkeypatch, caplog):
    """`make run` loads the content before Redis starts: each save bumps the generation."""
    from django_redis.cache import RedisCache

    from articles import content_cache

    away = RedisCache(  # the discard port: nothing answers
        "redis://127.0.0.1:9/0",
        {"OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2}},
    )
    monkeypatch.setattr(content_cache, "cache", away)
    monkeypatch.setattr(content_cache, "_unreachable_told", False)
    with caplog.at_level("WARNING"):
        for _ in range(3):
            content_cache._bump()
    problems = [r for r in caplog.records if r.levelname in ("WARNING", "ERROR")]
    assert [r.name for r in problems] == ["articles.content_cache"]
    assert problems[0].exc_info is None and "did not answer" in problems[0].getMessage()
