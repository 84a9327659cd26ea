"""Every benchmark still runs: each at a size that takes seconds, so a change to what it
drives (a signature, a store) breaks here rather than in the next person's measurement."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow  # starts processes of its own


@pytest.mark.parametrize(
    "arguments",
    [
        ["benchmarks.alerts", "--rules", "50000"],
        ["benchmarks.summaries", "--channels", "60"],
        ["benchmarks.workspaces", "--workspaces", "6", "--channels", "2"],
        ["benchmarks.symbols", "--symbols", "40", "--every", "20"],
        ["benchmarks.analytics"],
        ["benchmarks.http", "--requests", "40", "--seconds", "2"],
        ["benchmarks.shared_answers", "--workspaces", "5"],
    ],
    ids=lambda arguments: arguments[0],
)
def test_the_benchmark_runs(arguments: list[str]) -> None:
    run = subprocess.run(
        [sys.executable, "-m", *arguments],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Traceback" not in run.stderr
