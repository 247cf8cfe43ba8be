"""Made-up funnel events in bulk: a year of traffic in a minute, for `make bench` and tests.

The site never calls this. Like the rest of the app's core it imports nothing from the other
apps: it takes plain slugs and band titles, and writes Event rows with bulk INSERTs, without
going through the views (tests that check what views record drive real visits instead).
"""

import random
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from itertools import batched

from insights.models import Event, Kind

# Page views and clicks carry no visit id on the site, so none is made up for them either.
WITHOUT_VISIT = (Kind.ARTICLE_VIEWED, Kind.CTA_CLICKED)


def events_synthesize(
    *,
    count: int,
    until: datetime,
    days: int,
    assessment: str,
    articles: Sequence[str],
    bands: Sequence[str],
    questions: int,
    seed: int = 5,
) -> Iterator[Event]:
    """`count` events of every kind, spread evenly at random over the `days` before `until`.

    The same seed gives the same events, so runs can be compared. Each event with a visit
    has a visit id of its own, so none collides with the once-per-visit constraint.
    """
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    kinds = list(Kind)
    for n in range(count):
        kind = rng.choice(kinds)
        yield Event(
            kind=kind,
            visit="" if kind in WITHOUT_VISIT else f"s{seed}-{n}",
            assessment="" if kind == Kind.ARTICLE_VIEWED else assessment,
            article=rng.choice(articles),
            question=rng.randint(1, questions) if kind == Kind.QUESTION_REACHED else 0,
            label=rng.choice(bands) if kind == Kind.LEAD else "",
            at=until - timedelta(seconds=rng.randint(0, days * 86400 - 1)),
        )


def events_bulk_load(events: Iterator[Event], *, batch_size: int = 10_000) -> int:
    """Write the events in batches, never holding more than one batch in memory."""
    written = 0
    for batch in batched(events, batch_size):
        Event.objects.bulk_create(batch)
        written += len(batch)
    return written
