"""`make bench` (part "insights"): is the insights page fast after years of traffic?

Loads 1,000,000 funnel events spread over a year and 50,000 leads (each with a quiz
submission) into a fresh database in a temporary folder (SQLite, or the database named by
BENCH_DATABASE_URL, e.g. a throw-away PostgreSQL database), then times the page in the
admin, in process, for 7 and 90 days: first with every event still raw, then after the
roll-up has summed every finished day. Prints the median of a few runs and the query count.
"""

from __future__ import annotations

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
DAYS = 365
RUNS = 5
TARGET_MS = 500


def _setup(db_url: str) -> None:
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_project.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["CACHE_URL"] = "locmem://"
    import django

    django.setup()
    from django.conf import settings

    # Timing the page, not static file hashing: no collectstatic manifest is needed.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _load() -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from assessment.models import Submission
    from insights.models import Event, Kind
    from leads.models import Lead
    from tests.factories import make_article, make_quiz

    rng = random.Random(5)  # the same data every run  # noqa: S311
    quiz = make_quiz(questions=10, slug="bench-quiz")
    slugs = [make_article(slug=f"bench-{n}", promotes=quiz).slug for n in range(20)]
    bands = list(quiz.result_bands.values_list("title", flat=True))
    now = timezone.now()
    kinds = list(Kind)
    batch: list = []
    for n in range(EVENTS):
        kind = rng.choice(kinds)
        batch.append(
            Event(
                kind=kind,
                visit=f"v{n}" if kind not in (Kind.ARTICLE_VIEWED, Kind.CTA_CLICKED) else "",
                assessment=quiz.slug if kind != Kind.ARTICLE_VIEWED else "",
                article=rng.choice(slugs),
                question=rng.randint(1, 10) if kind == Kind.QUESTION_REACHED else 0,
                label=rng.choice(bands) if kind == Kind.LEAD else "",
                at=now - timedelta(seconds=rng.randint(0, DAYS * 86400)),
            )
        )
        if len(batch) == 10_000:
            Event.objects.bulk_create(batch)
            batch = []
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
        _setup(
            os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        )
        from django.conf import settings
        from django.db import connection

        started = time.perf_counter()
        _load()
        print(
            f"Insights: {EVENTS:,} events over {DAYS} days and {LEADS:,} leads loaded into "
            f"{connection.vendor} in {time.perf_counter() - started:.0f} s"
        )
        _time("every event still raw")
        from insights.services import events_roll_up

        settings.INSIGHTS_RAW_RETENTION_DAYS = 30
        started = time.perf_counter()
        days = events_roll_up()
        print(f"  roll-up: {days} days summed in {time.perf_counter() - started:.1f} s")
        worst = _time("after the roll-up")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
