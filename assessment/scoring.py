"""Scoring and result-band checks as pure functions: no ORM, no request.

A higher score means more career focused. Job-focused statements are reverse scored, so
agreeing with them lowers the score. Per-trait scores use the same direction: a trait's
score is high when the visitor is career focused on it, so the "weakest" trait is the one
pulling them towards job focus, the thing to work on.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    """One question as scoring sees it."""

    trait: str
    reverse_scored: bool
    min_value: int
    max_value: int


@dataclass(frozen=True)
class Band:
    """A result band: every total from min_score to max_score, both included."""

    min_score: int
    max_score: int
    title: str = ""
    key: Hashable = None

    def label(self) -> str:
        name = f"“{self.title}” " if self.title else ""
        return f"{name}({self.min_score}–{self.max_score})"


@dataclass(frozen=True)
class TraitScore:
    points: int
    lowest: int
    highest: int

    @property
    def fraction(self) -> float:
        """Where the points sit between lowest (0.0) and highest (1.0) possible."""
        if self.highest == self.lowest:
            return 1.0
        return (self.points - self.lowest) / (self.highest - self.lowest)


@dataclass(frozen=True)
class Result:
    total: int
    lowest: int
    highest: int
    traits: dict[str, TraitScore]
    strongest: str | None
    weakest: str | None
    band: Band | None


def item_points(item: Item, value: int) -> int:
    """The points a chosen value earns; reverse scoring mirrors it within the item's range."""
    if not item.min_value <= value <= item.max_value:
        raise ValueError(f"{value} is outside {item.min_value}–{item.max_value}")
    return item.min_value + item.max_value - value if item.reverse_scored else value


def score_range(items: Sequence[Item]) -> tuple[int, int]:
    """The lowest and highest total possible (reverse scoring doesn't change the range)."""
    return sum(i.min_value for i in items), sum(i.max_value for i in items)


def band_for(total: int, bands: Sequence[Band]) -> Band | None:
    return next((b for b in bands if b.min_score <= total <= b.max_score), None)


def score(items: Sequence[Item], values: Sequence[int], bands: Sequence[Band] = ()) -> Result:
    """Score one set of answers: values[i] is the value chosen for items[i]."""
    if len(items) != len(values):
        raise ValueError(f"{len(values)} answers for {len(items)} questions")
    traits: dict[str, TraitScore] = {}
    total = 0
    for item, value in zip(items, values, strict=True):
        points = item_points(item, value)
        total += points
        before = traits.get(item.trait, TraitScore(0, 0, 0))
        traits[item.trait] = TraitScore(
            before.points + points,
            before.lowest + item.min_value,
            before.highest + item.max_value,
        )
    lowest, highest = score_range(items)
    # max()/min() keep the first of equals, so ties go to the trait asked about first. The
    # weakest is picked from the other traits: naming one sign as both best and worst, as
    # happens when every sign scores the same, tells the visitor nothing.
    strongest = max(traits, key=lambda t: traits[t].fraction, default=None)
    others = [t for t in traits if t != strongest] or list(traits)
    weakest = min(others, key=lambda t: traits[t].fraction, default=None)
    return Result(
        total=total,
        lowest=lowest,
        highest=highest,
        traits=traits,
        strongest=strongest,
        weakest=weakest,
        band=band_for(total, bands),
    )


def band_problems(bands: Sequence[Band], *, lowest: int, highest: int) -> list[str]:
    """Why these bands don't cover lowest..highest exactly once each; empty when they do."""
    problems = []
    for band in bands:
        if band.min_score > band.max_score:
            problems.append(
                f"{band.label()} starts above where it ends: "
                "its lowest score must not be more than its highest."
            )
    ordered = sorted(
        (b for b in bands if b.min_score <= b.max_score), key=lambda b: (b.min_score, b.max_score)
    )
    for band in ordered:
        if band.min_score < lowest:
            top = min(band.max_score, lowest - 1)
            problems.append(
                f"{band.label()} covers {_span(band.min_score, top)}, below the lowest "
                f"possible score ({lowest})."
            )
        if band.max_score > highest:
            bottom = max(band.min_score, highest + 1)
            problems.append(
                f"{band.label()} covers {_span(bottom, band.max_score)}, above the highest "
                f"possible score ({highest})."
            )
    next_uncovered = lowest
    reach: Band | None = None  # the band that reaches highest so far
    for band in ordered:
        if reach is not None and band.min_score <= reach.max_score:
            overlap = _span(band.min_score, min(band.max_score, reach.max_score))
            problems.append(f"Bands {reach.label()} and {band.label()} overlap on {overlap}.")
        gap_end = min(band.min_score - 1, highest)
        if gap_end >= next_uncovered:
            problems.append(f"No band covers {_span(next_uncovered, gap_end)}.")
        next_uncovered = max(next_uncovered, band.max_score + 1)
        if reach is None or band.max_score > reach.max_score:
            reach = band
    if next_uncovered <= highest:
        problems.append(f"No band covers {_span(next_uncovered, highest)}.")
    return problems


def _span(first: int, last: int) -> str:
    return f"score {first}" if first == last else f"scores {first}–{last}"
