"""Implied ETF flows: the change in a fund's assets that its price change does not explain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from bot.analytics.series import History


@dataclass(frozen=True)
class FlowRow:
    symbol: str
    name: str
    assets: float | None
    flow_1d: float | None
    flow_5d: float | None
    days_recorded: int
    first_recorded: date | None
    last_recorded: date | None
    note: str | None = None


@dataclass(frozen=True)
class FlowsReport:
    """Implied net flows in dollars, from the fund assets the bot has recorded."""

    session: date
    rows: list[FlowRow]


WINDOW_DAYS = 5


def implied_flows(
    assets: pd.Series, prices: History, as_of: date, sessions: pd.DatetimeIndex
) -> FlowRow:
    """Flows between consecutive recorded days up to `as_of`: assets(t) - assets(t-1) x
    close(t) / close(t-1), in dollars. A recorded day's close is the fund's close on the last of
    `sessions` (the exchange's) on or before it; a day without that close has no flow into or
    out of it, never one that takes its price as unchanged.

    The 1-day flow is the last interval's; the 5-day flow sums the last five intervals and is
    given only when five have been recorded and each has its prices.
    """
    symbol, name = prices.symbol, prices.name
    if prices.closes is None:
        return FlowRow(symbol, name, None, None, None, 0, None, None, prices.note or "no prices")
    recorded = assets.loc[: pd.Timestamp(as_of)].dropna()
    recorded = recorded[recorded > 0]
    days = len(recorded)
    if days == 0:
        return FlowRow(symbol, name, None, None, None, 0, None, None, "no assets recorded yet")
    first, last = recorded.index[0].date(), recorded.index[-1].date()
    positions = sessions.searchsorted(recorded.index, side="right") - 1
    on_session = sessions[positions.clip(0)].where(positions >= 0)
    price = prices.closes.reindex(on_session).to_numpy(dtype=float)
    values = recorded.to_numpy()
    flows = values[1:] - values[:-1] * price[1:] / price[:-1]
    shown = slice(-(WINDOW_DAYS + 1), None)  # the days the 1-day and 5-day flows read
    unpriced = [
        day.date().isoformat()
        for day, close in zip(recorded.index[shown], price[shown], strict=True)
        if not close > 0
    ]
    note = None
    if days < 2:
        note = "flows need two recorded days"
    elif unpriced:
        note = f"no {symbol} close on {', '.join(unpriced)}: no price, no flow"
    elif days <= WINDOW_DAYS:
        note = f"5-day flow needs {WINDOW_DAYS + 1} recorded days"
    five = flows[-WINDOW_DAYS:]
    return FlowRow(
        symbol=symbol,
        name=name,
        assets=float(values[-1]),
        flow_1d=float(flows[-1]) if len(flows) and np.isfinite(flows[-1]) else None,
        flow_5d=float(five.sum())
        if len(flows) >= WINDOW_DAYS and np.isfinite(five).all()
        else None,
        days_recorded=days,
        first_recorded=first,
        last_recorded=last,
        note=note,
    )
