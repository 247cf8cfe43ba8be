"""Where articles plug in what the assessment must not import (articles sit above it).

The personal report links each weak sign to something to read; the articles app knows
which article fits and registers that choice here from its AppConfig.ready().
"""

from __future__ import annotations

from dataclasses import dataclass

from leads.hooks import HookPoint


@dataclass(frozen=True)
class Reading:
    """An article to read, by title and absolute address."""

    title: str
    url: str


# reading(signs=[trait, ...]) -> {trait: Reading}; a sign without a fitting article is left out.
REPORT_READING = HookPoint(
    name="report_reading",
    description="A function taking signs= that picks an article to read for each sign.",
    keywords=("signs",),
    single=True,
    required=False,  # without one, the report simply has no reading links
)


def reading_for(signs: list[str]) -> dict[str, Reading]:
    """What the registered function suggests; nothing when none is registered."""
    for reading in REPORT_READING.registered():
        return dict(reading(signs=signs))
    return {}
