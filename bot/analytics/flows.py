"""Implied ETF flows: the change in a fund's assets that its price change does not explain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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


def implied_flows(assets: pd.Series, prices: History, as_of: date) -> FlowRow:
    """Flows between consecutive recorded days up to `as_of`: assets(t) - assets(t-1) x
    close(t) / close(t-1), in dollars, the close being the last on or before each recorded day.

    The 1-day flow is the last interval's; the 5-day flow sums the last five intervals and is
    given only when five have been recorded.
    """
    symbol, name = prices.symbol, prices.name
    if prices.closes is None:
        return FlowRow(symbol, name, None, None, None, 0, None, None, prices.note or "no prices")
    recorded = assets.loc[: pd.Timestamp(as_of)].dropna()
    recorded = recorded[recorded > 0]
    days = len(recorded)
    first = recorded.index[0].date() if days else None
    if days == 0:
        return FlowRow(symbol, name, None, None, None, 0, None, None, "no assets recorded yet")
    closes = prices.closes.loc[: pd.Timestamp(as_of)]
    positions = closes.index.searchsorted(recorded.index, side="right") - 1
    if (positions < 0).any():
        return FlowRow(
            symbol,
            name,
            float(recorded.iloc[-1]),
            None,
            None,
            days,
            first,
            recorded.index[-1].date(),
            "no price on a recorded day",
        )
    price = closes.to_numpy()[positions]
    values = recorded.to_numpy()
    flows = values[1:] - values[:-1] * price[1:] / price[:-1]
    note = None
    if days < 2:
        note = "flows need two recorded days"
    elif days <= WINDOW_DAYS:
        note = f"5-day flow needs {WINDOW_DAYS + 1} recorded days"
    return FlowRow(
        symbol=symbol,
        name=name,
        assets=float(values[-1]),
        flow_1d=float(flows[-1]) if len(flows) else None,
        flow_5d=float(flows[-WINDOW_DAYS:].sum()) if len(flows) >= WINDOW_DAYS else None,
        days_recorded=days,
        first_recorded=first,
        last_recorded=recorded.index[-1].date(),
        note=note,
    )
