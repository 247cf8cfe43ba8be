"""The webhook benchmark itself: it runs, counts every delivery once, and cleans up."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.integration
def test_bench_delivers_webhooks_with_two_workers_losing_and_duplicating_none():
    done = subprocess.run(
        [sys.executable, "-m", "devtools.bench_webhooks", "--burst", "40", "--stream", "20"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    rows = re.findall(
        r"^(burst|[\d.]+/s)\s+(\d+)\s+(\d+)\s+[\d.]+\s+([\d.]+)\s+\d+\s+\d+\s+(\d+)\s+(\d+)$",
        done.stdout,
        re.M,
    )
    assert [(name, events, arrived, lost, dup) for name, events, arrived, _, lost, dup in rows] == [
        ("burst", "40", "40", "0", "0"),
        ("30/s", "20", "20", "0", "0"),
    ], done.stdout
    assert "{'delivered': 60}; bad signatures: 0" in done.stdout
    workdir = re.search(r"receiver on loopback \((\S+)\)", done.stdout)[1]
    assert not Path(workdir).exists()
