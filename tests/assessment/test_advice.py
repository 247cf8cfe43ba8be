"""The copy on the result page: a next step for every sign, and which signs need one."""

from hypothesis import given
from hypothesis import strategies as st

from assessment.advice import NEXT_STEPS, strongest_traits, weak_traits
from assessment.models import Trait


def _scores(**points) -> dict:
    """Each sign asked once on a 1-5 scale, with the given points."""
    return {trait: {"points": p, "lowest": 1, "highest": 5} for trait, p in points.items()}


def test_every_sign_has_a_next_step_of_its_own():
    assert set(NEXT_STEPS) == set(Trait.values)
    assert len(set(NEXT_STEPS.values())) == len(Trait.values)
    assert all(len(step) > 60 for step in NEXT_STEPS.values())


def test_signs_below_the_middle_are_to_work_on_weakest_first():
    scores = _scores(long_term_vision=5, comfortable=1, satisfied=2, path_outline=3)
    weak = weak_traits(scores, "comfortable")
    assert [v.trait for v in weak] == ["comfortable", "satisfied"]
    assert weak[0].label == "Comfortable while the bills are paid"
    assert weak[0].next_step == NEXT_STEPS["comfortable"]
    assert weak[0].percent == 0 and weak[1].percent == 25


def test_someone_strong_everywhere_still_gets_their_weakest_sign():
    scores = _scores(long_term_vision=5, path_outline=4)
    assert [v.trait for v in weak_traits(scores, "path_outline")] == ["path_outline"]


def test_nothing_to_work_on_when_every_sign_is_at_the_top():
    assert weak_traits(_scores(long_term_vision=5, satisfied=5), "long_term_vision") == []


def test_the_strongest_sign_is_the_one_scoring_chose():
    scores = _scores(long_term_vision=5, satisfied=2)
    assert [v.trait for v in strongest_traits(scores, "long_term_vision")] == ["long_term_vision"]
    assert strongest_traits(scores, "") == []


@given(st.dictionaries(st.sampled_from(Trait.values), st.integers(1, 5), min_size=1))
def test_weak_signs_are_sorted_and_all_below_the_top(points):
    scores = _scores(**points)
    weakest = min(scores, key=lambda t: scores[t]["points"])
    weak = weak_traits(scores, weakest)
    assert [v.percent for v in weak] == sorted(v.percent for v in weak)
    assert all(v.percent < 100 and v.next_step for v in weak)
    if any(p < 3 for p in points.values()):
        assert all(v.percent < 50 for v in weak)
