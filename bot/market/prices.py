"""What every price source provides, and the conversions they share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class SymbolFreshness:
    symbol: str
    last_session: date | None
    fetched_at: datetime | None
    error: str | None = None
    failures: int = 0
    """Refreshes failed in a row."""
    retry_at: datetime | None = None
    """When a failing symbol is asked for again (the back-off)."""


FUND_FIELDS = ("pe", "pb", "ps", "pcf", "total_assets")
"""What is recorded of a fund each day: its multiples and its total assets in dollars."""


@dataclass
class PriceSet:
    """Closes for the symbols a source has, and why it has none for the others."""

    closes: dict[str, pd.Series]
    missing: dict[str, str] = field(default_factory=dict)
    fetched_at: datetime | None = None
    stale: bool = False
    age: timedelta | None = None
    """How old the oldest of these prices was when they were read (cached sources)."""
    fetched: dict[str, datetime] = field(default_factory=dict)
    """When each symbol's closes were last fetched (cached sources)."""
    answered_by: dict[str, str] = field(default_factory=dict)
    """The source that answered a symbol, where it is not the first one asked: "Stooq", or
    "Yahoo Finance, delayed to 2026-11-27, then Stooq" for a checked splice."""
    due_at: datetime | None = None
    """When one of these series is first due to be fetched again: until then they change only
    when their data is written (None: a source that is never fetched, such as files)."""


class Upstream(Protocol):
    """A market data source asked over the network: Yahoo, Stooq, FRED."""

    name: str
    """`yahoo`, `stooq`, `fred`: how keys and metrics name it."""
    label: str
    """How answers name it."""

    @property
    def unavailable(self) -> str | None:
        """Why it cannot be asked at all (no key), or None."""
        ...

    def fetch(
        self, codes: Sequence[str], start: date | None = None
    ) -> tuple[dict[str, pd.Series], dict[str, str]]:
        """Values since `start` (all when None) by code, and why there are none for the rest;
        raises UpstreamError when there are none at all."""
        ...


class PriceSource(Protocol):
    label: str

    def closes(self, symbols: Sequence[str]) -> PriceSet: ...

    def freshness(self, symbols: Sequence[str]) -> list[SymbolFreshness]: ...


class FundSource(Protocol):
    def fund_history(self, symbol: str) -> pd.DataFrame:
        """Recorded fund data by date: the FUND_FIELDS columns (any value may be missing)."""
        ...


def as_sessions(dates: pd.Series | pd.Index) -> pd.DatetimeIndex:
    """Trading dates as a plain (timezone-naive, midnight, nanosecond) index.

    Only the calendar date of each value is kept, so "2024-01-02 00:00:00-05:00" is 2024-01-02.
    """
    text = pd.Series(dates, dtype="string").str.slice(0, 10)
    parsed = pd.DatetimeIndex(pd.to_datetime(text, format="%Y-%m-%d", errors="coerce"))
    return pd.DatetimeIndex(parsed.astype("datetime64[ns]"))


def clean_closes(index: pd.DatetimeIndex, values: np.ndarray | pd.Series) -> pd.Series:
    """Closes sorted by date, one per date (the last wins), without NaN or non-positive values."""
    numbers = pd.to_numeric(pd.Series(np.asarray(values)), errors="coerce").to_numpy(dtype=float)
    keep = index.notna() & np.isfinite(numbers) & (numbers > 0)
    closes = pd.Series(numbers[keep], index=index[keep], dtype=float)
    closes = closes[~closes.index.duplicated(keep="last")].sort_index()
    closes.index.name = "Date"
    return closes


_RECORD = np.dtype([("day", "<i8"), ("close", "<f8")])


def pack(closes: pd.Series) -> bytes:
    """Closes as compact bytes: (days since 1970-01-01, close) records."""
    records = np.empty(len(closes), dtype=_RECORD)
    records["day"] = pd.DatetimeIndex(closes.index).to_numpy().astype("datetime64[D]").astype("<i8")
    records["close"] = closes.to_numpy(dtype=float)
    return records.tobytes()


def unpack(packed: bytes) -> pd.Series:
    records = np.frombuffer(packed, dtype=_RECORD)
    index = pd.DatetimeIndex(records["day"].astype("datetime64[D]")).astype("datetime64[ns]")
    return pd.Series(records["close"].copy(), index=index.rename("Date"), dtype=float)
