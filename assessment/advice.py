"""What to say about each sign on the result page and in the result email.

Pure data and functions, no ORM: the copy is written here, not in the admin, because it
explains the eight signs of the article itself, which staff don't edit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .models import Trait

# One concrete step for a visitor whose answers lean job focused on this sign.
NEXT_STEPS: dict[str, str] = {
    Trait.LONG_TERM_VISION: (
        "Write down, in one sentence, the role you want in five to ten years. If you can't "
        "yet, ask two people whose jobs you admire how they got there, and borrow the parts "
        "that fit you."
    ),
    Trait.PATH_OUTLINE: (
        "List the two or three roles between your current job and that goal, and what each "
        "one asks for. An outline on one page is enough: it turns a wish into steps."
    ),
    Trait.SKILLS_PLAN: (
        "Pick one skill your next role needs and build it where you are: offer to mentor a "
        "newer colleague or lead a special project team this quarter. The sales leader in "
        "our article had the results, but no leadership experience to show."
    ),
    Trait.WILLING_TO_MOVE: (
        "Decide now what a move would have to offer you: the title, the pay, the place. "
        "Then a good opportunity becomes a quick decision instead of a reason to worry."
    ),
    Trait.COMFORTABLE: (
        "Paid bills are a good base, not a plan. Once a month, spend an hour on your career "
        "rather than your job: read about the roles you want, or talk to someone in one."
    ),
    Trait.NEEDS_BIG_CHANGE: (
        "Don't wait for a new boss or a pay cut to decide for you. Look at the market while "
        "things are good, so that if change comes, you already know your options."
    ),
    Trait.SATISFIED: (
        "Being satisfied is fine; just check it still leads somewhere. Ask yourself twice "
        "a year whether this role is building the experience your next step needs."
    ),
    Trait.FEARS_NEW_ROLE: (
        "Make the unknown smaller: before any move, talk to people who work there and ask "
        "a recruiter what the role is really like. Clear expectations take most of the fear "
        "away."
    ),
}

# Roughly the middle of a sign's range: below it, a sign pulls towards job focus.
WEAK_BELOW = 0.5


@dataclass(frozen=True)
class TraitView:
    """A sign as the visitor sees it: its name, how it scored, and what to do next."""

    trait: str
    label: str
    points: int
    lowest: int
    highest: int
    next_step: str

    @property
    def percent(self) -> int:
        span = self.highest - self.lowest
        return 100 if span <= 0 else round(100 * (self.points - self.lowest) / span)


def _view(trait: str, score: Mapping) -> TraitView:
    label = Trait(trait).label if trait in Trait.values else trait
    return TraitView(
        trait=trait,
        label=label,
        points=int(score["points"]),
        lowest=int(score["lowest"]),
        highest=int(score["highest"]),
        next_step=NEXT_STEPS.get(trait, ""),
    )


def strongest_traits(trait_scores: Mapping[str, Mapping], strongest: str) -> list[TraitView]:
    """The strongest sign (as scoring chose it, ties to the first asked)."""
    if strongest not in trait_scores:
        return []
    return [_view(strongest, trait_scores[strongest])]


def weak_traits(trait_scores: Mapping[str, Mapping], weakest: str) -> list[TraitView]:
    """Every sign below the middle of its range, weakest first; at least the weakest one.

    A visitor who scores high everywhere still gets one thing to work on, unless every
    sign is at the top of its range.
    """
    views = [_view(trait, score) for trait, score in trait_scores.items()]
    weak = sorted((v for v in views if v.percent < WEAK_BELOW * 100), key=lambda v: v.percent)
    if weak:
        return weak
    fallback = [v for v in views if v.trait == weakest and v.percent < 100]
    return fallback
