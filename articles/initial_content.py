"""The articles the site starts with. Safe to run again: it never overwrites staff edits."""

from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .models import Article, Author
from .seed_text import text_to_html
from .services import article_cache_clear

SEED_DIR = Path(__file__).resolve().parent / "initial_content"

SEED_ARTICLES = [
    {
        "file": "career-or-job-focused.txt",
        "slug": "are-you-career-or-job-focused",
        "standfirst": (
            "Almost everyone says they are career focused. Here are the signs that tell a "
            "career apart from a job, and a story about what the difference costs."
        ),
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
            meta_description=spec["meta_description"],
            status=Article.Status.PUBLISHED,
            publish_at=timezone.now(),
            promotes=promotes,
        )
        report.append(f"Article '{spec['slug']}' created and published.")
    return report


# Not a made-up person: staff put the lead recruiter's real name, role and photo here.
SEED_AUTHOR_NAME = "The recruiting team"


def load_seed_author() -> list[str]:
    """Give each seed article an author, unless staff already chose one."""
    articles = Article.objects.filter(
        slug__in=[spec["slug"] for spec in SEED_ARTICLES], author__isnull=True
    )
    if not articles.exists():
        return []
    author = Author.objects.filter(name=SEED_AUTHOR_NAME).order_by("pk").first()
    if author is None:
        author = Author.objects.create(
            name=SEED_AUTHOR_NAME, role=f"Solar and clean-energy recruiters, {settings.FIRM_NAME}"
        )
    report = []
    for article in articles:
        article.author = author
        article.save(update_fields=["author", "updated_at"])
        article_cache_clear(article=article)
        report.append(f"Article '{article.slug}' now has the author '{author.name}'.")
    return report
