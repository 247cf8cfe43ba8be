"""`make bench` keeps working: a one-second run starts everything, measures, and cleans up;
and a few form submits go through with both SMTP sinks."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from devtools.bench import percentile

BASE_DIR = Path(__file__).resolve().parents[2]


def test_percentile_is_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 95) == 95.0
    assert percentile([3.0], 95) == 3.0
    assert percentile([], 95) == 0.0


@pytest.mark.integration
@pytest.mark.parametrize("tool", ["auto", "python"])
def test_bench_measures_both_urls_and_leaves_nothing_behind(tool):
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "devtools.bench",
            "--part=pages",
            "--seconds=1",
            "--rounds=1",
            f"--tool={tool}",
            "--submits=4",
        ],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Redis page cache holds the article page: True" in done.stdout
    # Page views are counted through the Redis buffer, none written one by one.
    counted = re.search(
        r"Article views counted: (\d+) waiting in Redis, (\d+) written", done.stdout
    )
    assert counted and int(counted[1]) > 0 and counted[2] == "0", done.stdout
    rows = {}
    for label in (
        "WhiteNoise alone",
        "article page (page cache)",
        "article page (uncached)",
        "home (page cache)",
        "article list (page cache)",
    ):
        row = re.search(
            rf"^{re.escape(label)}\s+([\d.]+)\s+[\d.]+\s+[\d.]+\s+(\d+)\s+(\d+)\s+([\d.]+)x$",
            done.stdout,
            re.M,
        )
        assert row, done.stdout
        requests_per_second, size, failed = float(row[1]), int(row[2]), int(row[3])
        assert requests_per_second > 0 and size > 1000 and failed == 0
        rows[label] = size
    # The baseline serves the article page's exact bytes.
    assert rows["WhiteNoise alone"] == rows["article page (page cache)"]
    assert re.search(r"^RATIO article page \(page cache\)\s+[\d.]+x to [\d.]+x", done.stdout, re.M)
    for sink in ("answers at once", "answers after 2 s"):
        row = re.search(rf"^{sink}\s+(\d+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+\d+$", done.stdout, re.M)
        assert row, done.stdout
        assert (row[1], row[2]) == ("4", "4")  # every submit reached the result page
    # Quiz steps can't be cached: their latency is reported for every step kind and sink.
    steps = re.findall(r"^QUIZ .+?(GET|POST)\)\s+(\d+)\s+([\d.]+)\s+([\d.]+)$", done.stdout, re.M)
    assert len(steps) == 4 and all(int(count) == 4 * 10 for _, count, _, _ in steps), done.stdout
    workdir = re.search(r"Preparing the site in (\S+)", done.stdout)[1]
    assert not Path(workdir).exists()


@pytest.mark.integration
def test_bench_delivers_due_follow_ups_with_two_workers_losing_and_duplicating_none():
    done = subprocess.run(
        [sys.executable, "-m", "devtools.bench", "--part", "emails", "--emails", "60"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "60 due, 60 handed to the workers" in done.stdout
    row = re.search(r"^SMTP sink\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)\s+(\d+)$", done.stdout, re.M)
    assert row, done.stdout
    received, per_second, lost, duplicated = int(row[1]), float(row[3]), int(row[4]), int(row[5])
    assert (received, lost, duplicated) == (60, 0, 0)
    assert per_second > 0
    assert "Outbox after the run: {'sent': 60}" in done.stdout
    workdir = re.search(r"due follow-ups in (\S+)", done.stdout)[1]
    assert not Path(workdir).exists()
