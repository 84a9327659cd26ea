"""The size ladder: the change of each size segment, and whether the order is inverse to size."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from bot.analytics.returns import returns_table
from bot.analytics.series import History
from bot.errors import NoDataError


@dataclass(frozen=True)
class SizeRow:
    segment: str
    key: str
    symbol: str
    name: str
    return_pct: float | None
    note: str | None = None


@dataclass(frozen=True)
class SizesReport:
    period: str
    start: date
    end: date
    rows: list[SizeRow]
    rank_correlation: float | None
    order: str


def rank_correlation(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Spearman's rank correlation: the Pearson correlation of the ranks (ties share a rank)."""
    rx = pd.Series(x, dtype=float).rank().to_numpy()
    ry = pd.Series(y, dtype=float).rank().to_numpy()
    if len(rx) < 3 or rx.std() == 0 or ry.std() == 0:
        return None
    return float(np.corrcoef(rx, ry)[0, 1])


def describe_order(correlation: float | None) -> str:
    if correlation is None:
        return "not enough segments to compare"
    if correlation >= 0.999:
        return "perfectly inverse to size: the smaller, the better"
    if correlation >= 0.6:
        return "mostly inverse to size"
    if correlation <= -0.999:
        return "perfectly in size order: the larger, the better"
    if correlation <= -0.6:
        return "mostly in size order"
    return "mixed: no clear size order"


def size_ladder(segments: Sequence[tuple[str, History]], period: str, as_of: date) -> SizesReport:
    """Each size segment's return over `period` (largest segment first), and the rank correlation
    between smallness (1 = largest segment) and return: +1 when the order is exactly inverse to
    size, -1 when the largest did best and every step down did worse.
    """
    if all(h.closes is None or h.closes.empty for _, h in segments):
        why = "; ".join(f"{name}: {h.note or 'no data'}" for name, h in segments)
        raise NoDataError(f"no size segment has prices ({why})")
    table = returns_table([history for _, history in segments], period, as_of)
    rows = [
        SizeRow(segment, row.key, row.symbol, row.name, row.return_pct, row.note)
        for (segment, _), row in zip(segments, table.rows, strict=True)
    ]
    known = [
        (smallness, row.return_pct)
        for smallness, row in enumerate(rows)
        if row.return_pct is not None
    ]
    correlation = rank_correlation([s for s, _ in known], [r for _, r in known])
    return SizesReport(
        period, table.start, table.end, rows, correlation, describe_order(correlation)
    )
