"""Articles in the content file (export_content / import_content): matched by slug.

What visitors and search engines see travels (text, images, publish state and time, SEO
fields, the promoted quiz by slug); the history and the row's own dates do not.
"""

import functools
from collections.abc import Mapping

from django.db.models import Model
from django.utils.dateparse import parse_datetime

from articles.models import Article, Author
from articles.sanitize import sanitize_body
from articles.services import article_cache_clear
from operations.content.format import (
    FILE_OR_NONE,
    TEXT,
    TEXT_OR_NONE,
    ImportRun,
    fields_update,
    file_export,
    image_decode,
    matched_by_slug,
    outcome,
    records,
)

KEY = "articles"
SHAPE = {
    "slug": TEXT,
    "title": TEXT,
    "standfirst": TEXT,
    "body": TEXT,
    "author_name": TEXT,
    "status": TEXT,
    "publish_at": TEXT,
    "meta_description": TEXT,
    "hero_image": FILE_OR_NONE,
    "hero_image_alt": TEXT,
    "social_image": FILE_OR_NONE,
    "promotes": TEXT_OR_NONE,
}
TEXT_FIELDS = ("title", "standfirst", "status", "meta_description")
IMAGES = ("hero_image", "social_image")


def articles_export() -> list[dict]:
    """Every article, drafts included, in one query."""
    return [
        {
            "slug": article.slug,
            "title": article.title,
            "standfirst": article.standfirst,
            "body": article.body,
            "author_name": article.author.name if article.author else "",
            "status": article.status,
            "publish_at": article.publish_at.isoformat(),
            "meta_description": article.meta_description,
            "hero_image": file_export(article.hero_image, f"articles '{article.slug}'"),
            "hero_image_alt": article.hero_image_alt,
            "social_image": file_export(article.social_image, f"articles '{article.slug}'"),
            "promotes": article.promotes.slug if article.promotes else None,
        }
        for article in Article.objects.select_related("promotes", "author").order_by(
            "publish_at", "pk"
        )
    ]


def articles_read(data: dict, problems: list[str], *, assessments: set[str]) -> list[dict]:
    """Check the file's articles; return them with their files decoded and times parsed."""
    rows = []
    for where, row in records(data, KEY, SHAPE, problems):
        publish_at = parse_datetime(row["publish_at"])
        if publish_at is None or publish_at.tzinfo is None:
            problems.append(f"{where}.publish_at: expected a date and time with its time zone.")
        if row["promotes"] is not None and row["promotes"] not in assessments:
            problems.append(
                f"{where}.promotes: no assessment '{row['promotes']}' here or in the file."
            )
        images = {name: image_decode(row[name], f"{where}.{name}", problems) for name in IMAGES}
        rows.append(row | images | {"publish_at": publish_at, "where": where})
    return rows


def _author(name: str) -> Author | None:
    """The file carries the author's name only: matched by name, created when new (staff add
    the role and photo in the admin)."""
    if not name:
        return None
    author = Author.objects.filter(name=name).order_by("pk").first()
    return author or Author.objects.create(name=name)


def articles_import(rows: list[dict], run: ImportRun, *, assessments: Mapping[str, Model]) -> None:
    """Create or update each article by slug; articles not in the file are left alone."""
    for row, article, created in matched_by_slug(Article, rows):
        changed = fields_update(
            article,
            {name: row[name] for name in (*TEXT_FIELDS, "publish_at", "hero_image_alt")}
            | {
                "body": sanitize_body(row["body"]),
                "promotes": assessments.get(row["promotes"]) if row["promotes"] else None,
                "author": _author(row["author_name"]),
            },
        )
        for name in IMAGES:
            field_file, where = getattr(article, name), f"{row['where']}.{name}"
            changed = run.file_replace(field_file, row[name], where) or changed
        if changed:
            article._change_reason = "Imported"  # shown in the article's history
            run.save(article, row["where"])
            run.after_commit.append(
                (
                    f"clear the cached pages of '{article.slug}'",
                    functools.partial(article_cache_clear, article=article),
                )
            )
        run.note(outcome("Article", article.slug, created, changed))
