"""Yahoo Finance parsing on recorded frames, with the download and fund calls faked (no network)."""

from __future__ import annotations

import io
import logging
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pytest

from bot.errors import UnreachableError, UpstreamError
from bot.logs import configure
from bot.market.yahoo import (
    YahooFunds,
    YahooPrices,
    parse_download,
    parse_equity_holdings,
    parse_total_assets,
)
from tests.factories import closes, equity_holdings, yf_frame

IWM = closes([200.0, 201.5, 199.25, 202.0])
SPY = closes([470.0, 472.5, 468.0, 475.25])
RUT = closes([2010.0, 2020.5, 1995.75, 2030.0])


def _naive(series: pd.Series) -> pd.Series:
    expected = series.astype(float).copy()
    expected.index = pd.DatetimeIndex(expected.index).astype("datetime64[ns]")
    return expected


def _assert_closes(actual: pd.Series, expected: pd.Series) -> None:
    pd.testing.assert_series_equal(actual, _naive(expected), check_names=False, check_freq=False)
    assert actual.index.dtype == np.dtype("datetime64[ns]")


def _frame_with_distinct_adj_close(columns: dict[str, pd.Series]) -> pd.DataFrame:
    frame = yf_frame(columns)
    for symbol in columns:
        frame[("Adj Close", symbol)] = frame[("Adj Close", symbol)] * 0.9
    return frame


class FakeDownload:
    """Stands in for yf.download: records every call and answers with a given frame or error."""

    def __init__(self, result: pd.DataFrame | Exception | None) -> None:
        self.result = result
        self.calls: list[dict[str, Any]] = []

    def __call__(self, **kwargs: Any) -> pd.DataFrame | None:
        self.calls.append(kwargs)
        if isinstance(self.result, Exception):
            raise self.result
        return self.result


# --- parse_download ----------------------------------------------------------------------------


def test_parse_multi_ticker_frame_uses_close() -> None:
    frame = _frame_with_distinct_adj_close({"IWM": IWM, "SPY": SPY, "^RUT": RUT})
    found, missing = parse_download(frame, ["IWM", "SPY", "^RUT"])
    assert missing == {}
    assert set(found) == {"IWM", "SPY", "^RUT"}
    _assert_closes(found["IWM"], IWM)
    _assert_closes(found["SPY"], SPY)
    _assert_closes(found["^RUT"], RUT)


@pytest.mark.parametrize(
    "frame",
    [None, pd.DataFrame(), yf_frame({"IWM": IWM}).iloc[0:0]],
    ids=["none", "empty", "no-rows"],
)
def test_no_frame_is_an_upstream_error(frame: pd.DataFrame | None) -> None:
    with pytest.raises(UpstreamError, match="IWM, SPY"):
        parse_download(frame, ["IWM", "SPY"])


def test_all_nan_column_makes_that_symbol_missing() -> None:
    dead = pd.Series(np.nan, index=IWM.index)
    frame = yf_frame({"IWM": IWM, "XXXX": dead, "SPY": SPY})
    found, missing = parse_download(frame, ["IWM", "XXXX", "SPY"])
    assert set(found) == {"IWM", "SPY"}
    assert set(missing) == {"XXXX"}
    assert "XXXX" in missing["XXXX"]
    _assert_closes(found["IWM"], IWM)
    _assert_closes(found["SPY"], SPY)


def test_all_symbols_all_nan_is_an_upstream_error() -> None:
    dead = pd.Series(np.nan, index=IWM.index)
    frame = yf_frame({"IWM": dead, "SPY": dead})
    with pytest.raises(UpstreamError, match="no prices"):
        parse_download(frame, ["IWM", "SPY"])


def test_symbol_absent_from_frame_is_missing() -> None:
    frame = yf_frame({"IWM": IWM})
    found, missing = parse_download(frame, ["IWM", "SPY"])
    assert list(found) == ["IWM"]
    assert set(missing) == {"SPY"}
    assert "SPY" in missing["SPY"]


def test_frame_without_close_is_an_upstream_error() -> None:
    frame = yf_frame({"IWM": IWM}, fields=("Open", "High", "Low", "Volume"))
    with pytest.raises(UpstreamError, match="no closes"):
        parse_download(frame, ["IWM"])


def test_nan_holes_of_one_symbol_are_dropped_for_that_symbol_only() -> None:
    holed = IWM.copy()
    holed.iloc[1] = np.nan
    frame = yf_frame({"IWM": holed, "SPY": SPY})
    found, _ = parse_download(frame, ["IWM", "SPY"])
    _assert_closes(found["IWM"], IWM.drop(IWM.index[1]))
    _assert_closes(found["SPY"], SPY)


