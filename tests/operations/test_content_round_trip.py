"""export_content on one site, import_content on an empty one: visitors see the same site.

"Another instance" is this test database emptied of every piece of content and every file
between the export and the import.
"""

import io
import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from PIL import Image

from articles.models import Article
from assessment.models import Assessment, Choice, Submission, Whitepaper
from insights.models import Event
from leads.models import FollowUpStep, Lead, OutboundEmail
from tests.assessment.walk import DETAILS, answer_all, details_url, result_url
from tests.factories import make_article
from tests.leads.factories import enqueue, make_reachable_lead

pytestmark = pytest.mark.django_db

SEED_ARTICLE = "are-you-career-or-job-focused"
QUIZ = "career-or-job-focused"


def png_bytes(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def export() -> dict:
    out = io.StringIO()
    call_command("export_content", stdout=out)
    return json.loads(out.getvalue())


def import_text(text: str) -> str:
    out = io.StringIO()
    with open_temp(text) as path:
        call_command("import_content", path, stdout=out)
    return out.getvalue()


@contextmanager
def open_temp(text: str) -> Iterator[str]:
    """The text in a file of its own, as an operator would hand it to import_content."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "content.json"
        path.write_text(text, encoding="utf-8")
        yield str(path)


def build_site() -> None:
    """The initial content, edited as staff would, plus what visitors leave behind."""
    call_command("load_initial_content", stdout=io.StringIO())
    seed = Article.objects.get(slug=SEED_ARTICLE)
    seed.hero_image.save("hero.png", ContentFile(png_bytes("orange")), save=False)
    seed.hero_image_alt = "Solar panels at sunrise"
    seed.social_image.save("social.png", ContentFile(png_bytes("blue")), save=False)
    seed.meta_description = "Eight signs, and what they mean for your next move."
    seed.save()
    make_article(
        slug="scheduled", title="Coming soon", publish_at=timezone.now() + timedelta(days=3)
    )
    make_article(slug="draft", title="Not yet", status=Article.Status.DRAFT)
    make_article(
        slug="second",
        title="Interview tips",
        body="<h2>Before</h2><p>Read <a href='https://example.com'>this</a>.</p>",
        promotes=Assessment.objects.get(slug=QUIZ),
    )
    paper = Whitepaper.objects.get()
    paper.cover_image.save("cover.png", ContentFile(png_bytes("green")), save=False)
    paper.cover_image_alt = "The whitepaper's cover"
    paper.save()
    Choice.objects.filter(question__assessment__slug=QUIZ, value=3).update(label="Not sure")
    step = FollowUpStep.objects.order_by("order").last()
    step.is_active = False
    step.save()
    visitor = Client()
    answer_all(visitor, Assessment.objects.get(slug=QUIZ))
    visitor.post(details_url(Assessment.objects.get(slug=QUIZ)), DETAILS | {"consent": "on"})
    assert Submission.objects.exists() and Lead.objects.exists()


def empty_site(settings) -> None:
    """What a fresh instance has: migrated tables, no content, no files."""
    Submission.objects.all().delete()
    Lead.objects.all().delete()
    Event.objects.all().delete()
    Article.objects.all().delete()
    Article.history.all().delete()
    Assessment.objects.all().delete()
    Whitepaper.objects.all().delete()
    FollowUpStep.objects.all().delete()
    for folder in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT):
        shutil.rmtree(folder, ignore_errors=True)
    cache.clear()


def _normal(html: str) -> str:
    """Per-request and per-row values that differ on any two sites by design."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", html)
    html = re.sub(r'(choice-|value=")\d+', r"\1N", html)
    # When the row was last saved here: on the new site, at the import.
    html = re.sub(r'(article:modified_time" content=")[^"]+', r"\1T", html)
    return re.sub(r'("dateModified": ")[^"]+', r"\1T", html)


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def visitor_view() -> dict[str, str | bytes]:
    """Everything a visitor sees: pages, images, each quiz step, the result and the PDF."""
    cache.clear()
    client = Client()
    pages = {}
    for path in ["/", "/articles/", f"/articles/{SEED_ARTICLE}/", "/articles/second/"]:
        pages[path] = _normal(client.get(path).content.decode())
    for path in ["/articles/draft/", "/articles/scheduled/"]:
        pages[path] = str(client.get(path).status_code)
    for article in Article.objects.all():
        for image in (article.hero_image, article.social_image):
            if image:
                pages[image.name] = image.read()
    quiz = Assessment.objects.get(slug=QUIZ)
    pages["intro"] = _normal(client.get(f"/assessment/{QUIZ}/").content.decode())
    client.post(f"/assessment/{QUIZ}/")
    for step, question in enumerate(quiz.questions.prefetch_related("choices"), start=1):
        url = f"/assessment/{QUIZ}/q/{step}/"
        pages[url] = _normal(client.get(url).content.decode())
        choice = question.choices.get(value=2 if step % 2 else 5)
        client.post(url, {"choice": choice.pk})
    pages["details"] = _normal(client.get(details_url(quiz)).content.decode())
    session = client.session  # a person takes longer than QUIZ_MIN_SECONDS
    state = session[f"assessment:{quiz.pk}"]
    state["started_at"] = (timezone.now() - timedelta(minutes=2)).isoformat()
    session[f"assessment:{quiz.pk}"] = state
    session.save()
    client.post(details_url(quiz), DETAILS)
    result = client.get(result_url(quiz)).content.decode()
    # Signed links name the submission or the lead, and the share link the band, by id: new here.
    links = re.sub(r"/(download|report)/[^/]+/", r"/\1/LINK/", result)
    links = re.sub(r"/call/[^/]+/", "/call/LINK/", links)
    pages["result"] = _normal(re.sub(r"/share/\d+/", "/share/BAND/", links))
    link = re.search(rf'href="(/assessment/{QUIZ}/download/[^"]+)"', result).group(1)
    pages["pdf"] = _body(client.get(link))
    return pages


