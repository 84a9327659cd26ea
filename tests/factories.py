"""Price data made by the tests themselves: no test needs a file from outside the project."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bot.clock import FixedClock
from bot.summaries.compose import SummaryReport
from bot.summaries.store import Subscription


def closes(
    values: Sequence[float], start: str = "2024-01-02", dates: Sequence[str] | None = None
) -> pd.Series:
    """A close series on consecutive business days from `start`, or on the given dates."""
    index = (
        pd.DatetimeIndex(dates) if dates is not None else pd.bdate_range(start, periods=len(values))
    )
    return pd.Series(np.asarray(values, dtype=float), index=index.astype("datetime64[ns]"))


def from_returns(
    daily_pct: Sequence[float], start: str = "2024-01-02", first: float = 100.0
) -> pd.Series:
    """Closes whose daily returns are `daily_pct` (in percent), starting from `first`."""
    values = first * np.cumprod(np.concatenate(([1.0], 1.0 + np.asarray(daily_pct) / 100.0)))
    return closes(values, start)


def random_walk(
    years: int, seed: int, start: str = "1986-01-02", drift: float = 0.0003, vol: float = 0.012
) -> pd.Series:
    """A reproducible daily random walk over `years` of business days."""
    index = pd.bdate_range(start, periods=years * 252)
    rng = np.random.default_rng(seed)
    values = 1000.0 * np.exp(np.cumsum(rng.normal(drift, vol, len(index))))
    return pd.Series(values, index=index.astype("datetime64[ns]"))


def write_flat_csv(path: Path, series: pd.Series, adj_close: bool = True) -> None:
    """The flat layout yfinance writes: Date,Open,High,Low,Close[,Adj Close],Volume."""
    frame = pd.DataFrame(
        {"Open": series, "High": series * 1.01, "Low": series * 0.99, "Close": series}
    )
    if adj_close:
        frame["Adj Close"] = series * 0.9
    frame["Volume"] = 1000
    frame.index.name = "Date"
    frame.to_csv(path, date_format="%Y-%m-%d")


def yf_frame(
    columns: dict[str, pd.Series],
    fields: Sequence[str] = ("Adj Close", "Close", "High", "Low", "Open", "Volume"),
) -> pd.DataFrame:
    """A frame shaped like `yf.download(..., multi_level_index=True)`: (Price, Ticker) columns."""
    parts = {}
    for field in fields:
        for symbol, series in columns.items():
            parts[(field, symbol)] = series if field != "Volume" else series * 0 + 1000
    frame = pd.DataFrame(parts)
    frame.columns = pd.MultiIndex.from_tuples(frame.columns, names=["Price", "Ticker"])
    frame.index.name = "Date"
    return frame


def write_multiheader_csv(path: Path, columns: dict[str, pd.Series]) -> None:
    """The three-header-row layout that `yf.download(...).to_csv()` writes."""
    yf_frame(columns).to_csv(path, date_format="%Y-%m-%d")


def write_two_column_csv(path: Path, series: pd.Series, name: str) -> None:
    frame = series.rename(name).to_frame()
    frame.index.name = "Date"
    frame.to_csv(path, date_format="%Y-%m-%d")


EQUITY_HOLDINGS_ROWS = [
    "Price/Earnings",
    "Price/Book",
    "Price/Sales",
    "Price/Cashflow",
    "Median Market Cap",
    "3 Year Earnings Growth",
]


def equity_holdings(
    symbol: str, values: Sequence[Any], category: Sequence[Any] | None = None
) -> pd.DataFrame:
    """A frame shaped like yfinance's `Ticker(symbol).funds_data.equity_holdings`."""
    category = category if category is not None else [0.06, 2.5, 1.5, 0.08, 3000.0, 0.1]
    frame = pd.DataFrame(
        {"Average": EQUITY_HOLDINGS_ROWS, symbol: list(values), "Category Average": list(category)}
    )
    return frame.set_index("Average")


STREAK = 6


