"""Macro backdrop: yields, volatility and credit, with their recent changes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from bot.analytics.fedwatch import RatePath
from bot.analytics.series import History, position_on_or_before


@dataclass(frozen=True)
class MacroRow:
    key: str
    name: str
    value: float | None
    unit: str
    change_1d: float | None
    change_5d: float | None
    change_1m: float | None
    change_unit: str
    note: str | None = None


@dataclass(frozen=True)
class MacroReport:
    session: date
    rows: list[MacroRow]
    rates: RatePath | None = None
    """The rate path the futures price, when read."""
    horizon: date | None = None
    """The year end the cuts "priced for the year" count to."""


_LOOKBACKS = {"1d": 1, "5d": 5}


def yield_in_percent(closes: pd.Series) -> pd.Series:
    """Yahoo quoted ^TNX and ^IRX as ten times the yield until 2019: bring those back to percent."""
    return closes.where(closes < 20.0, closes / 10.0)


def _changes(closes: pd.Series, unit: str) -> tuple[float | None, ...]:
    """Changes over 1 and 5 sessions and a month: in basis points, points or percent."""
    values = closes.to_numpy()
    index = pd.DatetimeIndex(closes.index)
    last = values[-1]
    month = position_on_or_before(index, index[-1] - pd.DateOffset(months=1))
    positions = [len(values) - 1 - n for n in _LOOKBACKS.values()] + [month]
    result: list[float | None] = []
    for p in positions:
        if p < 0:
            result.append(None)
        elif unit == "bp":
            result.append(float((last - values[p]) * 100.0))
        elif unit == "pts":
            result.append(float(last - values[p]))
        else:
            result.append(float((last / values[p] - 1.0) * 100.0))
    return tuple(result)


def macro(
    yields: Sequence[History],
    vix: History,
    credit: tuple[History, History],
    as_of: date,
    spreads: Sequence[History] = (),
) -> MacroReport:
    """Each yield's level in % and changes in basis points; the VIX level and its change in points;
    credit as the HYG/IEF price ratio and its change in % (falling: credit under stress), and
    credit spreads in % with changes in basis points (rising: stress).
    Changes are over 1 and 5 sessions and 1 calendar month.
    """
    stamp = pd.Timestamp(as_of)
    rows: list[MacroRow] = []
    sessions: list[pd.Timestamp] = []

    def add(
        key: str, name: str, closes: pd.Series | None, unit: str, change_unit: str, note: str | None
    ) -> None:
        if closes is not None:
            closes = closes.loc[:stamp].dropna()
        if closes is None or closes.empty:
            rows.append(
                MacroRow(key, name, None, unit, None, None, None, change_unit, note or "no data")
            )
            return
        sessions.append(closes.index[-1])
        d1, d5, m1 = _changes(closes, change_unit)
        rows.append(MacroRow(key, name, float(closes.iloc[-1]), unit, d1, d5, m1, change_unit))

    for history in yields:
        closes = yield_in_percent(history.closes) if history.closes is not None else None
        add(history.key, history.name, closes, "%", "bp", history.note)
    add(vix.key, vix.name, vix.closes, "pts", "pts", vix.note)
    high_yield, treasuries = credit
    ratio = None
    if high_yield.closes is not None and treasuries.closes is not None:
        ratio = (high_yield.closes / treasuries.closes).dropna()
    note = high_yield.note or treasuries.note
    add("credit", f"Credit ({high_yield.symbol}/{treasuries.symbol})", ratio, "ratio", "%", note)
    for spread in spreads:
        add(spread.key, spread.name, spread.closes, "%", "bp", spread.note)
    session = max(sessions).date() if sessions else as_of
    return MacroReport(session, rows)
