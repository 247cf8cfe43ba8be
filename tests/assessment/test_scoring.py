"""Scoring is a pure function: plain examples first, then properties over any answers."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment.scoring import Band, Item, band_for, item_points, score, score_range

CAREER = ["long_term_vision", "path_outline", "skills_plan", "willing_to_move"]
JOB = ["comfortable", "needs_big_change", "satisfied", "fears_new_role"]


def _quiz() -> list[Item]:
    return [Item(t, False, 1, 5) for t in CAREER] + [Item(t, True, 1, 5) for t in JOB]


BANDS = [Band(8, 18, "Job focused"), Band(19, 29, "Between the two"), Band(30, 40, "Career")]


def test_reverse_scored_item_mirrors_the_value():
    item = Item("comfortable", True, 1, 5)
    assert [item_points(item, v) for v in (1, 2, 3, 4, 5)] == [5, 4, 3, 2, 1]
    assert item_points(Item("skills_plan", False, 1, 5), 4) == 4


def test_example_result_totals_traits_and_band():
    values = [5, 4, 2, 3, 1, 2, 5, 4]  # career items, then job items (reverse scored)
    result = score(_quiz(), values, BANDS)
    assert result.total == 5 + 4 + 2 + 3 + 5 + 4 + 1 + 2
    assert (result.lowest, result.highest) == (8, 40)
    assert result.traits["comfortable"].points == 5
    assert result.strongest == "long_term_vision"  # tied with "comfortable": first asked wins
    assert result.weakest == "satisfied"
    assert result.band.title == "Between the two"


def test_traits_with_two_questions_are_compared_fairly():
    items = [Item("skills_plan", False, 1, 5), Item("skills_plan", False, 1, 5)]
    items.append(Item("comfortable", True, 1, 5))
    result = score(items, [5, 3, 1])
    assert result.traits["skills_plan"].fraction == 0.75
    assert result.strongest == "comfortable" and result.weakest == "skills_plan"


def test_no_questions_scores_zero_with_no_traits():
    result = score([], [])
    assert (result.total, result.strongest, result.weakest, result.band) == (0, None, None, None)


def test_wrong_number_of_answers_or_a_value_off_the_scale_is_refused():
    with pytest.raises(ValueError, match="answers"):
        score(_quiz(), [3])
    with pytest.raises(ValueError, match="outside"):
        score(_quiz(), [6] * 8)


def test_band_for_finds_the_band_or_none():
    assert band_for(18, BANDS).title == "Job focused"
    assert band_for(19, BANDS).title == "Between the two"
    assert band_for(41, BANDS) is None


@st.composite
def quizzes(draw):
    """Any quiz (1 to 12 items, each on its own value scale) and one set of valid answers."""
    items = draw(
        st.lists(
            st.builds(
                lambda trait, rev, low, width: Item(trait, rev, low, low + width),
                st.sampled_from(CAREER + JOB),
                st.booleans(),
                st.integers(-3, 3),
                st.integers(1, 6),
            ),
            min_size=1,
            max_size=12,
        )
    )
    values = [draw(st.integers(i.min_value, i.max_value)) for i in items]
    return items, values


@given(quizzes())
def test_score_is_always_within_the_possible_range(quiz):
    items, values = quiz
    result = score(items, values)
    lowest, highest = score_range(items)
    assert lowest <= result.total <= highest
    assert sum(t.points for t in result.traits.values()) == result.total
    for trait in result.traits.values():
        assert trait.lowest <= trait.points <= trait.highest
        assert 0.0 <= trait.fraction <= 1.0


@given(quizzes())
def test_reverse_scoring_is_symmetric(quiz):
    """Flipping every item's direction mirrors the total around the middle of the range."""
    items, values = quiz
    flipped = [Item(i.trait, not i.reverse_scored, i.min_value, i.max_value) for i in items]
    lowest, highest = score_range(items)
    assert score(items, values).total + score(flipped, values).total == lowest + highest


@given(quizzes())
def test_mirrored_answers_on_reverse_items_score_like_plain_ones(quiz):
    items, values = quiz
    plain = [Item(i.trait, False, i.min_value, i.max_value) for i in items]
    mirrored = [
        i.min_value + i.max_value - v if i.reverse_scored else v
        for i, v in zip(items, values, strict=True)
    ]
    assert score(items, values).total == score(plain, mirrored).total


@given(st.permutations(range(8)))
def test_all_max_on_career_and_all_min_on_job_items_is_the_top_score(order):
    items = [_quiz()[i] for i in order]
    values = [i.max_value if not i.reverse_scored else i.min_value for i in items]
    result = score(items, values, BANDS)
    assert result.total == result.highest == 40
    assert result.band.title == "Career"
    assert all(t.fraction == 1.0 for t in result.traits.values())


@given(st.permutations(range(8)))
def test_all_min_on_career_and_all_max_on_job_items_is_the_bottom_score(order):
    items = [_quiz()[i] for i in order]
    values = [i.min_value if not i.reverse_scored else i.max_value for i in items]
    result = score(items, values, BANDS)
    assert result.total == result.lowest == 8
    assert result.band.title == "Job focused"


@given(quizzes(), st.data())
def test_agreeing_more_never_lowers_a_plain_item_nor_raises_a_reverse_one(quiz, data):
    items, values = quiz
    index = data.draw(st.integers(0, len(items) - 1))
    item = items[index]
    if values[index] == item.max_value:
        return
    higher = [*values]
    higher[index] += 1
    delta = score(items, higher).total - score(items, values).total
    assert delta == (-1 if item.reverse_scored else 1)


def test_when_every_sign_scores_the_same_strongest_and_weakest_differ():
    items = [Item("vision", False, 1, 5), Item("path", False, 1, 5), Item("comfort", True, 1, 5)]
    result = score(items, [4, 4, 2])  # every sign at 75%
    assert {t.fraction for t in result.traits.values()} == {0.75}
    assert result.strongest == "vision"
    assert result.weakest == "path"


@given(quizzes())
def test_strongest_is_never_below_weakest_and_they_differ_when_they_can(quiz):
    items, values = quiz
    result = score(items, values)
    if len(result.traits) >= 2:
        assert result.strongest != result.weakest
        strongest = result.traits[result.strongest].fraction
        assert strongest >= result.traits[result.weakest].fraction
        assert strongest == max(t.fraction for t in result.traits.values())
