"""`python -m bot ask` end to end, in a subprocess, on a CSV directory made by the test."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta

import pytest

from tests.handlers.conftest import STREAK, Market

pytestmark = pytest.mark.slow  # starts processes of its own


def test_streak_as_text(market: Market) -> None:
    result = market.run("ask", "streak")
    assert result.returncode == 0, result.stderr
    assert f"{STREAK} sessions in a row, since {market.streak_start.isoformat()}" in result.stdout
    assert f"As of {market.last.isoformat()}" in result.stdout
    assert "CSV files" in result.stdout
    assert str(market.directory) not in result.stdout  # server paths stay in the log


def test_streak_json_keeps_the_figure_names(market: Market) -> None:
    result = market.run("ask", "streak", "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert set(answer) >= {"command", "as_of", "figures", "text"}
    assert answer["command"] == "streak"
    assert answer["as_of"] == market.last.isoformat()
    figures = answer["figures"]
    for name in (
        "a",
        "b",
        "length",
        "start",
        "end",
        "spread_pts",
        "longest_since",
        "previous",
        "percentile",
    ):
        assert name in figures
    assert (figures["a"], figures["b"]) == ("rut", "spx")
    assert figures["length"] == STREAK
    assert figures["start"] == market.streak_start.isoformat()
    assert figures["end"] == market.last.isoformat()
    assert figures["spread_pts"] == round((1.01 - 1) * 100 - 0.0, 6)
    assert set(figures["previous"]) == {"start", "end", "length"}


def test_as_of_answers_with_data_up_to_that_date(market: Market) -> None:
    before = market.streak_start - timedelta(days=1)
    result = market.run("ask", "streak", "--as-of", before.isoformat(), "--json")
    answer = json.loads(result.stdout)
    assert answer["as_of"] <= before.isoformat()
    assert answer["figures"]["length"] == 0  # the session before the streak was a loss
    inline = json.loads(market.run("ask", f"streak as of {before.isoformat()}", "--json").stdout)
    assert inline["figures"] == answer["figures"]


def test_returns_json_rows(market: Market) -> None:
    result = market.run("ask", "returns ytd rut spx ndx mid", "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)["figures"]
    assert figures["period"] == "ytd"
    assert {"start", "end", "rows", "spread_pts"} <= set(figures)
    keys = [row["key"] for row in figures["rows"]]
    assert keys == ["rut", "spx", "ndx", "mid"]
    for row in figures["rows"]:
        assert {"key", "symbol", "name", "return_pct", "vol_pct"} <= set(row)
    mid = figures["rows"][3]
    assert mid["return_pct"] is None and "no data file for ^SP400" in mid["note"]
    rut, spx = figures["rows"][:2]
    assert figures["spread_pts"] == pytest.approx(rut["return_pct"] - spx["return_pct"], abs=1e-5)


def test_precedents_json(market: Market) -> None:
    result = market.run("ask", "precedents 3", "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)["figures"]
    assert figures["min_length"] == 3
    assert figures["current"]["length"] == STREAK
    for episode in figures["episodes"]:
        assert episode["length"] >= 3
        assert set(episode["forward"]) == {"3m", "6m", "12m"}
        for horizon in episode["forward"].values():
            assert horizon is None or set(horizon) == {"a", "b"}
        assert episode["end"] < figures["current"]["start"]


def test_bad_input_exits_non_zero_with_one_line_on_stderr(market: Market) -> None:
    result = market.run("ask", "returns ytdd")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "unknown period 'ytdd': did you mean ytd?" in lines[0]


def test_missing_data_exits_non_zero(market: Market) -> None:
    result = market.run("ask", "streak nothere vs spx")
    assert result.returncode == 1
    assert "no data file for NOTHERE (NOTHERE.csv)" in result.stderr
    assert str(market.directory) not in result.stderr
    result = market.run("ask", "streak", "--as-of", "1999-01-04")
    assert result.returncode == 1
    assert "on or before 1999-01-04" in result.stderr


def test_every_read_only_command_answers(market: Market) -> None:
    for text in ("help", "help streak", "returns 2021", "sizes", "levels", "status"):
        result = market.run("ask", text)
        assert result.returncode == 0, (text, result.stderr)
        assert result.stdout.strip(), text


def test_a_reader_that_stops_reading_ends_it_quietly(market: Market) -> None:
    # --json of a replay firing most sessions is far more than a pipe holds (64 KiB)
    for args in (["alert test spx move 0.01 since 2020-02-03", "--json"], ["help"]):
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "ask", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=market.env(),
        )
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.read(100)  # the first bytes, then the reader goes away: `| head -c`
        process.stdout.close()
        assert process.wait(timeout=120) == 0
        assert process.stderr.read() == b"", args


def test_json_errors_are_json_on_stdout_too(market: Market) -> None:
    result = market.run("ask", "returns ytdd", "--json")
    assert result.returncode == 2
    error = json.loads(result.stdout)["error"]
    assert error["status"] == 2 and error["example"] == "returns ytd"
    assert error["message"].startswith("unknown period 'ytdd'")
    assert result.stderr.startswith("smallcaps: unknown period 'ytdd'")
    missing = json.loads(market.run("ask", "streak nothere vs spx", "--json").stdout)
    assert missing["error"]["status"] == 1


def test_a_year_still_to_come_is_bad_input(market: Market) -> None:
    result = market.run("ask", f"returns {market.last.year + 1}")
    assert result.returncode == 2
    assert "has not happened yet" in result.stderr


def test_a_negative_level_is_bad_input_and_nothing_is_stored(market: Market) -> None:
    for text in (
        "alert add rut above -2750",
        "alert add spread 1000",
        "alert add rut above 2750 band -1%",
    ):
        result = market.run("ask", text)
        assert result.returncode == 2, text
        assert result.stdout == ""
    listing = market.run("ask", "alert list")
    assert "None yet" in listing.stdout


@pytest.mark.parametrize("text", ["fed", "sectors", "valuation", "flows", "macro"])
def test_a_command_with_no_data_at_all_exits_1_saying_why(market: Market, text: str) -> None:
    # the market has the Russell 2000 and the S&P 500 only: no futures, sector or fund data
    result = market.run("ask", text)
    assert result.returncode == 1, result.stdout
    assert len(result.stderr.strip().splitlines()) == 1
    answer = json.loads(market.run("ask", text, "--json").stdout)
    assert answer["error"]["status"] == 1
