"""`make lighthouse` judges each page by its own targets (the run itself is in CI)."""

import shutil
import subprocess

import pytest

from devtools.lighthouse_check import LIGHTHOUSE_DIR, TARGETS, misses

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


@pytest.mark.subprocess
def test_the_lock_file_still_installs_with_npm_ci(tmp_path):
    """npm ci refuses a lock file out of step with package.json (a dependency asking for
    'latest' did that once, and CI failed at install); --dry-run checks it in half a second."""
    for name in ("package.json", "package-lock.json"):
        shutil.copy(LIGHTHOUSE_DIR / name, tmp_path / name)
    done = subprocess.run(
        ["npm", "ci", "--dry-run", "--no-audit", "--no-fund"],  # noqa: S607
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