def test_an_exported_site_imported_into_an_empty_one_looks_the_same(settings):
    build_site()
    before = visitor_view()
    text = json.dumps(export())
    empty_site(settings)
    assert client_status(f"/articles/{SEED_ARTICLE}/") == 404

    report = import_text(text)

    assert "Article 'second' created." in report and "Content imported." in report
    after = visitor_view()
    assert after.keys() == before.keys()
    for key in before:
        assert after[key] == before[key], key
    assert before["pdf"].startswith(b"%PDF-")
    assert "Not sure" in before[f"/assessment/{QUIZ}/q/1/"]
    seed = Article.objects.get(slug=SEED_ARTICLE)
    assert seed.hero_image_alt == "Solar panels at sunrise"
    assert Whitepaper.objects.get().cover_image.read() == png_bytes("green")
    steps = list(FollowUpStep.objects.values_list("subject", "is_active", "segments"))
    assert steps[-1][1] is False and len(steps) == 3


def client_status(path: str) -> int:
    cache.clear()
    return Client().get(path).status_code


def test_the_file_holds_content_and_nothing_personal():
    build_site()
    OutboundEmail.objects.update(subject="Private subject for sam@example.com")
    text = json.dumps(export())
    data = json.loads(text)
    assert set(data) == {
        "format",
        "version",
        "exported_at",
        "whitepapers",
        "assessments",
        "articles",
        "follow_ups",
    }
    assert data["format"] == "solar-careers-content" and data["version"] == 1
    for personal in ("sam@example.com", "Sam", "Project engineer", "127.0.0.1"):
        assert personal not in text
    assert {a["slug"] for a in data["articles"]} == {SEED_ARTICLE, "scheduled", "draft", "second"}


def _snapshot(settings) -> list:
    """Every content row with its timestamps, the history, and every stored file."""
    rows = [
        list(model.objects.order_by("pk").values())
        for model in (Article, Whitepaper, Assessment, Choice, FollowUpStep)
    ]
    rows.append(Article.history.count())
    for folder in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT):
        rows.append(sorted(str(p.relative_to(folder)) for p in folder.rglob("*")))
    return rows


