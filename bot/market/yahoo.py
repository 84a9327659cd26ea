"""Yahoo Finance through yfinance: one batched download for all symbols, and fund multiples.

yfinance does not raise when Yahoo fails: it logs and returns an empty frame or all-NaN columns.
Both are turned into errors here, so a failed download can never pass for data.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import pandas as pd

from bot.analytics.valuation import plausible_ratio
from bot.errors import UnreachableError, UpstreamError
from bot.market.prices import FUND_FIELDS, as_sessions, clean_closes

log = logging.getLogger(__name__)

Download = Callable[..., pd.DataFrame | None]
EquityHoldings = Callable[[str], pd.DataFrame]
FundInfo = Callable[[str], dict[str, Any]]

_HOLDINGS_ROWS = {
    "pe": "Price/Earnings",
    "pb": "Price/Book",
    "ps": "Price/Sales",
    "pcf": "Price/Cashflow",
}


def _yf_download(**kwargs: Any) -> pd.DataFrame | None:
    import yfinance as yf

    with warnings.catch_warnings():
        # yfinance uses pandas calls that pandas 3 deprecates; that is yfinance's to fix
        warnings.simplefilter("ignore", DeprecationWarning)
        frame: pd.DataFrame | None = yf.download(**kwargs)
    return frame


_UNREACHABLE = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"Could not resolve host:? [\w.-]+",
        r"Failed to connect to [\w.-]+",
        r"Connection refused",
        r"Network is unreachable",
        r"timed out",
        r"DNSError|ConnectionError|SSLError",
    )
]
"""What yfinance logs (it never raises) when Yahoo cannot be reached at all, the most telling
first."""


class _Heard(logging.Handler):
    """The lines yfinance logs during one download: the only account it gives of a failure."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())

    def unreachable(self) -> str | None:
        """Why Yahoo could not be reached, when that is what the lines say."""
        for pattern in _UNREACHABLE:
            for line in self.lines:
                found = pattern.search(line)
                if found:
                    return found.group(0).strip()
        return None


def _yf_fund_info(symbol: str) -> dict[str, Any]:
    import yfinance as yf

    info: dict[str, Any] = yf.Ticker(symbol).info
    return info


def _yf_equity_holdings(symbol: str) -> pd.DataFrame:
    import yfinance as yf

    holdings: pd.DataFrame = yf.Ticker(symbol).funds_data.equity_holdings
    return holdings


def parse_download(
    frame: pd.DataFrame | None, symbols: Sequence[str]
) -> tuple[dict[str, pd.Series], dict[str, str]]:
    """Closes per symbol from a `yf.download` frame, and the symbols Yahoo sent nothing for.

    Raises UpstreamError when no symbol has a single price (an empty or all-NaN frame).
    """
    wanted = ", ".join(symbols)
    if frame is None or frame.empty:
        raise UpstreamError(f"Yahoo Finance returned no data for {wanted}")
    if isinstance(frame.columns, pd.MultiIndex):
        if "Close" not in frame.columns.get_level_values(0):
            raise UpstreamError(f"Yahoo Finance returned no closes for {wanted}")
        closes = frame.xs("Close", axis=1, level=0)
    else:
        if "Close" not in frame.columns:
            raise UpstreamError(f"Yahoo Finance returned no closes for {wanted}")
        closes = frame[["Close"]].set_axis([symbols[0]], axis=1)
    index = as_sessions(frame.index.to_series())
    found: dict[str, pd.Series] = {}
    missing: dict[str, str] = {}
    for symbol in symbols:
        if symbol not in closes.columns:
            missing[symbol] = f"Yahoo Finance sent nothing for {symbol}"
            continue
        series = clean_closes(index, closes[symbol].to_numpy())
        if series.empty:
            missing[symbol] = f"Yahoo Finance has no prices for {symbol}"
        else:
            found[symbol] = series
    if not found:
        raise UpstreamError(f"Yahoo Finance returned no prices for {wanted}")
    return found, missing


def parse_equity_holdings(frame: pd.DataFrame, symbol: str) -> dict[str, float | None]:
    """Fund multiples from `funds_data.equity_holdings`, reciprocals turned back into ratios."""
    column = symbol if symbol in frame.columns else frame.columns[0]
    values: dict[str, float | None] = {}
    for metric, row in _HOLDINGS_ROWS.items():
        raw = frame[column].get(row) if row in frame.index else None
        number = pd.to_numeric(pd.Series([raw]), errors="coerce").iloc[0]
        values[metric] = plausible_ratio(metric, float(number)) if pd.notna(number) else None
    return values


class YahooPrices:
    """Daily closes from Yahoo Finance (delayed), every symbol in one batched download."""

    name = "yahoo"
    label = "Yahoo Finance, delayed"
    unavailable: str | None = None

    def __init__(self, download: Download = _yf_download) -> None:
        self._download = download

    def fetch(
        self, symbols: Sequence[str], start: date | None = None
    ) -> tuple[dict[str, pd.Series], dict[str, str]]:
        """Closes since `start` (the whole history when None) for every symbol, in one call."""
        window: dict[str, Any] = {"start": start.isoformat()} if start else {"period": "max"}
        heard = _Heard()
        yahoo_log = logging.getLogger("yfinance")
        yahoo_log.addHandler(heard)
        try:
            frame = self._download(
                tickers=list(symbols),
                interval="1d",
                auto_adjust=False,
                actions=False,
                group_by="column",
                multi_level_index=True,
                progress=False,
                threads=True,
                timeout=20,
                **window,
            )
        except Exception as error:
            log.warning("Yahoo download failed for %s: %s", ", ".join(symbols), error)
            raise UnreachableError(f"Yahoo Finance could not be reached ({error})") from error
        finally:
            yahoo_log.removeHandler(heard)
        why = heard.unreachable()
        if why and (frame is None or frame.empty):
            log.warning("Yahoo unreachable for %s: %s", ", ".join(symbols), " / ".join(heard.lines))
            raise UnreachableError(f"Yahoo Finance could not be reached ({why})")
        return parse_download(frame, symbols)


class YahooFunds:
    """What Yahoo reports about an ETF today: its multiples (P/E, P/B, P/S, P/CF) from
    `funds_data.equity_holdings`, and its total assets from `info`."""

    def __init__(
        self,
        equity_holdings: EquityHoldings = _yf_equity_holdings,
        fund_info: FundInfo = _yf_fund_info,
    ) -> None:
        self._equity_holdings = equity_holdings
        self._fund_info = fund_info

    def fetch(self, symbol: str) -> dict[str, float | None]:
        values: dict[str, float | None] = dict.fromkeys(FUND_FIELDS)
        errors: list[str] = []
        try:
            frame = self._equity_holdings(symbol)
            if frame is not None and not frame.empty:
                values.update(parse_equity_holdings(frame, symbol))
        except Exception as error:
            errors.append(f"fund data: {error}")
        try:
            values["total_assets"] = parse_total_assets(self._fund_info(symbol))
        except Exception as error:
            errors.append(f"fund info: {error}")
        if all(v is None for v in values.values()):
            why = f" ({'; '.join(errors)})" if errors else ""
            raise UpstreamError(f"Yahoo Finance has no usable fund data for {symbol}{why}")
        return values


def parse_total_assets(info: dict[str, Any] | None) -> float | None:
    """An ETF's total assets in dollars from `Ticker.info`, when Yahoo gives a positive number."""
    raw = (info or {}).get("totalAssets")
    number = pd.to_numeric(pd.Series([raw]), errors="coerce").iloc[0]
    return float(number) if pd.notna(number) and number > 0 else None
