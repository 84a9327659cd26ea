"""The console, driven by piping commands into `python -m bot`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.handlers.conftest import STREAK, Market

pytestmark = pytest.mark.slow  # starts processes of its own


def test_piped_commands_are_answered_in_order_and_the_console_exits(market: Market) -> None:
    stdin = "/smallcaps streak\n\n# a comment\nreturns ytdd\nlevels\n"
    result = market.run(stdin=stdin)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"{STREAK} sessions in a row" in out
    assert "error: unknown period 'ytdd'" in out
    assert out.index("sessions in a row") < out.index("unknown period") < out.index("levels:")
    assert "smallcaps>" not in out  # no prompt when stdin is not a terminal
    # the first line says where the data comes from and where the state is kept
    assert out.splitlines()[0] == (
        f"smallcaps console · data: CSV files in {market.directory} · "
        f"state: embedded Redis in {market.home}"
    )
    # each answer follows the command it answers, a blank line between them
    assert "\n> /smallcaps streak\n" in out
    assert "\n\n> returns ytdd\nerror: unknown period 'ytdd'" in out
    assert "\n\n> levels\n" in out


def test_the_console_exits_without_a_traceback(market: Market) -> None:
    """The clock inside the console used to start with a run-once APScheduler job, which
    APScheduler removes after starting it: when the console exited first (one piped line), the
    scheduler's thread died with "JobLookupError: 'No job by the id of start was found'"."""
    for _ in range(4):
        result = market.run(stdin="help\n")
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr, result.stderr


def test_quit_stops_reading(market: Market) -> None:
    result = market.run(stdin="quit\nstreak\n")
    assert result.returncode == 0
    assert "sessions in a row" not in result.stdout


def test_a_chart_is_saved_as_a_png_and_its_path_printed(market: Market) -> None:
    result = market.run(stdin="chart 1y\n")
    assert result.returncode == 0, result.stderr
    line = next(li for li in result.stdout.splitlines() if li.startswith("Chart: "))
    path = Path(line.removeprefix("Chart: "))
    assert path.parent == market.home / "charts"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
