"""The valuation gap: small-cap vs large-cap fund multiples, and how wide it is historically."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class ValuationRow:
    metric: str
    small: float | None
    large: float | None
    discount_pct: float | None
    percentile: float | None


@dataclass(frozen=True)
class ValuationReport:
    small: str
    large: str
    session: date | None
    """The last day recorded of both funds; None when none is."""
    rows: list[ValuationRow]
    recorded_days: int


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


def valuation(
    small: pd.DataFrame,
    large: pd.DataFrame,
    as_of: date,
    small_symbol: str = "small",
    large_symbol: str = "large",
) -> ValuationReport:
    """Multiples of the small-cap and large-cap funds on the last recorded day on or before
    `as_of`. The discount is small / large - 1 in percent (negative: small caps are cheaper).
    Its percentile is the share of earlier recorded days whose discount was shallower than
    today's: 95 means small caps were this cheap or cheaper on only 5% of recorded days. With no
    day recorded of both funds by `as_of`, every figure is None and `session` too.
    """
    both = pd.concat({"small": small, "large": large}, axis=1, join="inner")
    both = both.loc[: pd.Timestamp(as_of)]
    if both.empty:
        empty = [ValuationRow(label, None, None, None, None) for label in METRICS.values()]
        return ValuationReport(small_symbol, large_symbol, None, empty, 0)
    rows = []
    for metric, label in METRICS.items():
        s = both.get(("small", metric))
        lg = both.get(("large", metric))
        if s is None or lg is None:
            rows.append(ValuationRow(label, None, None, None, None))
            continue
        discounts = ((s / lg - 1.0) * 100.0).to_numpy(dtype=float)
        today = discounts[-1]
        small_value, large_value = s.iloc[-1], lg.iloc[-1]
        history = discounts[:-1][np.isfinite(discounts[:-1])]
        percentile = None
        if np.isfinite(today) and len(history):
            percentile = 100.0 * float(np.sum(history > today)) / len(history)
        rows.append(
            ValuationRow(
                label,
                float(small_value) if pd.notna(small_value) else None,
                float(large_value) if pd.notna(large_value) else None,
                float(today) if np.isfinite(today) else None,
                percentile,
            )
        )
    return ValuationReport(small_symbol, large_symbol, both.index[-1].date(), rows, len(both))
