"""The articles the site starts with. Safe to run again: it never overwrites staff edits."""

from pathlib import Path

from django.utils import timezone

from .models import Article
from .seed_text import text_to_html

SEED_DIR = Path(__file__).resolve().parent / "initial_content"

SEED_ARTICLES = [
    {
        "file": "career-or-job-focused.txt",
        "slug": "are-you-career-or-job-focused",
        "standfirst": (
            "Almost everyone says they are career focused. Here are the signs that tell a "
            "career apart from a job, and a story about what the difference costs."
        ),
        "author_name": "",
        "meta_description": (
            "Career focused or job focused? Eight signs to check, and why the difference "
            "matters for your next move in solar and clean energy."
        ),
    },
]


def load_articles(*, promotes=None) -> list[str]:
    """Create each seed article that doesn't exist yet; return what was done, for output."""
    report = []
    for spec in SEED_ARTICLES:
        if Article.objects.filter(slug=spec["slug"]).exists():
            report.append(f"Article '{spec['slug']}' already exists: left as it is.")
            continue
        seed = text_to_html((SEED_DIR / spec["file"]).read_text(encoding="utf-8"))
        Article.objects.create(
            title=seed.title,
            slug=spec["slug"],
            standfirst=spec["standfirst"],
            body=seed.body_html,
            author_name=spec["author_name"],
            meta_description=spec["meta_description"],
            status=Article.Status.PUBLISHED,
            publish_at=timezone.now(),
            promotes=promotes,
        )
        report.append(f"Article '{spec['slug']}' created and published.")
    return report
