"""Offline prices from CSV files: the three layouts, dirty rows, bad files and funds.csv."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import bot.market.csv_files as csv_files
from bot.analytics.valuation import METRICS
from bot.market.csv_files import CsvDirectory, LayoutError, read_closes
from bot.market.prices import FUND_FIELDS
from tests.factories import closes, write_flat_csv, write_multiheader_csv, write_two_column_csv

SERIES = closes([2010.5, 2023.25, 1999.0, 2041.75, 2050.125])


def _expected(series: pd.Series) -> pd.Series:
    expected = series.astype(float).copy()
    expected.index = pd.DatetimeIndex(expected.index).astype("datetime64[ns]")
    expected.index.name = "Date"
    return expected


def _assert_closes(actual: pd.Series, expected: pd.Series) -> None:
    pd.testing.assert_series_equal(actual, _expected(expected), check_names=False, check_freq=False)
    assert actual.index.name == "Date"
    assert actual.index.dtype == np.dtype("datetime64[ns]")


def _flat(path: Path, series: pd.Series) -> None:
    write_flat_csv(path, series, adj_close=True)


def _flat_without_adj(path: Path, series: pd.Series) -> None:
    write_flat_csv(path, series, adj_close=False)


def _multiheader(path: Path, series: pd.Series) -> None:
    write_multiheader_csv(path, {path.stem: series})


def _two_column(path: Path, series: pd.Series) -> None:
    write_two_column_csv(path, series, path.stem)


LAYOUTS: dict[str, Callable[[Path, pd.Series], None]] = {
    "flat": _flat,
    "flat-without-adj-close": _flat_without_adj,
    "multi-header": _multiheader,
    "two-column": _two_column,
}


def _to_crlf(path: Path) -> None:
    data = path.read_bytes().replace(b"\r\n", b"\n")
    path.write_bytes(data.replace(b"\n", b"\r\n"))


# --- the three layouts -------------------------------------------------------------------------


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_each_layout_reads_the_closes(csv_dir: Path, layout: str) -> None:
    path = csv_dir / "^RUT.csv"
    LAYOUTS[layout](path, SERIES)
    _assert_closes(read_closes(path, "^RUT"), SERIES)


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_each_layout_through_the_directory(csv_dir: Path, layout: str) -> None:
    LAYOUTS[layout](csv_dir / "^RUT.csv", SERIES)
    prices = CsvDirectory(csv_dir).closes(["^RUT"])
    assert prices.missing == {}
    assert list(prices.closes) == ["^RUT"]
    _assert_closes(prices.closes["^RUT"], SERIES)


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_crlf_line_endings(csv_dir: Path, layout: str) -> None:
    path = csv_dir / "IWM.csv"
    LAYOUTS[layout](path, SERIES)
    _to_crlf(path)
    assert b"\r\n" in path.read_bytes()
    _assert_closes(read_closes(path, "IWM"), SERIES)


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_utf8_byte_order_mark_as_spreadsheets_write_it(csv_dir: Path, layout: str) -> None:
    path = csv_dir / "IWM.csv"
    LAYOUTS[layout](path, SERIES)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    _assert_closes(read_closes(path, "IWM"), SERIES)


def test_flat_layout_uses_close_not_adj_close(csv_dir: Path) -> None:
    path = csv_dir / "IWM.csv"
    write_flat_csv(path, SERIES, adj_close=True)
    header = path.read_text().splitlines()[0]
    assert header == "Date,Open,High,Low,Close,Adj Close,Volume"
    # the factory writes Adj Close as 0.9 x Close: the reader must pick Close
    _assert_closes(read_closes(path), SERIES)


def test_multiheader_has_three_header_rows(csv_dir: Path) -> None:
    path = csv_dir / "^RUT.csv"
    write_multiheader_csv(path, {"^RUT": SERIES})
    lines = path.read_text().splitlines()
    assert lines[0].startswith("Price,")
    assert lines[1].startswith("Ticker,^RUT")
    assert lines[2].startswith("Date,")
    _assert_closes(read_closes(path, "^RUT"), SERIES)


def test_multiheader_with_several_tickers_picks_the_symbol(csv_dir: Path) -> None:
    other = SERIES * 3.0
    path = csv_dir / "IWM.csv"
    write_multiheader_csv(path, {"SPY": other, "IWM": SERIES})
    _assert_closes(read_closes(path, "IWM"), SERIES)
    _assert_closes(read_closes(path, "SPY"), other)


def test_two_column_layout_named_after_the_symbol(csv_dir: Path) -> None:
    path = csv_dir / "^RUT.csv"
    path.write_text("Date,^RUT\n2024-01-02,2010.5\n2024-01-03,2023.25\n")
    _assert_closes(
        read_closes(path, "^RUT"), closes([2010.5, 2023.25], dates=["2024-01-02", "2024-01-03"])
    )


# --- dates and dirty rows ----------------------------------------------------------------------


def test_timezone_suffix_keeps_the_calendar_date(csv_dir: Path) -> None:
    path = csv_dir / "IWM.csv"
    path.write_text(
        "Date,Open,High,Low,Close,Adj Close,Volume\n"
        "2024-01-02 00:00:00-05:00,1,1,1,200.5,190,10\n"
        "2024-01-03 00:00:00-05:00,1,1,1,201.5,191,10\n"
        "2024-07-01 00:00:00-04:00,1,1,1,202.5,192,10\n"
    )
    expected = closes([200.5, 201.5, 202.5], dates=["2024-01-02", "2024-01-03", "2024-07-01"])
    _assert_closes(read_closes(path), expected)


def test_timezone_suffix_in_two_column_layout(csv_dir: Path) -> None:
    path = csv_dir / "^VIX.csv"
    path.write_text("Date,^VIX\n2024-01-02 00:00:00-05:00,13.2\n2024-01-03 00:00:00-05:00,14.0\n")
    _assert_closes(read_closes(path), closes([13.2, 14.0], dates=["2024-01-02", "2024-01-03"]))


def test_empty_nan_and_null_rows_are_dropped(csv_dir: Path) -> None:
    path = csv_dir / "IWM.csv"
    path.write_text(
        "Date,Open,High,Low,Close,Adj Close,Volume\n"
        "2024-01-02,1,1,1,200.0,1,10\n"
        "2024-01-03,,,,,,\n"
        "2024-01-04,null,null,null,null,null,null\n"
        "2024-01-05,1,1,1,NaN,1,10\n"
        "2024-01-08,1,1,1,203.0,1,10\n"
        "not a date,1,1,1,204.0,1,10\n"
    )
    _assert_closes(read_closes(path), closes([200.0, 203.0], dates=["2024-01-02", "2024-01-08"]))


def test_duplicate_dates_keep_one_close_and_rows_are_sorted(csv_dir: Path) -> None:
    path = csv_dir / "IWM.csv"
    path.write_text(
        "Date,Close\n2024-01-04,104.0\n2024-01-02,100.0\n2024-01-03,101.0\n2024-01-03,102.0\n"
    )
    result = read_closes(path)
    assert not result.index.has_duplicates
    assert result.index.is_monotonic_increasing
    # the last row for a date wins
    _assert_closes(
        result, closes([100.0, 102.0, 104.0], dates=["2024-01-02", "2024-01-03", "2024-01-04"])
    )


# --- missing and malformed files ---------------------------------------------------------------


def test_symbol_without_a_file_is_missing_not_an_error(csv_dir: Path) -> None:
    write_flat_csv(csv_dir / "IWM.csv", SERIES)
    prices = CsvDirectory(csv_dir).closes(["IWM", "^RUT"])
    assert list(prices.closes) == ["IWM"]
    assert set(prices.missing) == {"^RUT"}
    assert "^RUT.csv" in prices.missing["^RUT"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("Symbol,Price,When\nIWM,200,2024-01-02\n", "unknown layout"),
        ("", "unknown layout"),
        ("Price,Open,High\nTicker,IWM,IWM\nDate,,\n2024-01-02,1,2\n", "without a Close"),
    ],
    ids=["unknown-header", "empty-file", "multiheader-without-close"],
)
def test_malformed_file_is_missing_with_a_reason(csv_dir: Path, content: str, reason: str) -> None:
    (csv_dir / "BAD.csv").write_text(content)
    write_flat_csv(csv_dir / "IWM.csv", SERIES)
    prices = CsvDirectory(csv_dir).closes(["BAD", "IWM"])
    assert "BAD" not in prices.closes
    assert "BAD.csv could not be read" in prices.missing["BAD"]
    assert reason in prices.missing["BAD"]
    _assert_closes(prices.closes["IWM"], SERIES)


def test_binary_file_is_missing_not_a_crash(csv_dir: Path) -> None:
    (csv_dir / "BAD.csv").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00\x00garbage")
    prices = CsvDirectory(csv_dir).closes(["BAD"])
    assert prices.closes == {}
    assert "BAD.csv could not be read" in prices.missing["BAD"]


def test_unknown_header_raises_layout_error(csv_dir: Path) -> None:
    path = csv_dir / "BAD.csv"
    path.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(LayoutError, match=r"BAD\.csv"):
        read_closes(path)


def test_file_with_no_usable_prices_is_missing(csv_dir: Path) -> None:
    (csv_dir / "IWM.csv").write_text("Date,Close\n2024-01-02,\n2024-01-03,null\n")
    prices = CsvDirectory(csv_dir).closes(["IWM"])
    assert prices.closes == {}
    assert "no prices" in prices.missing["IWM"]


def test_freshness_reports_last_session_and_missing(csv_dir: Path) -> None:
    write_flat_csv(csv_dir / "IWM.csv", SERIES)
    rows = CsvDirectory(csv_dir).freshness(["IWM", "SPY"])
    assert [r.symbol for r in rows] == ["IWM", "SPY"]
    assert rows[0].last_session == SERIES.index[-1].date()
    assert rows[0].error is None
    assert rows[1].last_session is None
    assert rows[1].error is not None and "SPY.csv" in rows[1].error


# --- parsed once per change --------------------------------------------------------------------


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = csv_files.read_closes

    def counting(path: Path, symbol: str | None = None) -> pd.Series:
        calls.append(path.name)
        return real(path, symbol)

    monkeypatch.setattr(csv_files, "read_closes", counting)
    return calls


def test_unchanged_file_is_parsed_once(csv_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count_reads(monkeypatch)
    write_flat_csv(csv_dir / "IWM.csv", SERIES)
    directory = CsvDirectory(csv_dir)
    first = directory.closes(["IWM"]).closes["IWM"]
    second = directory.closes(["IWM"]).closes["IWM"]
    assert calls == ["IWM.csv"]
    pd.testing.assert_series_equal(first, second)


def test_changed_file_is_read_again(csv_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count_reads(monkeypatch)
    path = csv_dir / "IWM.csv"
    write_flat_csv(path, SERIES)
    directory = CsvDirectory(csv_dir)
    _assert_closes(directory.closes(["IWM"]).closes["IWM"], SERIES)

    longer = closes([*SERIES.tolist(), 2060.0])
    write_flat_csv(path, longer)
    _assert_closes(directory.closes(["IWM"]).closes["IWM"], longer)
    assert calls == ["IWM.csv", "IWM.csv"]


def test_same_size_change_is_read_again_by_mtime(csv_dir: Path) -> None:
    path = csv_dir / "IWM.csv"
    path.write_text("Date,Close\n2024-01-02,100.0\n")
    before = path.stat()
    directory = CsvDirectory(csv_dir)
    assert directory.closes(["IWM"]).closes["IWM"].iloc[0] == 100.0

    path.write_text("Date,Close\n2024-01-02,200.0\n")
    later = before.st_mtime_ns + 5_000_000_000
    os.utime(path, ns=(later, later))
    assert path.stat().st_size == before.st_size
    assert directory.closes(["IWM"]).closes["IWM"].iloc[0] == 200.0


# --- funds.csv ---------------------------------------------------------------------------------


def test_funds_csv_converts_reciprocals_and_filters_by_symbol(csv_dir: Path) -> None:
    (csv_dir / "funds.csv").write_text(
        "date,symbol,pe,pb,ps,pcf\n"
        "2024-01-03,IWM,0.05,2.0,1.25,0.1\n"
        "2024-01-02,iwm,16.0,0.5,1.1,12.0\n"
        "2024-01-02,SPY,25.0,4.5,3.0,20.0\n"
    )
    history = CsvDirectory(csv_dir).fund_history("IWM")
    assert list(history.columns) == list(FUND_FIELDS)
    assert list(history.index) == [pd.Timestamp("2024-01-02"), pd.Timestamp("2024-01-03")]
    newest = history.loc["2024-01-03"]
    assert newest["pe"] == pytest.approx(1 / 0.05)  # 20
    assert newest["pb"] == pytest.approx(2.0)
    assert newest["ps"] == pytest.approx(1.25)
    assert newest["pcf"] == pytest.approx(1 / 0.1)  # 10
    oldest = history.loc["2024-01-02"]
    assert oldest["pe"] == pytest.approx(16.0)
    # P/B 0.5 is below the plausible range; its reciprocal, 2.0, is in it
    assert oldest["pb"] == pytest.approx(2.0)
    assert oldest["pcf"] == pytest.approx(12.0)


def test_funds_csv_implausible_and_empty_values_are_none(csv_dir: Path) -> None:
    (csv_dir / "funds.csv").write_text("date,symbol,pe,pb,ps,pcf\n2024-01-02,IWM,500,,-3,0\n")
    row = CsvDirectory(csv_dir).fund_history("IWM").iloc[0]
    assert all(pd.isna(row[metric]) for metric in METRICS)


def test_funds_csv_with_some_metric_columns_absent(csv_dir: Path) -> None:
    (csv_dir / "funds.csv").write_text("date,symbol,pe,pb\n2024-01-02,IWM,0.05,2.0\n")
    history = CsvDirectory(csv_dir).fund_history("IWM")
    assert list(history.columns) == list(FUND_FIELDS)
    assert len(history) == 1
    assert history["pe"].iloc[0] == pytest.approx(20.0)
    assert history["pb"].iloc[0] == pytest.approx(2.0)
    assert pd.isna(history["ps"].iloc[0])
    assert pd.isna(history["pcf"].iloc[0])


def test_no_funds_csv_is_an_empty_history(csv_dir: Path) -> None:
    history = CsvDirectory(csv_dir).fund_history("IWM")
    assert history.empty
    assert list(history.columns) == list(FUND_FIELDS)


def test_parsed_files_kept_in_memory_are_the_ones_read_last(csv_dir: Path) -> None:
    for symbol in ("AAA", "BBB", "CCC"):
        write_flat_csv(csv_dir / f"{symbol}.csv", SERIES)
    files = CsvDirectory(csv_dir, in_memory=2)
    files.closes(["AAA", "BBB"])
    files.closes(["CCC"])

    assert set(files._parsed) == {"BBB", "CCC"}
