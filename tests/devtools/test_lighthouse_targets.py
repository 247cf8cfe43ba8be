"""`make lighthouse` judges each page by its own targets (the run itself is in CI)."""

from devtools.lighthouse_check import TARGETS, misses

HOME, ARTICLE, QUESTION, RESULT = TARGETS
PERFECT = {"performance": 100, "accessibility": 100, "best-practices": 100, "seo": 100}


def test_a_perfect_page_passes_everywhere():
    assert all(misses(t, PERFECT | {"lcp_ms": 1200}, None) == [] for t in TARGETS)


def test_home_and_article_need_100_and_a_quick_lcp():
    figures = PERFECT | {"performance": 99, "lcp_ms": 1600}
    assert misses(ARTICLE, figures, None) == ["performance 99 < 100", "LCP 1600 ms > 1500 ms"]


def test_noindex_pages_are_not_judged_on_seo_and_need_95():
    figures = PERFECT | {"performance": 95, "seo": 60, "lcp_ms": 3000}
    assert misses(RESULT, figures, None) == []
    assert misses(QUESTION, figures | {"performance": 94}, None) == ["performance 94 < 95"]


def test_the_floor_lowers_performance_only():
    figures = PERFECT | {"performance": 91, "accessibility": 98, "lcp_ms": 1200}
    assert misses(HOME, figures, 90) == ["accessibility 98 < 100"]
