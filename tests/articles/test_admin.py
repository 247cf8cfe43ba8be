"""What staff do in the admin: write safely, preview, publish, and restore old versions."""

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def _form(article: Article | None = None, **overrides) -> dict:
    now = timezone.localtime()  # the admin shows and reads times in the firm's time zone
    data = {
        "title": "A title",
        "slug": "a-title",
        "standfirst": "A summary.",
        "body": "<p>Hello</p>",
        "status": "draft",
        "publish_at_0": now.strftime("%Y-%m-%d"),
        "publish_at_1": now.strftime("%H:%M:%S"),
    }
    if article:
        data |= {"title": article.title, "slug": article.slug, "standfirst": article.standfirst}
    return data | overrides


def test_admin_list_search_and_filters_work(admin_client):
    make_article(title="Findable solar article")
    make_article(title="Something else", status=Article.Status.DRAFT)
    listing = admin_client.get("/admin/articles/article/?q=findable")
    assert "Findable solar article" in listing.content.decode()
    assert "Something else" not in listing.content.decode()
    drafts = admin_client.get("/admin/articles/article/?status__exact=draft").content.decode()
    assert "Something else" in drafts and "Findable solar article" not in drafts


def test_pasted_script_and_event_handlers_are_stripped_on_save(admin_client):
    body = (
        '<p onclick="steal()">Hi</p><script>alert(1)</script>'
        '<p><a href="javascript:alert(1)">x</a><img src=x onerror=alert(1)></p>'
    )
    response = admin_client.post("/admin/articles/article/add/", _form(body=body))
    assert response.status_code == 302
    stored = Article.objects.get(slug="a-title").body
    for bad in ("script", "onclick", "javascript:", "onerror", "<img"):
        assert bad not in stored
    assert "Hi" in stored


def test_unsafe_html_written_outside_the_admin_is_never_served(client):
    article = make_article(
        body='<p>Safe</p><script>alert("x")</script><a href="javascript:x">l</a>'
    )
    html = client.get(f"/articles/{article.slug}/").content.decode()
    assert "Safe" in html
    assert 'alert("x")' not in html and "javascript:" not in html


def test_two_articles_cannot_share_a_slug(admin_client):
    make_article(slug="taken")
    response = admin_client.post("/admin/articles/article/add/", _form(slug="taken"))
    assert response.status_code == 200
    assert "Another article already uses this slug" in response.content.decode()
    assert Article.objects.filter(slug="taken").count() == 1


def test_add_page_fills_slug_from_title_and_has_view_on_site(admin_client):
    add = admin_client.get("/admin/articles/article/add/").content.decode()
    assert "prepopulated" in add
    article = make_article()
    change = admin_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "View on site" in change
    assert f"/articles/{article.slug}/preview/" in change


def test_staff_can_preview_a_draft_and_the_public_cannot(client, admin_client):
    draft = make_article(status=Article.Status.DRAFT, body="<p>Work in progress</p>")
    preview = admin_client.get(f"/articles/{draft.slug}/preview/")
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Work in progress" in html and "This is a draft" in html
    assert '<meta name="robots" content="noindex">' in html
    anonymous = client.get(f"/articles/{draft.slug}/preview/")
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    assert client.get(f"/articles/{draft.slug}/").status_code == 404


def test_publish_and_unpublish_actions(client, admin_client):
    draft = make_article(status=Article.Status.DRAFT)
    admin_client.post(
        "/admin/articles/article/",
        {"action": "publish_selected", "_selected_action": [draft.pk]},
    )
    assert client.get(f"/articles/{draft.slug}/").status_code == 200
    admin_client.post(
        "/admin/articles/article/",
        {"action": "unpublish_selected", "_selected_action": [draft.pk]},
    )
    assert client.get(f"/articles/{draft.slug}/").status_code == 404


def test_history_shows_versions_and_restores_an_earlier_one(client, admin_client):
    response = admin_client.post(
        "/admin/articles/article/add/", _form(body="<p>Version one</p>", status="published")
    )
    assert response.status_code == 302
    article = Article.objects.get(slug="a-title")
    admin_client.post(
        f"/admin/articles/article/{article.pk}/change/",
        _form(article, body="<p>Version two</p>", status="published"),
    )
    assert "Version two" in client.get("/articles/a-title/").content.decode()
    history = admin_client.get(f"/admin/articles/article/{article.pk}/history/")
    assert history.status_code == 200
    first = article.history.earliest()
    revert_url = f"/admin/articles/article/{article.pk}/history/{first.history_id}/"
    form = admin_client.get(revert_url)
    assert "Version one" in form.content.decode()
    restored = admin_client.post(
        revert_url, _form(article, body="<p>Version one</p>", status="published")
    )
    assert restored.status_code == 302
    assert "Version one" in client.get("/articles/a-title/").content.decode()
    assert article.history.count() == 3


def test_deleted_article_leaves_the_site_at_once(client, admin_client):
    article = make_article()
    assert client.get(f"/articles/{article.slug}/").status_code == 200  # now cached
    admin_client.post(
        "/admin/articles/article/",
        {"action": "delete_selected", "_selected_action": [article.pk], "post": "yes"},
    )
    assert not Article.objects.filter(pk=article.pk).exists()
    assert client.get(f"/articles/{article.slug}/").status_code == 404


def test_hero_image_uploaded_in_admin_is_shown_with_its_description(client, admin_client):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (11, 85, 99)).save(buffer, format="PNG")
    image = SimpleUploadedFile("panel.png", buffer.getvalue(), content_type="image/png")
    data = _form(status="published", hero_image_alt="Solar panels on a roof")
    response = admin_client.post("/admin/articles/article/add/", data | {"hero_image": image})
    assert response.status_code == 302
    article = Article.objects.get(slug="a-title")
    html = client.get("/articles/a-title/").content.decode()
    assert f'src="{article.hero_image.url}" alt="Solar panels on a roof"' in html
    served = client.get(article.hero_image.url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")


def test_a_file_that_is_not_an_image_is_refused_as_hero_image(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("x.png", b"<script>alert(1)</script>", content_type="image/png")
    response = admin_client.post("/admin/articles/article/add/", _form() | {"hero_image": fake})
    assert response.status_code == 200
    assert "Upload a valid image" in response.content.decode()
    assert not Article.objects.exists()
