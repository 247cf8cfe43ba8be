"""Trust and brand that staff edit: the logo, article authors, testimonials and placement
figures (issue #12, part 6). What a visitor sees, and that staff edits show at once."""

import importlib
import json
import re
from io import BytesIO, StringIO

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image

from articles.initial_content import SEED_AUTHOR_NAME
from articles.models import Article, Author, PlacementFigure
from articles.models import Testimonial as Quote  # pytest would collect a Test* name
from site_project.context_processors import logo_url
from tests.assessment.walk import DETAILS, answer_all, details_url, result_url
from tests.factories import make_article, make_quiz, make_whitepaper

pytestmark = pytest.mark.django_db


def png(name: str = "face.png") -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (8, 8), "#0b5563").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def json_ld(html: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found, "no structured data"
    return json.loads(found.group(1))


# The logo


def test_every_page_has_the_logo_in_a_home_link_named_after_the_firm(client, settings):
    for path in ("/", "/articles/", "/contact/", "/no-such-page/"):
        html = client.get(path).content.decode()
        link = re.search(r'<a class="site-brand" href="/">(.*?)</a>', html, re.S)
        assert link, path
        assert re.search(
            rf'<img class="site-logo" src="/static/img/logo.svg" alt="{settings.FIRM_NAME}"',
            link.group(1),
        )


def test_the_logo_setting_takes_a_static_path_or_a_url(client, settings):
    assert logo_url("brand/other.svg") == "/static/brand/other.svg"
    assert logo_url("https://cdn.example.org/logo.svg") == "https://cdn.example.org/logo.svg"
    settings.FIRM_LOGO = "brand/other.svg"
    assert 'src="/static/brand/other.svg"' in client.get("/").content.decode()
    # No logo at all: the firm's name as text, never a broken image.
    settings.FIRM_LOGO = " "
    html = client.get("/").content.decode()
    assert "site-logo" not in html
    assert (
        f'<a class="site-brand" href="/"><span class="site-name">{settings.FIRM_NAME}</span></a>'
        in html
    )


def test_the_shipped_logo_names_the_firm_for_screen_readers(settings):
    svg = (settings.BASE_DIR / "static" / "img" / "logo.svg").read_text()
    assert 'role="img"' in svg and f"<title>{settings.FIRM_NAME}</title>" in svg


# Authors


def test_the_byline_shows_the_authors_name_role_and_initials_without_a_photo(client):
    author = Author.objects.create(name="Dana van der Berg", role="Lead recruiter, solar")
    article = make_article(author=author)
    html = client.get(article.get_absolute_url()).content.decode()
    byline = html[html.index('class="byline') : html.index("article-meta")]
    assert 'By <span class="person-name">Dana van der Berg</span>' in byline
    assert "Lead recruiter, solar" in byline
    # Initials are decoration: the name next to them is what a screen reader reads.
    assert '<span class="avatar avatar-initials" aria-hidden="true">DB</span>' in byline
    assert json_ld(html)["author"] == {
        "@type": "Person",
        "name": "Dana van der Berg",
        "jobTitle": "Lead recruiter, solar",
    }


def test_an_author_photo_that_is_not_an_image_is_refused(admin_client):
    fake = SimpleUploadedFile("face.png", b"not an image at all", content_type="image/png")
    response = admin_client.post(
        "/admin/articles/author/add/", {"name": "Sam Lee", "role": "", "photo": fake}
    )
    assert response.status_code == 200
    assert "Upload a valid image" in response.content.decode()
    assert not Author.objects.exists()


def test_the_byline_photo_has_alt_text(client):
    author = Author.objects.create(name="Sam Lee", role="Recruiter", photo=png())
    article = make_article(author=author)
    html = client.get(article.get_absolute_url()).content.decode()
    assert re.search(
        r'<img class="avatar" src="/media/authors/face[^"]*\.jpg" alt="Photo of Sam Lee"', html
    )
    assert json_ld(html)["author"]["image"].startswith("https://careers.example.com/media/authors/")
    author.photo_alt = "Sam Lee on a solar farm"
    author.save()
    cache.clear()
    assert (
        'alt="Sam Lee on a solar farm"' in client.get(article.get_absolute_url()).content.decode()
    )


def test_an_article_without_an_author_has_no_byline_and_the_firm_as_author(client, settings):
    article = make_article()
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'class="byline' not in html
    assert json_ld(html)["author"] == {"@type": "Organization", "name": settings.FIRM_NAME}


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("Ana", "A"),
        ("Ana María López", "AL"),
        ("The recruiting team", "RT"),
        ("jo-ann smith", "JS"),
    ],
)
def test_initials(name, initials):
    assert Author(name=name).initials == initials


