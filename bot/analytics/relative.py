"""Relative performance: both series rebased to 100, and their ratio with its moving average."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from bot.analytics.returns import window
from bot.analytics.series import aligned


@dataclass(frozen=True)
class ChartReport:
    """The points of a relative-performance chart: rebased lines and the A/B ratio."""

    a: str
    b: str
    period: str
    start: date
    end: date
    dates: list[date]
    a_rebased: list[float]
    b_rebased: list[float]
    ratio: list[float]
    ratio_average: list[float | None]
    a_return_pct: float
    b_return_pct: float


RATIO_AVERAGE_SESSIONS = 50


def relative_performance(
    a: pd.Series, b: pd.Series, as_of: date, period: str, a_key: str = "a", b_key: str = "b"
) -> ChartReport:
    """A and B on their common sessions in `period`, each rebased to 100 at the window's base
    close, and the ratio A/B with its simple moving average over 50 sessions (computed on the
    whole history, so it is defined from the window's first day when history allows).
    """
    frame = aligned(a, b, as_of)
    index = pd.DatetimeIndex(frame.index)
    span = window(index, period, as_of)
    values_a, values_b = frame["a"].to_numpy(), frame["b"].to_numpy()
    first = int(index.searchsorted(span.base, side="left"))
    last = int(index.searchsorted(span.end, side="right"))
    # Positions rather than labels: this runs for the chart of every streak and returns answer.
    ratio = values_a / values_b
    sums = np.concatenate(([0.0], np.cumsum(ratio)))
    n = RATIO_AVERAGE_SESSIONS
    at = np.arange(first, last)
    average = np.where(at >= n - 1, (sums[at + 1] - sums[np.maximum(at + 1 - n, 0)]) / n, np.nan)
    rebased_a = values_a[first:last] / values_a[first] * 100.0
    rebased_b = values_b[first:last] / values_b[first] * 100.0
    return ChartReport(
        a=a_key,
        b=b_key,
        period=period,
        start=span.base.date(),
        end=span.end.date(),
        dates=list(index[first:last].date),
        a_rebased=rebased_a.tolist(),
        b_rebased=rebased_b.tolist(),
        ratio=ratio[first:last].tolist(),
        ratio_average=[None if np.isnan(v) else float(v) for v in average],
        a_return_pct=float(rebased_a[-1] - 100.0),
        b_return_pct=float(rebased_b[-1] - 100.0),
    )
