"""Relative performance: both series rebased to 100, and their ratio with its moving average."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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
    span = window(pd.DatetimeIndex(frame.index), period, as_of)
    ratio = frame["a"] / frame["b"]
    average = ratio.rolling(RATIO_AVERAGE_SESSIONS).mean()
    inside = frame.loc[span.base : span.end]
    rebased = inside / inside.iloc[0] * 100.0
    return ChartReport(
        a=a_key,
        b=b_key,
        period=period,
        start=span.base.date(),
        end=span.end.date(),
        dates=[d.date() for d in inside.index],
        a_rebased=rebased["a"].tolist(),
        b_rebased=rebased["b"].tolist(),
        ratio=ratio.loc[inside.index].tolist(),
        ratio_average=[None if pd.isna(v) else float(v) for v in average.loc[inside.index]],
        a_return_pct=float(rebased["a"].iloc[-1] - 100.0),
        b_return_pct=float(rebased["b"].iloc[-1] - 100.0),
    )
