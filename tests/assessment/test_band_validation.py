"""Result bands must cover every possible score exactly once; the errors name the range."""

from hypothesis import given
from hypothesis import strategies as st

from assessment.scoring import Band, band_for, band_problems


def test_bands_that_tile_the_range_are_accepted():
    bands = [Band(10, 23, "Job"), Band(24, 36, "Between"), Band(37, 50, "Career")]
    assert band_problems(bands, lowest=10, highest=50) == []


def test_order_of_bands_does_not_matter():
    bands = [Band(37, 50, "Career"), Band(10, 23, "Job"), Band(24, 36, "Between")]
    assert band_problems(bands, lowest=10, highest=50) == []


def test_a_gap_is_named():
    bands = [Band(10, 20, "Job"), Band(24, 50, "Career")]
    assert band_problems(bands, lowest=10, highest=50) == ["No band covers scores 21–23."]


def test_gaps_at_either_end_are_named():
    problems = band_problems([Band(12, 40, "Middle")], lowest=10, highest=50)
    assert problems == ["No band covers scores 10–11.", "No band covers scores 41–50."]


def test_a_one_score_gap_says_score():
    problems = band_problems([Band(10, 29, "A"), Band(31, 50, "B")], lowest=10, highest=50)
    assert problems == ["No band covers score 30."]


def test_an_overlap_names_both_bands_and_the_shared_scores():
    bands = [Band(10, 30, "Job focused"), Band(25, 50, "Career focused")]
    assert band_problems(bands, lowest=10, highest=50) == [
        "Bands “Job focused” (10–30) and “Career focused” (25–50) overlap on scores 25–30."
    ]


def test_a_band_inside_another_overlaps_it():
    bands = [Band(10, 50, "All"), Band(20, 22, "Small"), Band(30, 30, "Tiny")]
    problems = band_problems(bands, lowest=10, highest=50)
    assert "Bands “All” (10–50) and “Small” (20–22) overlap on scores 20–22." in problems
    assert "Bands “All” (10–50) and “Tiny” (30–30) overlap on score 30." in problems


def test_no_bands_at_all_leave_the_whole_range_uncovered():
    assert band_problems([], lowest=10, highest=50) == ["No band covers scores 10–50."]


def test_a_band_upside_down_or_outside_the_range_is_named():
    problems = band_problems(
        [Band(30, 20, "Upside"), Band(5, 30, "Low"), Band(31, 60, "High")], lowest=10, highest=50
    )
    assert problems[0].startswith("“Upside” (30–20) starts above where it ends")
    assert "“Low” (5–30) covers scores 5–9, below the lowest possible score (10)." in problems
    assert "“High” (31–60) covers scores 51–60, above the highest possible score (50)." in problems


@st.composite
def tilings(draw):
    """Cut lowest..highest into consecutive bands at random points."""
    lowest = draw(st.integers(-20, 20))
    highest = lowest + draw(st.integers(0, 60))
    cuts = sorted(
        draw(st.sets(st.integers(lowest + 1, highest), max_size=6)) if highest > lowest else []
    )
    starts = [lowest, *cuts]
    ends = [c - 1 for c in cuts] + [highest]
    return [Band(s, e, f"B{s}") for s, e in zip(starts, ends, strict=True)], lowest, highest


@given(tilings())
def test_any_tiling_is_accepted_and_every_score_finds_exactly_one_band(tiling):
    bands, lowest, highest = tiling
    assert band_problems(bands, lowest=lowest, highest=highest) == []
    for total in range(lowest, highest + 1):
        assert sum(b.min_score <= total <= b.max_score for b in bands) == 1
        assert band_for(total, bands) is not None


@given(tilings(), st.data())
def test_removing_a_band_from_a_tiling_reports_its_scores_as_a_gap(tiling, data):
    bands, lowest, highest = tiling
    removed = bands.pop(data.draw(st.integers(0, len(bands) - 1)))
    problems = band_problems(bands, lowest=lowest, highest=highest)
    first, last = removed.min_score, removed.max_score
    span = f"score {first}" if first == last else f"scores {first}–{last}"
    assert problems == [f"No band covers {span}."]


@given(tilings(), st.data())
def test_stretching_a_band_into_its_neighbour_reports_an_overlap(tiling, data):
    bands, lowest, highest = tiling
    if len(bands) < 2:
        return
    i = data.draw(st.integers(0, len(bands) - 2))
    stretched = Band(bands[i].min_score, bands[i + 1].min_score, bands[i].title)
    bands[i] = stretched
    problems = band_problems(bands, lowest=lowest, highest=highest)
    assert len(problems) == 1 and "overlap on score " in problems[0]
