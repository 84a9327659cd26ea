"""The valuation gap: each fund's multiples against the large-cap fund's, and how wide each gap
is against the days recorded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class ValuationRow:
    metric: str
    small: float | None
    """The fund's multiple (small, mid or micro caps)."""
    large: float | None
    """The large-cap fund's multiple."""
    discount_pct: float | None
    percentile: float | None
    days: int
    """The earlier recorded days with a gap that the percentile rests on (0 without one)."""


@dataclass(frozen=True)
class FundValuation:
    """One fund against the large-cap fund."""

    label: str
    symbol: str
    large: str
    session: date | None
    """The last day recorded of both funds; None when none is."""
    rows: list[ValuationRow]
    recorded_days: int
    """Days recorded of both funds, up to `session`."""


@dataclass(frozen=True)
class ValuationReport:
    """Each fund against the same large-cap fund, each as of its own last recorded day."""

    large: str
    large_label: str
    session: date | None
    """The newest of the funds' sessions; None when no fund has one."""
    funds: list[FundValuation]


Fund = tuple[str, str, pd.DataFrame]
"""A fund as valuation reads it: its label, its symbol and the days recorded of it."""

METRICS: dict[str, str] = {"pe": "P/E", "pb": "P/B", "ps": "P/S", "pcf": "P/CF"}

PLAUSIBLE: dict[str, tuple[float, float]] = {
    "pe": (4.0, 80.0),
    "pb": (0.7, 15.0),
    "ps": (0.2, 12.0),
    "pcf": (2.0, 60.0),
}
"""Ranges a broad equity fund's multiples fall in; Yahoo sometimes sends the reciprocal."""


def plausible_ratio(metric: str, value: float | None) -> float | None:
    """`value` when it is a plausible fund multiple, its reciprocal when that is, else None.

    Yahoo reports some fund multiples as yields (0.05 for a P/E of 20).
    """
    if value is None or not np.isfinite(value) or value <= 0:
        return None
    low, high = PLAUSIBLE[metric]
    if low <= value <= high:
        return float(value)
    if low <= 1.0 / value <= high:
        return 1.0 / float(value)
    return None


def valuations(funds: Sequence[Fund], large: Fund, as_of: date) -> ValuationReport:
    """Each of `funds` against `large`, as `valuation` compares two, each on its own last day
    recorded of both on or before `as_of`; a fund with no such day has None figures."""
    large_label, large_symbol, large_history = large
    rows = [
        valuation(history, large_history, as_of, symbol, large_symbol, label)
        for label, symbol, history in funds
    ]
    session = max((f.session for f in rows if f.session is not None), default=None)
    return ValuationReport(large_symbol, large_label, session, rows)


def valuation(
    small: pd.DataFrame,
    large: pd.DataFrame,
    as_of: date,
    small_symbol: str = "small",
    large_symbol: str = "large",
    label: str = "",
) -> FundValuation:
    """Multiples of the small-cap and large-cap funds on the last day recorded of both on or
    before `as_of`. The discount is small / large - 1 in percent (negative: small caps are
    cheaper). Its percentile is the share of earlier recorded days whose discount was shallower
    than today's: 95 means small caps were this cheap or cheaper on only 5% of recorded days;
    `days` counts those earlier days (the ones with a discount). With no day recorded of both
    funds by `as_of`, every figure is None and `session` too.
    """
    both = pd.concat({"small": small, "large": large}, axis=1, join="inner")
    both = both.loc[: pd.Timestamp(as_of)]
    if both.empty:
        empty = [ValuationRow(name, None, None, None, None, 0) for name in METRICS.values()]
        return FundValuation(label, small_symbol, large_symbol, None, empty, 0)
    rows = [
        _row(name, both.get(("small", metric)), both.get(("large", metric)))
        for metric, name in METRICS.items()
    ]
    return FundValuation(label, small_symbol, large_symbol, both.index[-1].date(), rows, len(both))


def _row(metric: str, small: pd.Series | None, large: pd.Series | None) -> ValuationRow:
    """One metric on the last day of `small` and `large`, and its discount's percentile among
    the earlier days."""
    if small is None or large is None:
        return ValuationRow(metric, None, None, None, None, 0)
    discounts = ((small / large - 1.0) * 100.0).to_numpy(dtype=float)
    today = discounts[-1]
    history = discounts[:-1][np.isfinite(discounts[:-1])]
    percentile = None
    if np.isfinite(today) and len(history):
        percentile = 100.0 * float(np.sum(history > today)) / len(history)
    return ValuationRow(
        metric,
        _figure(small.iloc[-1]),
        _figure(large.iloc[-1]),
        float(today) if np.isfinite(today) else None,
        percentile,
        len(history) if percentile is not None else 0,
    )


def _figure(value: float) -> float | None:
    return float(value) if pd.notna(value) else None