@dataclass(frozen=True)
class StreakMarket:
    last: date
    streak_start: date

    @property
    def evening(self) -> str:
        """The evening after its last session (for SMALLCAPS_NOW): answers are then about
        today's session, whatever day the tests run."""
        return f"{self.last.isoformat()}T22:00:00+00:00"

    @property
    def clock(self) -> FixedClock:
        return FixedClock(datetime.fromisoformat(self.evening))


def write_streak_market(directory: Path) -> StreakMarket:
    """^RUT (flat CSV), ^GSPC (yfinance multi-header), ^IXIC (two columns) and IWM, six years.

    On the last 6 sessions ^RUT rises 1% while ^GSPC is flat; the session before, ^RUT falls 1%
    while ^GSPC rises: the streak is exactly 6 sessions.
    """
    spx = random_walk(6, seed=1, start="2020-01-02")
    rut = random_walk(6, seed=2, start="2020-01-02")
    tail = STREAK + 1
    rut_tail = rut.iloc[-tail - 1] * np.cumprod([0.99] + [1.01] * STREAK)
    spx_tail = spx.iloc[-tail - 1] * np.array([1.01] * tail)
    rut = pd.concat([rut.iloc[:-tail], pd.Series(rut_tail, index=rut.index[-tail:])])
    spx = pd.concat([spx.iloc[:-tail], pd.Series(spx_tail, index=spx.index[-tail:])])
    write_flat_csv(directory / "^RUT.csv", rut)
    write_multiheader_csv(directory / "^GSPC.csv", {"^GSPC": spx})
    write_two_column_csv(
        directory / "^IXIC.csv", random_walk(6, seed=3, start="2020-01-02"), "^IXIC"
    )
    write_flat_csv(directory / "IWM.csv", rut / 10, adj_close=False)
    return StreakMarket(last=rut.index[-1].date(), streak_start=rut.index[-STREAK].date())


class RecordedSummaries:
    """A summary outlet that keeps what it was given: renders, posts and charts, in order."""

    def __init__(self) -> None:
        self.renders: list[SummaryReport] = []
        self.posts: list[tuple[str, date, str | None]] = []
        self.charts: list[tuple[str, str]] = []

    def render(self, summary: SummaryReport) -> SummaryReport:
        self.renders.append(summary)
        return summary

    def post(self, to: Subscription, rendered: SummaryReport, late: str | None) -> str:
        self.posts.append((to.channel, rendered.session, late))
        return f"{len(self.posts)}.000"

    def attach_chart(self, to: Subscription, rendered: SummaryReport, thread: str) -> None:
        self.charts.append((to.channel, thread))


FED_SESSION = pd.Timestamp("2026-12-01")
FED_PRICES = {
    "ZQZ26.CBT": 96.2065,
    "ZQF27.CBT": 96.30,
    "ZQG27.CBT": 96.40,
    "ZQH27.CBT": 96.45,
    "ZQJ27.CBT": 96.55,
    "ZQK27.CBT": 96.58,
    "ZQM27.CBT": 96.62,
    "ZQN27.CBT": 96.68,
    "ZQQ27.CBT": 96.70,
    "ZQU27.CBT": 96.72,
    "ZQV27.CBT": 96.75,
    "ZQX27.CBT": 96.78,
    "ZQZ27.CBT": 96.80,
    "ZQF28.CBT": 96.82,
}
"""Fed funds futures closes on FED_SESSION: the worked example of tests/analytics/
test_fedwatch.py for December and January, then a gently falling path."""


def write_fed_market(directory: Path, prices: dict[str, float] = FED_PRICES) -> None:
    """Fed funds futures (a month of closes to FED_SESSION, each a little lower before it) and
    FRED's effective rate (3.88%) and target range (3.75-4.00%), as the bot reads them offline."""
    sessions = pd.bdate_range(end=FED_SESSION, periods=20)
    for symbol, price in prices.items():
        drift = np.linspace(-0.05, 0.0, len(sessions))
        write_flat_csv(directory / f"{symbol}.csv", pd.Series(price + drift, index=sessions))
    for code, value in (("EFFR", 3.88), ("DFEDTARL", 3.75), ("DFEDTARU", 4.00)):
        series = pd.Series(value, index=sessions[:-1])  # FRED publishes a day late
        write_two_column_csv(directory / f"fred_{code}.csv", series, code)
