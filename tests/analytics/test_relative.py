"""Relative performance: rebased lines and the ratio with its moving average."""

from __future__ import annotations

import pandas as pd
import pytest

from bot.analytics.relative import RATIO_AVERAGE_SESSIONS, relative_performance
from tests.factories import from_returns


def test_rebased_lines_and_ratio_by_hand() -> None:
    a = from_returns([1.0] * 80, start="2024-01-01")
    b = from_returns([0.0] * 80, start="2024-01-01")
    as_of = a.index[-1].date()
    chart = relative_performance(a, b, as_of, "1m", "rut", "spx")
    assert (chart.a, chart.b, chart.period) == ("rut", "spx", "1m")
    base = a.index[a.index.searchsorted(a.index[-1] - pd.DateOffset(months=1), side="right") - 1]
    assert chart.start == base.date() and chart.end == as_of
    assert chart.dates[0] == chart.start and chart.dates[-1] == as_of
    sessions = len(chart.dates) - 1
    assert chart.a_rebased[0] == pytest.approx(100.0)
    assert chart.a_rebased[-1] == pytest.approx(100 * 1.01**sessions)
    assert chart.b_rebased == pytest.approx([100.0] * len(chart.dates))
    assert chart.a_return_pct == pytest.approx((1.01**sessions - 1) * 100)
    assert chart.ratio[-1] == pytest.approx(a.iloc[-1] / b.iloc[-1])
    expected = (a / b).iloc[-RATIO_AVERAGE_SESSIONS:].mean()
    assert chart.ratio_average[-1] == pytest.approx(expected)


def test_the_average_is_missing_until_there_are_enough_sessions() -> None:
    a = from_returns([0.5] * 30, start="2024-01-01")
    b = from_returns([0.1] * 30, start="2024-01-01")
    chart = relative_performance(a, b, a.index[-1].date(), "1m")
    assert all(v is None for v in chart.ratio_average)
