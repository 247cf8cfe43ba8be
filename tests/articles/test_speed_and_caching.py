"""The article page is cheap: few queries, a shared cache, and 304s for repeat visits."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from articles.models import Article
from articles.services import article_page_cache_key
from tests.factories import make_article, make_assessment

pytestmark = pytest.mark.django_db


def test_article_page_runs_at_most_three_queries(client, django_assert_max_num_queries):
    article = make_article(promotes=make_assessment())
    cache.clear()
    with django_assert_max_num_queries(3):
        response = client.get(f"/articles/{article.slug}/")
    assert response.status_code == 200


def test_cached_article_page_only_counts_the_view(client, django_assert_num_queries):
    article = make_article()
    client.get(f"/articles/{article.slug}/")
    with django_assert_num_queries(1) as captured:  # the page view's INSERT, nothing read
        response = client.get(f"/articles/{article.slug}/")
    assert article.title in response.content.decode()
    assert captured.captured_queries[0]["sql"].upper().startswith("INSERT")


def test_anonymous_page_is_cached_until_saved_in_admin(client, admin_client):
    article = make_article(title="First title", body="<p>First body</p>")
    assert "First body" in client.get(f"/articles/{article.slug}/").content.decode()
    # A change that bypasses the admin is not seen: the page comes from the cache.
    Article.objects.filter(pk=article.pk).update(body="<p>Sneaky body</p>")
    assert "First body" in client.get(f"/articles/{article.slug}/").content.decode()
    # Saving in the admin clears the cache for that article.
    response = admin_client.post(
        f"/admin/articles/article/{article.pk}/change/",
        {
            "title": "First title",
            "slug": article.slug,
            "standfirst": article.standfirst,
            "body": "<p>Edited in the admin</p>",
            "status": "published",
            # The admin shows and reads times in the firm's time zone.
            "publish_at_0": timezone.localtime(article.publish_at).strftime("%Y-%m-%d"),
            "publish_at_1": timezone.localtime(article.publish_at).strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    html = client.get(f"/articles/{article.slug}/").content.decode()
    assert "Edited in the admin" in html


def test_staff_never_get_or_fill_the_public_cache(admin_client):
    article = make_article(body="<p>Public body</p>")
    admin_client.get(f"/articles/{article.slug}/")
    assert cache.get(article_page_cache_key(article.slug)) is None


def test_conditional_get_answers_304(client):
    article = make_article()
    first = client.get(f"/articles/{article.slug}/")
    assert first.has_header("ETag") and first.has_header("Last-Modified")
    again = client.get(f"/articles/{article.slug}/", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    since = client.get(
        f"/articles/{article.slug}/", headers={"if-modified-since": first["Last-Modified"]}
    )
    assert since.status_code == 304


def test_changed_article_gets_a_fresh_etag(client):
    article = make_article(body="<p>One</p>")
    first = client.get(f"/articles/{article.slug}/")
    article.body = "<p>Two</p>"
    article.save()
    cache.clear()
    second = client.get(f"/articles/{article.slug}/", headers={"if-none-match": first["ETag"]})
    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]


@pytest.mark.integration  # a Redis that is deliberately not there
def test_page_still_served_when_the_cache_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2},
        }
    }
    article = make_article()
    assert client.get(f"/articles/{article.slug}/").status_code == 200


def test_the_body_is_cleaned_once_when_saved_not_at_every_render():
    article = make_article(body='<p onclick="x()">Hi</p><script>alert(1)</script>')
    article.refresh_from_db()
    assert "script" not in article.body and "onclick" not in article.body
    assert "Hi" in article.body


def test_the_migration_cleans_bodies_stored_before_save_did():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("articles.migrations.0002_clean_stored_bodies")
    article = make_article()
    Article.objects.filter(pk=article.pk).update(body="<p>Old</p><script>alert(1)</script>")
    migration.clean_bodies(apps, None)
    article.refresh_from_db()
    assert article.body == "<p>Old</p>"