def test_editing_an_author_in_the_admin_changes_the_cached_article_page(client, admin_client):
    author = Author.objects.create(name="First Name", role="Recruiter")
    article = make_article(author=author)
    assert "First Name" in client.get(article.get_absolute_url()).content.decode()  # now cached
    response = admin_client.post(
        f"/admin/articles/author/{author.pk}/change/",
        {"name": "Renamed Person", "role": "Head of solar recruiting", "photo_alt": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Renamed Person" in html and "Head of solar recruiting" in html
    assert "First Name" not in html


def test_deleting_an_author_in_the_admin_keeps_the_article_without_a_byline(client, admin_client):
    author = Author.objects.create(name="Gone Soon")
    article = make_article(author=author)
    client.get(article.get_absolute_url())
    response = admin_client.post(f"/admin/articles/author/{author.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    html = client.get(article.get_absolute_url()).content.decode()
    assert response.status_code == 302 and "Gone Soon" not in html
    assert article.title in html


# Testimonials and placement figures


@pytest.fixture
def result_page(client, monkeypatch):
    """Whatever the result page shows now, for a visitor who has just finished the quiz."""
    monkeypatch.setattr("leads.services.email_dispatch", lambda **kwargs: True)
    quiz = make_quiz(questions=4, whitepaper=make_whitepaper())
    answer_all(client, quiz)
    assert client.post(details_url(quiz), DETAILS).status_code == 302
    return lambda: client.get(result_url(quiz)).content.decode()


def test_nothing_published_shows_nothing(client, result_page):
    Quote.objects.create(quote="Draft words.", name="Not Yet", is_published=False)
    PlacementFigure.objects.create(number="99", label="draft figure", is_published=False)
    quiz = make_quiz(questions=2)
    for html in (
        client.get("/").content.decode(),
        client.get(quiz.get_absolute_url()).content.decode(),
        result_page(),
    ):
        assert "trust-blocks" not in html and "Why people trust" not in html
        assert "Draft words." not in html and "draft figure" not in html


def test_published_blocks_show_on_the_home_page_the_quiz_and_the_result(
    client, result_page, settings
):
    PlacementFigure.objects.create(
        number="250+", label="people placed in solar", is_published=True, order=2
    )
    PlacementFigure.objects.create(
        number="94%", label="still in the role after a year", is_published=True, order=1
    )
    Quote.objects.create(
        quote="They found me a role I didn't know existed.",
        name="Priya N.",
        role="Project manager, placed in 2025",
        photo=png("priya.png"),
        is_published=True,
    )
    quiz = make_quiz(questions=2)
    for html in (
        client.get("/").content.decode(),
        client.get(quiz.get_absolute_url()).content.decode(),
        result_page(),
    ):
        block = html[html.index('class="trust-blocks"') :]
        assert f"Why people trust {settings.FIRM_NAME}</h2>" in block
        assert block.index("94%") < block.index("250+")  # in the order staff set
        assert "still in the role after a year" in block and "people placed in solar" in block
        assert (
            "<blockquote><p>They found me a role I didn&#x27;t know existed.</p></blockquote>"
            in block
        )
        assert "Priya N." in block and "Project manager, placed in 2025" in block
        assert re.search(
            r'<img class="avatar" src="/media/testimonials/priya[^"]*" alt=""',
            block,
        )


def test_publishing_a_testimonial_in_the_admin_shows_it_on_the_cached_home_page(
    client, admin_client
):
    assert "Why people trust" not in client.get("/").content.decode()  # blocks now kept
    response = admin_client.post(
        "/admin/articles/testimonial/add/",
        {
            "quote": "Straight answers and a great fit.",
            "name": "Marco R.",
            "role": "Site supervisor",
            "photo_alt": "",
            "is_published": "on",
            "order": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    html = client.get("/").content.decode()
    assert "Straight answers and a great fit." in html and "Marco R." in html
    # Unpublished from the list page: gone again.
    testimonial = Quote.objects.get()
    response = admin_client.post(
        "/admin/articles/testimonial/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(testimonial.pk),
            "form-0-order": "0",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Marco R." not in client.get("/").content.decode()


def test_a_figure_edited_in_the_admin_changes_the_home_page(client, admin_client):
    figure = PlacementFigure.objects.create(number="120", label="people placed", is_published=True)
    assert "120" in client.get("/").content.decode()
    response = admin_client.post(
        f"/admin/articles/placementfigure/{figure.pk}/change/",
        {"number": "150+", "label": "people placed", "is_published": "on", "order": "0"},
    )
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert "150+" in html
    admin_client.post(f"/admin/articles/placementfigure/{figure.pk}/delete/", {"post": "yes"})
    assert "people placed" not in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        (
            "/admin/articles/testimonial/add/",
            {"quote": "", "name": "", "order": "0"},
            "This field is required.",
        ),
        (
            "/admin/articles/placementfigure/add/",
            {"number": "1" * 21, "label": "x", "order": "0"},
            "at most 20 characters",
        ),
    ],
)
def test_bad_admin_input_is_refused_and_nothing_is_saved(admin_client, url, data, message):
    response = admin_client.post(url, data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Quote.objects.exists() and not PlacementFigure.objects.exists()


# Query counts stay the same however many blocks there are


def _publish(testimonials: int, figures: int) -> None:
    start = Quote.objects.count()
    for n in range(start, start + testimonials):
        Quote.objects.create(quote=f"Quote {n}", name=f"Person {n}", is_published=True)
        PlacementFigure.objects.create(number=str(n), label=f"figure {n}", is_published=True)


def test_the_home_page_costs_the_same_whatever_the_number_of_blocks(
    client, django_assert_num_queries
):
    make_article()
    _publish(1, 1)
    cache.clear()
    with django_assert_num_queries(4) as one:  # articles, the featured quiz, figures, testimonials
        client.get("/")
    _publish(6, 6)
    cache.clear()
    with django_assert_num_queries(len(one.captured_queries)):
        html = client.get("/").content.decode()
    assert html.count("<blockquote>") == 7
    with django_assert_num_queries(2):  # the blocks are kept until staff change one
        client.get("/")


def test_the_article_page_with_an_author_stays_within_three_queries(
    client, django_assert_max_num_queries
):
    article = make_article(author=Author.objects.create(name="Dana Berg", photo=png()))
    cache.clear()
    with django_assert_max_num_queries(3):
        html = client.get(article.get_absolute_url()).content.decode()
    assert "Dana Berg" in html


# The seed article's author


def test_initial_content_gives_the_seed_article_an_author_once(client):
    call_command("load_initial_content", stdout=StringIO())
    article = Article.objects.select_related("author").get(slug="are-you-career-or-job-focused")
    assert article.author.name == SEED_AUTHOR_NAME
    assert (
        'By <span class="person-name">The recruiting team</span>'
        in client.get(article.get_absolute_url()).content.decode()
    )
    # Staff choose someone else: a second run leaves that choice alone.
    lead = Author.objects.create(name="Dana Berg", role="Lead recruiter")
    article.author = lead
    article.save()
    call_command("load_initial_content", stdout=StringIO())
    article.refresh_from_db()
    assert article.author == lead
    assert Author.objects.filter(name=SEED_AUTHOR_NAME).count() == 1


def test_the_migration_turns_byline_names_into_authors():
    migration = importlib.import_module("articles.migrations.0003_authors_and_trust_blocks")

    class Row:
        def __init__(self, pk, author_name):
            self.pk, self.author_name = pk, author_name

    first, second = make_article(), make_article()
    rows = [Row(first.pk, "Dana Berg"), Row(second.pk, " Dana Berg "), Row(0, "  ")]

    # The model has no author_name any more: feed 0003 the rows it would have read.
    class FakeArticle:
        class objects:
            exclude = staticmethod(lambda **kwargs: rows)
            filter = staticmethod(Article.objects.filter)

    class FakeApps:
        def get_model(self, app, name):
            return FakeArticle if name == "Article" else apps.get_model(app, name)

    migration.names_to_authors(FakeApps(), None)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.author == second.author and first.author.name == "Dana Berg"
    assert Author.objects.count() == 1
