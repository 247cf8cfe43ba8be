"""Move the site's content (articles, quizzes, whitepapers, follow-up emails) between
instances as one JSON file: `manage.py export_content` and `manage.py import_content`.

Nothing personal goes into the file: no leads, submissions, emails sent or events. Each app
writes and reads its own part (its content_transfer.py); this module holds them together
and makes the import all-or-nothing.
"""

import json
from collections import Counter

from django.db import DatabaseError, transaction
from django.utils import timezone

from assessment.models import Assessment, Whitepaper
from operations.content.articles import articles_export, articles_import, articles_read
from operations.content.assessment import (
    assessments_export,
    assessments_import,
    assessments_read,
    whitepapers_export,
    whitepapers_import,
    whitepapers_read,
)
from operations.content.follow_ups import follow_ups_export, follow_ups_import, follow_ups_read
from operations.content.format import (
    FORMAT,
    LIST,
    NUMBER,
    TEXT,
    VERSION,
    ContentError,
    ImportRun,
    shape_problems,
)

FILE_SHAPE = {
    "format": TEXT,
    "version": NUMBER,
    "exported_at": TEXT,
    "whitepapers": LIST,
    "assessments": LIST,
    "articles": LIST,
    "follow_ups": LIST,
}


def content_export() -> dict:
    """Everything staff edit, in a fixed number of queries however much there is."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "whitepapers": whitepapers_export(),
        "assessments": assessments_export(),
        "articles": articles_export(),
        "follow_ups": follow_ups_export(),
    }


def content_parse(text: str | bytes) -> dict:
    """The file as a dict, once it is JSON of this format and version."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
        raise ContentError([f"The file is not valid JSON ({error})."]) from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ContentError(
            [f'This is not a content file of this site: its "format" should be "{FORMAT}".']
        )
    if data.get("version") != VERSION:
        raise ContentError(
            [
                f"This file is format version {data.get('version')!r}; this site reads "
                f"version {VERSION}. Export it again from a site of the same version."
            ]
        )
    problems = shape_problems(data, FILE_SHAPE, "the file")
    if problems:
        raise ContentError(problems)
    return data


def content_import(text: str | bytes) -> ImportRun:
    """Check the whole file, then save it in one transaction; returns what was done
    (`report`) and what failed after the commit (`warnings`: a replaced file not deleted).

    Raises ContentError, with every problem found, before anything is saved.
    """
    data = content_parse(text)
    problems = _duplicate_slugs(data)
    whitepapers = whitepapers_read(data, problems)
    assessments = assessments_read(
        data, problems, whitepapers=_slugs(data, "whitepapers", Whitepaper)
    )
    articles = articles_read(data, problems, assessments=_slugs(data, "assessments", Assessment))
    follow_ups = follow_ups_read(data, problems)
    if problems:
        raise ContentError(problems)
    run = ImportRun()
    try:
        with transaction.atomic():
            whitepapers_import(whitepapers, run)
            by_slug = assessments_import(assessments, run)
            articles_import(articles, run, assessments=by_slug)
            follow_ups_import(follow_ups, run)
            run.commit_hooks()
    except DatabaseError as error:  # a constraint or a value the checks above missed
        run.forget_written_files()
        raise ContentError([f"The database refused the content: {error}"]) from error
    except BaseException:
        if not run.committed:  # the rows are rolled back; so are the files
            run.forget_written_files()
        raise
    return run


def _slugs(data: dict, key: str, model) -> set[str]:
    """Slugs a reference may name: in the file, or already on this site."""
    in_file = set(_row_slugs(data[key]))
    return in_file | set(model.objects.values_list("slug", flat=True))


def _duplicate_slugs(data: dict) -> list[str]:
    problems = []
    for key in ("whitepapers", "assessments", "articles"):
        counts = Counter(_row_slugs(data[key]))
        problems += [
            f"{key}: the slug '{slug}' appears {n} times." for slug, n in counts.items() if n > 1
        ]
    return problems


def _row_slugs(rows: list) -> list[str]:
    """The text slugs only: a slug of another kind is reported by the shape check."""
    return [
        row["slug"] for row in rows if isinstance(row, dict) and isinstance(row.get("slug"), str)
    ]