def test_timezone_aware_index_keeps_the_calendar_date() -> None:
    aware = IWM.copy()
    aware.index = pd.DatetimeIndex(IWM.index).tz_localize("America/New_York")
    found, _ = parse_download(yf_frame({"IWM": aware}), ["IWM"])
    _assert_closes(found["IWM"], IWM)


def test_single_level_columns_for_one_symbol() -> None:
    frame = pd.DataFrame({"Open": IWM, "Close": IWM, "Volume": 1000})
    frame.index.name = "Date"
    found, missing = parse_download(frame, ["IWM"])
    assert missing == {}
    _assert_closes(found["IWM"], IWM)


# --- YahooPrices.fetch -------------------------------------------------------------------------


def test_fetch_asks_once_for_all_tickers_and_full_history() -> None:
    download = FakeDownload(yf_frame({"IWM": IWM, "SPY": SPY, "^RUT": RUT}))
    found, missing = YahooPrices(download).fetch(["IWM", "SPY", "^RUT"])
    assert len(download.calls) == 1
    call = download.calls[0]
    assert call["tickers"] == ["IWM", "SPY", "^RUT"]
    assert call["period"] == "max"
    assert "start" not in call
    assert call["auto_adjust"] is False
    assert call["progress"] is False
    assert missing == {}
    _assert_closes(found["SPY"], SPY)


def test_fetch_with_start_asks_from_that_date() -> None:
    download = FakeDownload(yf_frame({"IWM": IWM}))
    YahooPrices(download).fetch(("IWM",), start=date(2024, 1, 3))
    (call,) = download.calls
    assert call["start"] == "2024-01-03"
    assert "period" not in call
    assert call["tickers"] == ["IWM"]
    assert call["auto_adjust"] is False
    assert call["progress"] is False


def test_fetch_turns_a_raising_download_into_upstream_error() -> None:
    cause = ConnectionError("name resolution failed")
    download = FakeDownload(cause)
    with pytest.raises(UpstreamError) as raised:
        YahooPrices(download).fetch(["IWM", "SPY"])
    assert "could not be reached" in raised.value.message
    assert "name resolution failed" in raised.value.message
    assert raised.value.__cause__ is cause
    assert len(download.calls) == 1


@pytest.mark.parametrize("result", [None, pd.DataFrame()], ids=["none", "empty"])
def test_fetch_of_nothing_is_upstream_error(result: pd.DataFrame | None) -> None:
    with pytest.raises(UpstreamError):
        YahooPrices(FakeDownload(result)).fetch(["IWM"])


OFFLINE_LOG = [
    (logging.WARNING, "Cookie/crumb fetch failed (DNSError), continuing without crumb"),
    (
        logging.ERROR,
        "Failed to get ticker '^GSPC' reason: Failed to perform, curl: (6) Could not resolve "
        "host: query2.finance.yahoo.com (Domain name not found). See "
        "https://curl.se/libcurl/c/libcurl-errors.html first for more details.",
    ),
    (logging.ERROR, "\n2 Failed downloads:"),
    (
        logging.ERROR,
        "['^GSPC', '^RUT']: DNSError('Failed to perform, curl: (6) Could not resolve host: "
        "query2.finance.yahoo.com. See https://curl.se/libcurl/c/libcurl-errors.html first for "
        "more details.')",
    ),
]
"""What yfinance 1.x logged on a machine with no network (recorded here), returning nothing."""


class OfflineDownload(FakeDownload):
    """yf.download with no network: it logs why and answers an empty frame, never raising."""

    def __call__(self, **kwargs: Any) -> pd.DataFrame | None:
        self.calls.append(kwargs)
        for level, line in OFFLINE_LOG:
            logging.getLogger("yfinance").log(level, line)
        return yf_frame({s: pd.Series(dtype=float) for s in kwargs["tickers"]})


def test_no_network_is_told_apart_from_no_data() -> None:
    out = io.StringIO()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    configure(logging.ERROR, {"yfinance": logging.CRITICAL}, stream=out)
    try:
        with pytest.raises(UnreachableError) as raised:
            YahooPrices(OfflineDownload(None)).fetch(["^RUT", "^GSPC"])
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    assert raised.value.message == (
        "Yahoo Finance could not be reached (Could not resolve host: query2.finance.yahoo.com)"
    )
    assert "Failed to get ticker" not in out.getvalue()  # yfinance's own lines stay quiet
    with pytest.raises(UpstreamError) as empty:
        YahooPrices(FakeDownload(yf_frame({"^RUT": pd.Series(dtype=float)}))).fetch(["^RUT"])
    assert not isinstance(empty.value, UnreachableError)


