"""The seed article goes in as the firm wrote it, and reloading never clobbers edits."""

from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article
from articles.seed_text import text_to_html

SEED = Path(__file__).resolve().parents[2] / "articles/initial_content/career-or-job-focused.txt"
SLUG = "are-you-career-or-job-focused"


def _paragraphs(text: str) -> list[str]:
    blocks = [" ".join(b.split()) for b in text.split("\n\n") if b.strip()]
    return [b for b in blocks[1:] if not b.startswith("•")]


def test_seed_text_becomes_headings_lists_and_paragraphs():
    seed = text_to_html(SEED.read_text(encoding="utf-8"))
    assert seed.title == "Are you Career or Job Focused?"
    html = seed.body_html
    for heading in ("Career Focused", "Job Focused", "Where do you fall in your current role?"):
        assert f"<h2>{heading}</h2>" in html
    assert html.count("<ul>") == 2
    assert html.count("<li>") == 8
    assert "Willingness to move when and where is most beneficial" in html


def test_empty_seed_text_is_refused():
    with pytest.raises(ValueError, match="empty"):
        text_to_html("\n \n")


@pytest.mark.django_db
def test_load_initial_content_publishes_every_paragraph(client):
    call_command("load_initial_content", verbosity=0)
    html = client.get(f"/articles/{SLUG}/").content.decode()
    text = SEED.read_text(encoding="utf-8")
    for paragraph in _paragraphs(text):
        assert paragraph in html.replace("&#x27;", "'"), paragraph[:60]
    for bullet in [line.strip()[1:].strip() for line in text.splitlines() if "•" in line]:
        assert " ".join(bullet.split()) in html
    assert "Don’t Blow it" in html


@pytest.mark.django_db
def test_load_initial_content_runs_again_without_duplicates_or_overwrites():
    call_command("load_initial_content", verbosity=0)
    Article.objects.filter(slug=SLUG).update(title="Staff changed this")
    call_command("load_initial_content", verbosity=0)
    assert Article.objects.filter(slug=SLUG).count() == 1
    assert Article.objects.get(slug=SLUG).title == "Staff changed this"
