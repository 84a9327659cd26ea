"""Offline prices from a directory of CSV files, one per symbol, named as Yahoo spells it.

`^RUT.csv`, `IWM.csv`, ... in any of the three layouts people have on disk:

- flat yfinance: `Date,Open,High,Low,Close,Adj Close,Volume` (with or without `Adj Close`);
- yfinance multi-header: three header rows (`Price`, `Ticker`, `Date`), as
  `yf.download(...).to_csv()` writes them;
- two columns: `Date,<close>`.

An optional `funds.csv` (`date,symbol,pe,pb,ps,pcf,total_assets`) holds recorded fund data.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from cachetools import LRUCache

from bot.analytics.valuation import METRICS, plausible_ratio
from bot.clock import EXCHANGE_TZ, Clock, SystemClock
from bot.market.prices import FUND_FIELDS, PriceSet, SymbolFreshness, as_sessions, clean_closes
from bot.trading_calendar import last_close

log = logging.getLogger(__name__)


def _first_line(error: Exception) -> str:
    """An error's first line, short: parsers can say a great deal."""
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return text if len(text) <= 120 else text[:119] + "…"


class LayoutError(ValueError):
    """A CSV file in none of the layouts this reader knows."""


def read_closes(path: Path, symbol: str | None = None) -> pd.Series:
    """The closes in `path`, whichever of the three layouts it has."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        header = [cell.strip() for cell in handle.readline().strip().split(",")]
    if header and header[0] == "Price":
        frame = pd.read_csv(path, header=[0, 1], index_col=0)
        if "Close" not in frame.columns.get_level_values(0):
            raise LayoutError(f"{path.name}: multi-header CSV without a Close column")
        closes = frame["Close"]
        column = symbol if symbol is not None and symbol in closes.columns else closes.columns[0]
        values = closes[column]
        dates = frame.index.to_series()
    elif "Close" in header and "Date" in header:
        frame = pd.read_csv(path, usecols=["Date", "Close"], dtype={"Date": "string"})
        values, dates = frame["Close"], frame["Date"]
    elif len(header) == 2 and header[0] == "Date":
        frame = pd.read_csv(path, dtype={"Date": "string"})
        values, dates = frame.iloc[:, 1], frame["Date"]
    else:
        raise LayoutError(
            f"{path.name}: unknown layout (header {','.join(header)[:60]!r}); "
            "expected Date,...,Close,..., a yfinance multi-header, or Date,<close>"
        )
    return clean_closes(as_sessions(dates), values.to_numpy())


class CsvDirectory:
    """Prices and fund multiples read from files; each file is parsed once per change.

    Files are read as of the clock's now, so a replay or demo set before a file's last rows
    (`SMALLCAPS_NOW`, `SMALLCAPS_TIME_OFFSET_SECONDS`) sees only the sessions closed by then.
    A file's modification time is when its prices were fetched (never later than now): an
    operator can age a file (`touch -d`) to rehearse the stale-data hold.
    """

    label = "CSV files"
    """How answers name the source: the directory is the operator's, kept to the log and the
    console's first line, never shown in Slack."""

    def __init__(self, directory: Path, clock: Clock | None = None, in_memory: int = 256) -> None:
        self.directory = directory
        self.clock = clock or SystemClock()
        self._parsed: LRUCache[str, tuple[tuple[int, int], pd.Series]] = LRUCache(in_memory)
        """Parsed files by symbol, the least recently read dropped first."""

    def version(self) -> str:
        """The files' version: it changes whenever a file is written, added or removed (each
        file's name, size and modification time)."""
        with os.scandir(self.directory) as entries:
            files = sorted(
                (entry.name, entry.stat().st_mtime_ns, entry.stat().st_size)
                for entry in entries
                if entry.name.endswith(".csv")
            )
        return "csv:" + hashlib.sha256(repr(files).encode()).hexdigest()

    def _path(self, symbol: str) -> Path:
        """`^RUT.csv`; a series only FRED publishes, `fred:EFFR`, is `fred_EFFR.csv`."""
        return self.directory / f"{symbol.replace(':', '_')}.csv"

    def _read(self, symbol: str) -> pd.Series:
        path = self._path(symbol)
        stat = path.stat()
        signature = (stat.st_mtime_ns, stat.st_size)
        cached = self._parsed.get(symbol)
        if cached is None or cached[0] != signature:
            cached = (signature, read_closes(path, symbol))
            self._parsed[symbol] = cached
        return cached[1]

    def _fetched_at(self, symbol: str, now: datetime) -> datetime:
        """The file's modification time, or now when it is later (a replay in the past)."""
        modified = datetime.fromtimestamp(self._path(symbol).stat().st_mtime, UTC)
        return min(modified, now)

    def closes(self, symbols: Sequence[str]) -> PriceSet:
        now = self.clock.now()
        closed = last_close(now)
        cutoff = pd.Timestamp(closed) if closed else pd.Timestamp(now.date())
        found: dict[str, pd.Series] = {}
        missing: dict[str, str] = {}
        fetched: dict[str, datetime] = {}
        for symbol in dict.fromkeys(symbols):
            if not self._path(symbol).is_file():
                log.info("no file %s", self._path(symbol))
                missing[symbol] = f"no data file for {symbol} ({self._path(symbol).name})"
                continue
            try:
                closes = self._read(symbol)
            except (LayoutError, ValueError, KeyError) as error:
                log.warning("%s could not be read: %s", self._path(symbol), error)
                missing[symbol] = f"{symbol}.csv could not be read: {_first_line(error)}"
                continue
            except OSError as error:
                log.warning("%s could not be read: %s", self._path(symbol), error)
                missing[symbol] = f"{symbol}.csv could not be read ({error.strerror})"
                continue
            closes = closes.loc[:cutoff]
            if closes.empty:
                missing[symbol] = f"{symbol}.csv has no prices on or before {cutoff.date()}"
            else:
                found[symbol] = closes
                fetched[symbol] = self._fetched_at(symbol, now)
        oldest = min(fetched.values()) if fetched else None
        return PriceSet(
            found, missing, oldest, age=now - oldest if oldest else None, fetched=fetched
        )

    def freshness(self, symbols: Sequence[str]) -> list[SymbolFreshness]:
        prices = self.closes(symbols)
        now = self.clock.now()
        return [
            SymbolFreshness(
                symbol,
                prices.closes[symbol].index[-1].date() if symbol in prices.closes else None,
                self._fetched_at(symbol, now) if symbol in prices.closes else None,
                prices.missing.get(symbol),
            )
            for symbol in dict.fromkeys(symbols)
        ]

    def fund_history(self, symbol: str) -> pd.DataFrame:
        path = self.directory / "funds.csv"
        if not path.is_file():
            return pd.DataFrame(columns=list(FUND_FIELDS))
        frame = pd.read_csv(path, dtype={"date": "string", "symbol": "string"})
        frame = frame[frame["symbol"].str.upper() == symbol]
        index = as_sessions(frame["date"])
        result = pd.DataFrame(index=index)
        for metric in METRICS:
            column = (
                frame[metric] if metric in frame else pd.Series(float("nan"), index=frame.index)
            )
            result[metric] = [plausible_ratio(metric, v) for v in pd.to_numeric(column).to_numpy()]
        assets = pd.to_numeric(frame.get("total_assets", pd.Series(index=frame.index)))
        result["total_assets"] = assets.where(assets > 0).to_numpy(dtype=float)
        today = pd.Timestamp(self.clock.now().astimezone(EXCHANGE_TZ).date())
        result = result[result.index.notna() & (result.index <= today)]
        return result.sort_index()