# --- fund multiples ----------------------------------------------------------------------------


def test_equity_holdings_with_reciprocals_and_implausible_values() -> None:
    # P/E sent as an earnings yield, P/B plain, P/S implausible both ways, P/CF missing
    frame = equity_holdings("IWM", [0.05, 2.1, 50.0, pd.NA, 3_100_000_000.0, 0.12])
    values = parse_equity_holdings(frame, "IWM")
    assert set(values) == {"pe", "pb", "ps", "pcf"}
    assert values["pe"] == pytest.approx(20.0)
    assert values["pb"] == pytest.approx(2.1)
    assert values["ps"] is None
    assert values["pcf"] is None


def test_equity_holdings_reads_the_symbol_column_not_the_category() -> None:
    frame = equity_holdings(
        "SPY", [25.0, 4.5, 3.0, 18.0, 1.0, 0.1], [10.0, 1.0, 1.0, 5.0, 1.0, 0.1]
    )
    values = parse_equity_holdings(frame, "SPY")
    assert values == {
        "pe": pytest.approx(25.0),
        "pb": pytest.approx(4.5),
        "ps": pytest.approx(3.0),
        "pcf": pytest.approx(18.0),
    }


def test_equity_holdings_missing_row_is_none() -> None:
    frame = equity_holdings("IWM", [0.05, 2.0, 1.2, 10.0, 1.0, 0.1]).drop(index="Price/Sales")
    values = parse_equity_holdings(frame, "IWM")
    assert values["ps"] is None
    assert values["pe"] == pytest.approx(20.0)


def test_yahoo_funds_fetch_passes_the_symbol() -> None:
    asked: list[str] = []

    def fake_holdings(symbol: str) -> pd.DataFrame:
        asked.append(symbol)
        return equity_holdings(symbol, [0.04, 2.0, 1.0, 0.1, 1.0, 0.1])

    def fake_info(symbol: str) -> dict[str, object]:
        asked.append(symbol)
        return {"totalAssets": 71_500_000_000, "longName": "iShares Russell 2000 ETF"}

    values = YahooFunds(fake_holdings, fake_info).fetch("IWM")
    assert asked == ["IWM", "IWM"]
    assert values["pe"] == pytest.approx(25.0)
    assert values["pcf"] == pytest.approx(10.0)
    assert values["total_assets"] == pytest.approx(71.5e9)


@pytest.mark.parametrize(
    ("info", "expected"),
    [
        ({"totalAssets": 7.1e10}, 7.1e10),
        ({"totalAssets": "7.1e10"}, 7.1e10),
        ({"totalAssets": None}, None),
        ({"totalAssets": -5}, None),
        ({}, None),
        (None, None),
    ],
)
def test_total_assets_from_info(info: dict[str, object] | None, expected: float | None) -> None:
    assert parse_total_assets(info) == expected


def test_assets_alone_are_still_recorded_when_the_multiples_fail() -> None:
    def failing_holdings(symbol: str) -> pd.DataFrame:
        raise KeyError("fundProfile")

    values = YahooFunds(failing_holdings, lambda symbol: {"totalAssets": 5e10}).fetch("VB")
    assert values["total_assets"] == pytest.approx(5e10)
    assert values["pe"] is None


def test_yahoo_funds_fetch_raising_is_upstream_error() -> None:
    def failing_holdings(symbol: str) -> pd.DataFrame:
        raise KeyError("fundProfile")

    def failing_info(symbol: str) -> dict[str, object]:
        raise ConnectionError("no route to Yahoo")

    with pytest.raises(UpstreamError, match=r"IWM.*fundProfile.*no route to Yahoo"):
        YahooFunds(failing_holdings, failing_info).fetch("IWM")


@pytest.mark.parametrize(
    "frame",
    [
        None,
        pd.DataFrame(),
        equity_holdings("IWM", [pd.NA] * 6),
        equity_holdings("IWM", [900.0] * 6),
    ],
    ids=["none", "empty", "all-na", "all-implausible"],
)
def test_yahoo_funds_fetch_without_usable_multiples_is_upstream_error(
    frame: pd.DataFrame | None,
) -> None:
    with pytest.raises(UpstreamError, match="IWM"):
        YahooFunds(lambda symbol: frame, lambda symbol: {}).fetch("IWM")  # type: ignore[arg-type,return-value]