def test_importing_twice_changes_nothing(settings):
    build_site()
    text = json.dumps(export())
    empty_site(settings)
    import_text(text)
    first = _snapshot(settings)
    report = import_text(text)
    assert _snapshot(settings) == first
    assert "created" not in report and "updated" not in report
    assert "Article 'second' unchanged." in report


def test_importing_over_staff_edits_brings_the_file_back_and_keeps_other_content(
    settings, django_capture_on_commit_callbacks
):
    build_site()
    text = json.dumps(export())
    Article.objects.filter(slug="second").update(title="Edited here")
    make_article(slug="only-here", title="Written on this site")
    quiz = Assessment.objects.get(slug=QUIZ)
    quiz.questions.last().delete()
    FollowUpStep.objects.create(order=9, delay_days=30, subject="Extra", body="Extra.")
    paper = Whitepaper.objects.get()
    old_pdf = paper.file.name
    paper.file.save("other.pdf", ContentFile(paper.file.read()), save=True)

    with django_capture_on_commit_callbacks(execute=True):
        import_text(text)

    assert Article.objects.get(slug="second").title == "Interview tips"
    assert Article.objects.filter(slug="only-here").exists()  # not in the file: left alone
    assert quiz.questions.count() == 10
    assert list(FollowUpStep.objects.values_list("subject", flat=True)).count("Extra") == 0
    assert Whitepaper.objects.get().file.name == "whitepapers/other.pdf"  # same bytes: kept
    storage = paper.file.storage
    assert storage.exists("whitepapers/other.pdf")
    assert storage.exists(old_pdf)  # the import deletes only files it replaced itself


def test_a_follow_up_step_the_file_drops_is_not_sent_to_leads_still_waiting_for_it(settings):
    build_site()
    data = export()
    second = FollowUpStep.objects.order_by("order", "pk")[1]  # still active
    waiting = enqueue(
        make_reachable_lead(),
        kind=OutboundEmail.Kind.FOLLOW_UP,
        follow_up_step=second,
        dedupe_key=second.dedupe_key,
        send_at=timezone.now() + timedelta(days=1),
    )
    assert waiting.status == OutboundEmail.Status.QUEUED
    data["follow_ups"] = data["follow_ups"][:1]

    report = import_text(json.dumps(data))

    assert f"Follow-up email '{second.subject}' removed (not in the file)." in report
    assert FollowUpStep.objects.count() == 1
    waiting.refresh_from_db()
    assert waiting.status == OutboundEmail.Status.CANCELLED


def test_export_runs_a_fixed_number_of_queries_however_much_content(
    django_assert_max_num_queries,
):
    build_site()
    with django_assert_max_num_queries(7):
        small = export()
    quiz = Assessment.objects.get(slug=QUIZ)
    for n in range(40):
        make_article(slug=f"more-{n}", promotes=quiz)
    call_command("load_initial_content", stdout=io.StringIO())
    with django_assert_max_num_queries(7):
        large = export()
    assert len(large["articles"]) == len(small["articles"]) + 40


def test_article_html_is_cleaned_on_the_way_in_like_the_admin_cleans_it(client):
    build_site()
    data = export()
    second = next(a for a in data["articles"] if a["slug"] == "second")
    second["body"] = (
        '<p onclick="steal()">Hello <a href="javascript:alert(1)">there</a></p>'
        "<script>alert(1)</script><h2>Kept</h2>"
    )
    import_text(json.dumps(data))
    body = Article.objects.get(slug="second").body
    assert "<h2>Kept</h2>" in body and "Hello" in body
    for bad in ("onclick", "javascript:", "<script", "alert"):
        assert bad not in body
    cache.clear()
    assert "steal()" not in client.get("/articles/second/").content.decode()


def test_a_pdf_missing_from_storage_is_written_again_and_kept(
    settings, django_capture_on_commit_callbacks
):
    build_site()
    text = json.dumps(export())
    paper = Whitepaper.objects.get()
    paper.file.storage.delete(paper.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        report = import_text(text)
    assert "Whitepaper 'dont-blow-it' updated." in report
    paper.refresh_from_db()
    assert paper.file.read().startswith(b"%PDF-")
