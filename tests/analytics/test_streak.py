"""Streak: consecutive sessions, ending at the as-of session, in which A's daily return beat B's."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from bot.analytics.streak import LongestSince, Run, outperformance_runs, streak
from bot.errors import NoDataError
from tests.factories import closes, from_returns

FLAT = [0.0] * 40


def pair(
    a_returns: list[float], b_returns: list[float] | None = None
) -> tuple[pd.Series, pd.Series]:
    b_returns = b_returns if b_returns is not None else [0.0] * len(a_returns)
    return from_returns(a_returns), from_returns(b_returns)


def sessions(series: pd.Series) -> list[date]:
    return [d.date() for d in series.index]


def test_current_run_counts_back_from_the_as_of_session() -> None:
    # sessions 0..6; A beats B (flat) on 1, 2, 4, 5, 6; loses on 3
    a, b = pair([1, 1, -1, 1, 1, 1])
    days = sessions(a)
    report = streak(a, b, days[-1], "rut", "spx")
    assert (report.a, report.b) == ("rut", "spx")
    assert report.length == 3
    assert (report.start, report.end) == (days[4], days[6])
    assert report.previous == Run(days[1], days[2], 2)
    assert report.longest_since is None  # no earlier run of 3 or more: longest on record
    assert report.percentile == 100.0
    assert report.runs_on_record == 1
    assert report.spread_pts == pytest.approx(1.0)
    assert report.a_return_pct == pytest.approx(1.0)


def test_as_of_inside_a_run_only_sees_data_up_to_that_date() -> None:
    a, b = pair([1, 1, -1, 1, 1, 1])
    days = sessions(a)
    report = streak(a, b, days[5])
    assert report.length == 2
    assert (report.start, report.end, report.session) == (days[4], days[5], days[5])


def test_as_of_on_a_non_trading_day_uses_the_last_session_before_it() -> None:
    a, b = pair([1, 1, 1])  # 2024-01-02 (Tue) .. 2024-01-05 (Fri)
    report = streak(a, b, date(2024, 1, 7))  # Sunday
    assert report.session == date(2024, 1, 5)
    assert report.length == 3


def test_a_tie_ends_a_run() -> None:
    a, b = pair([1, 1, 0.5, 1], [0, 0, 0.5, 0])
    days = sessions(a)
    report = streak(a, b, days[-1])
    assert report.length == 1
    assert report.previous == Run(days[1], days[2], 2)


def test_no_streak_when_a_lost_on_the_as_of_session() -> None:
    a, b = pair([1, 1, -1])
    days = sessions(a)
    report = streak(a, b, days[-1])
    assert report.length == 0
    assert report.start is None and report.end is None
    assert report.longest_since is None and report.percentile is None
    assert report.previous == Run(days[1], days[2], 2)
    assert report.spread_pts == pytest.approx(-1.0)


def test_longest_since_is_the_most_recent_earlier_run_at_least_as_long() -> None:
    # runs: 5 (sessions 1-5), 2 (7-8), 3 (10-12), then the current one
    pattern = [1] * 5 + [-1] + [1] * 2 + [-1] + [1] * 3 + [-1]
    a3, b3 = pair([*pattern, 1, 1, 1])
    days = sessions(a3)
    report = streak(a3, b3, days[-1])
    assert report.length == 3
    assert report.longest_since == LongestSince(days[12], 3)
    a4, b4 = pair([*pattern, 1, 1, 1, 1])
    report = streak(a4, b4, sessions(a4)[-1])
    assert report.length == 4
    assert report.longest_since == LongestSince(days[5], 5)


def test_percentile_counts_equal_runs_as_half() -> None:
    # completed runs 1, 1, 2, 4; current 2: shorter 2, equal 1 -> (2 + 0.5) / 4
    pattern = [1, -1, 1, -1, 1, 1, -1, 1, 1, 1, 1, -1, 1, 1]
    a, b = pair(pattern)
    report = streak(a, b, sessions(a)[-1])
    assert report.length == 2
    assert report.runs_on_record == 4
    assert report.percentile == pytest.approx(62.5)


def test_series_are_aligned_on_common_sessions() -> None:
    # B has no close on 01-04: A's return is measured 01-03 -> 01-05 like B's.
    a = closes([100, 101, 90, 103], dates=["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"])
    b = closes([100, 100, 102], dates=["2024-01-02", "2024-01-03", "2024-01-05"])
    report = streak(a, b, date(2024, 1, 5))
    # A: 101 -> 103 is +1.98%, B: 100 -> 102 is +2%: A did not beat B, though A rose 14% on 01-05
    assert report.length == 0
    assert report.previous == Run(date(2024, 1, 3), date(2024, 1, 3), 1)
    assert report.spread_pts == pytest.approx((103 / 101 - 1) * 100 - 2.0)


def test_a_single_session_has_no_streak_and_no_spread() -> None:
    a, b = closes([100]), closes([200])
    report = streak(a, b, date(2024, 1, 2))
    assert report.length == 0
    assert report.spread_pts is None
    assert report.previous is None
    assert report.runs_on_record == 0


def test_as_of_before_the_first_date_is_a_clear_error() -> None:
    a, b = pair([1, 1])
    with pytest.raises(NoDataError, match="on or before 2023-12-29"):
        streak(a, b, date(2023, 12, 29))


def test_runs_are_found_without_a_python_loop_over_sessions() -> None:
    a, b = pair([1, -1, 1, 1, -1, 1, 1, 1])
    runs = outperformance_runs(a, b, sessions(a)[-1])
    assert runs.lengths.tolist() == [1, 2, 3]
    assert runs.open is True
    assert runs.completed.tolist() == [True, True, False]
