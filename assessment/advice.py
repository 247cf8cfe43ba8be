"""What to say about each sign on the result page and in the result email.

Pure data and functions, no ORM. Staff edit the wording in the admin (models.Sign, seeded
from the copy below by load_initial_content); the caller reads those rows and passes them
in as `wording`. A sign without a row falls back to the copy here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

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

# Each sign named the way the score points: towards career focus. The article's own names
# for the four job-focused signs ("Generally satisfied in the role") describe the opposite
# end, so as a score they read as a put-down; these read as something to grow.
SIGN_NAMES: dict[str, str] = {
    Trait.LONG_TERM_VISION: "A long-term vision",
    Trait.PATH_OUTLINE: "An outline of the path",
    Trait.SKILLS_PLAN: "A plan for your skills",
    Trait.WILLING_TO_MOVE: "Open to the right move",
    Trait.COMFORTABLE: "Looks beyond the paycheck",
    Trait.NEEDS_BIG_CHANGE: "Open to change before it's forced",
    Trait.SATISFIED: "Makes satisfaction lead somewhere",
    Trait.FEARS_NEW_ROLE: "Confident about a new role",
}

# What a sign says about the visitor when it is their strongest: specific, and true.
STRENGTHS: dict[str, str] = {
    Trait.LONG_TERM_VISION: (
        "You know where you want to be in five to ten years. That makes every choice in "
        "between easier: you can tell a step forward from a detour."
    ),
    Trait.PATH_OUTLINE: (
        "You can see the roles between today and your goal. A path with steps is what turns "
        "an ambition into a plan a hiring manager believes."
    ),
    Trait.SKILLS_PLAN: (
        "You know which skills your next role asks for and how to build them. That is what "
        "lets you show experience before the job title says so."
    ),
    Trait.WILLING_TO_MOVE: (
        "You would move for the right opportunity. In a fast-growing industry like solar, "
        "that openness is often what puts people in the best roles first."
    ),
    Trait.COMFORTABLE: (
        "A steady paycheck doesn't stop you thinking ahead. You give time to your career, "
        "not only to your job."
    ),
    Trait.NEEDS_BIG_CHANGE: (
        "You don't wait for a crisis to look around. Knowing your options while things are "
        "good means you choose your next move instead of having it chosen for you."
    ),
    Trait.SATISFIED: (
        "Being content hasn't made you stand still. You check that your role keeps building "
        "the experience your next step needs."
    ),
    Trait.FEARS_NEW_ROLE: (
        "A new role doesn't worry you much. You know how to find out what it is really like, "
        "and that lets you say yes to the right one."
    ),
}


class SignWording(Protocol):
    """A sign's words: a models.Sign row, or the default copy."""

    @property
    def name(self) -> str: ...
    @property
    def strength(self) -> str: ...
    @property
    def next_step(self) -> str: ...


@dataclass(frozen=True)
class DefaultWording:
    next_step: str
    name: str = ""
    strength: str = ""


DEFAULT_WORDING: dict[str, DefaultWording] = {
    trait: DefaultWording(
        name=SIGN_NAMES[trait], strength=STRENGTHS[trait], next_step=NEXT_STEPS[trait]
    )
    for trait in Trait.values
}

# Roughly the middle of a sign's range: below it, a sign pulls towards job focus.
WEAK_BELOW = 0.5
# Where a sign counts as a strength, in words for the chart and its table.
STRONG_FROM = 0.75


@dataclass(frozen=True)
class TraitView:
    """A sign as the visitor sees it: its name, how it scored, and what to do next.

    `label` is the article's own name for the sign, for staff; visitors see `name`, named
    towards career focus.
    """

    trait: str
    label: str
    points: int
    lowest: int
    highest: int
    next_step: str
    name: str = ""
    strength: str = ""

    @property
    def percent(self) -> int:
        span = self.highest - self.lowest
        return 100 if span <= 0 else round(100 * (self.points - self.lowest) / span)

    @property
    def level(self) -> str:
        """Where the visitor is on this sign, in words that never put them down."""
        if self.percent >= STRONG_FROM * 100:
            return "A strength"
        if self.percent >= WEAK_BELOW * 100:
            return "Growing"
        return "Room to grow"


def all_traits(
    trait_scores: Mapping[str, Mapping], wording: Mapping[str, SignWording] | None = None
) -> list[TraitView]:
    """Every sign, in the order it was asked, for the chart."""
    return [_view(trait, score, wording) for trait, score in trait_scores.items()]


def _view(trait: str, score: Mapping, wording: Mapping[str, SignWording] | None) -> TraitView:
    label = Trait(trait).label if trait in Trait.values else trait
    words = (wording or {}).get(trait) or DEFAULT_WORDING.get(trait)
    return TraitView(
        trait=trait,
        label=label,
        points=int(score["points"]),
        lowest=int(score["lowest"]),
        highest=int(score["highest"]),
        name=words.name if words else label,
        strength=words.strength if words else "",
        next_step=words.next_step if words else "",
    )


def strongest_traits(
    trait_scores: Mapping[str, Mapping],
    strongest: str,
    wording: Mapping[str, SignWording] | None = None,
) -> list[TraitView]:
    """The strongest sign (as scoring chose it, ties to the first asked)."""
    if strongest not in trait_scores:
        return []
    return [_view(strongest, trait_scores[strongest], wording)]


def weak_traits(
    trait_scores: Mapping[str, Mapping],
    weakest: str,
    wording: Mapping[str, SignWording] | None = None,
) -> list[TraitView]:
    """Every sign below the middle of its range, weakest first; at least the weakest one.

    A visitor who scores high everywhere still gets one thing to work on, unless every
    sign is at the top of its range.
    """
    views = all_traits(trait_scores, wording)
    weak = sorted((v for v in views if v.percent < WEAK_BELOW * 100), key=lambda v: v.percent)
    if weak:
        return weak
    fallback = [v for v in views if v.trait == weakest and v.percent < 100]
    return fallback
