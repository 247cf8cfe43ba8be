"""`make bench` (part "insights"): is the insights page fast after years of traffic?

Loads 1,000,000 funnel events spread over a year and 50,000 leads (each with a quiz
submission) into a fresh database in a temporary folder (SQLite, or the database named by
BENCH_DATABASE_URL, e.g. a throw-away PostgreSQL database), then times the page in the
admin, in process, for 7 and 90 days: first with every event still raw, then after the
roll-up has summed every finished day. Prints the median of a few runs and the query count,
and exits non-zero when any of them takes 500 ms or more.
"""

from __future__ import annotations

import io
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

EVENTS = 1_000_000
LEADS = 50_000
ARTICLES = 20  # promoting the quiz, besides the seed article
DAYS = 365
RUNS = 5
TARGET_MS = 500


def _setup(db_url: str, folder: Path) -> None:
    os.environ["DATABASE_URL"] = db_url
    os.environ["MEDIA_ROOT"] = str(folder / "media")
    os.environ["PRIVATE_MEDIA_ROOT"] = str(folder / "private")  # the seed whitepaper goes here
    os.environ["STATIC_ROOT"] = str(folder / "static")
    (folder / "static").mkdir()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_project.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["INSIGHTS_BUFFER_URL"] = ""  # events are loaded in bulk: no Redis to flush
    import django

    django.setup()
    from django.conf import settings

    # Timing the page and its queries: no Redis to start, and no collectstatic manifest.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _load() -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from articles.models import Article
    from assessment.models import Assessment, Submission
    from devtools.synthetic_events import events_bulk_load, events_synthesize
    from leads.models import Lead

    rng = random.Random(5)  # the same data every run  # noqa: S311
    # The real quiz, its bands and the seed articles.
    call_command("load_initial_content", stdout=io.StringIO())
    quiz = Assessment.objects.get()
    now = timezone.now()
    Article.objects.bulk_create(
        Article(
            title=f"Bench article {n}",
            slug=f"bench-{n}",
            standfirst="Made up for the benchmark.",
            body="<p>Made up for the benchmark.</p>",
            status=Article.Status.PUBLISHED,
            publish_at=now - timedelta(days=DAYS),
            promotes=quiz,
        )
        for n in range(ARTICLES)
    )
    slugs = list(Article.objects.filter(promotes=quiz).values_list("slug", flat=True))
    bands = list(quiz.result_bands.values_list("title", flat=True))
    events_bulk_load(
        events_synthesize(
            count=EVENTS,
            until=now,
            days=DAYS,
            assessment=quiz.slug,
            articles=slugs,
            bands=bands,
            questions=quiz.questions.count(),
        )
    )
    statuses = list(Lead.Status)
    leads = Lead.objects.bulk_create(
        Lead(email=f"bench{n}@example.com", first_name="Bench", status=rng.choice(statuses))
        for n in range(LEADS)
    )
    for lead in leads:  # auto_now_add ignored the date on create
        lead.created_at = now - timedelta(days=rng.randint(0, DAYS))
    Lead.objects.bulk_update(leads, ["created_at"], batch_size=1000)
    Submission.objects.bulk_create(
        (
            Submission(
                assessment=quiz,
                lead=lead,
                key=f"bench-{lead.pk}",
                total_score=30,
                lowest_score=10,
                highest_score=50,
                band_title=bands[0],
                started_at=now,
            )
            for lead in leads
        ),
        batch_size=5000,
    )
    get_user_model().objects.create_superuser("bench", "bench@example.com", None)


def _settle() -> None:
    """On PostgreSQL, do now what autovacuum does soon after a bulk change, rather than in
    the middle of the timing: fresh statistics for the planner, and the visibility map that
    lets a read use the covering index alone."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def _time(label: str) -> float:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench"))
    results = []
    for days in (7, 90):
        timings = []
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(f"/admin/insights/?days={days}")
                timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"The insights page answered {response.status_code}")
        median = statistics.median(timings)
        results.append(median)
        verdict = "ok" if median < TARGET_MS else f"over {TARGET_MS} ms"
        print(f"  {label:<34} {days:>3} days: {median:7.1f} ms, {len(queries)} queries ({verdict})")
    return max(results)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-insights-") as folder:
        folder = Path(folder)
        _setup(
            os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite3'}", folder
        )
        from django.conf import settings
        from django.db import connection

        started = time.perf_counter()
        _load()
        print(
            f"Insights: {EVENTS:,} events over {DAYS} days and {LEADS:,} leads loaded into "
            f"{connection.vendor} in {time.perf_counter() - started:.0f} s"
        )
        _settle()
        raw = _time("every event still raw")
        from insights.services import events_roll_up

        settings.INSIGHTS_RAW_RETENTION_DAYS = 30
        started = time.perf_counter()
        days = events_roll_up()
        print(f"  roll-up: {days} days summed in {time.perf_counter() - started:.1f} s")
        _settle()
        worst = max(raw, _time("after the roll-up"))
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
