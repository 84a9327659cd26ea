"""Implied flows: the change in assets that the price change does not explain."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from bot.analytics.flows import implied_flows
from bot.analytics.series import History
from tests.factories import closes

DAYS = [
    "2026-01-12",
    "2026-01-13",
    "2026-01-14",
    "2026-01-15",
    "2026-01-16",
    "2026-01-20",
    "2026-01-21",
]

SESSIONS = pd.DatetimeIndex(DAYS)  # 2026-01-19 is Martin Luther King Jr. Day


def assets(values: list[float], days: list[str] = DAYS) -> pd.Series:
    return pd.Series(values, index=pd.DatetimeIndex(days).astype("datetime64[ns]"))


def test_flows_by_hand() -> None:
    prices = History(
        "iwm",
        "IWM",
        "iShares Russell 2000 ETF",
        closes([100, 101, 100, 102, 102, 100, 101], dates=DAYS),
    )
    held = assets([70e9, 71e9, 70.5e9, 72e9, 72.4e9, 71e9, 72e9])
    row = implied_flows(held, prices, date(2026, 1, 21), SESSIONS)
    # last interval: 72e9 - 71e9 * 101/100
    assert row.flow_1d == pytest.approx(72e9 - 71e9 * 1.01)
    expected_5d = sum(
        held.iloc[i] - held.iloc[i - 1] * prices.closes.iloc[i] / prices.closes.iloc[i - 1]
        for i in range(2, 7)
    )
    assert row.flow_5d == pytest.approx(expected_5d)
    assert (row.assets, row.days_recorded) == (72e9, 7)
    assert row.first_recorded == date(2026, 1, 12) and row.note is None


def test_says_how_many_days_it_has() -> None:
    prices = History("vb", "VB", "Vanguard", closes([200, 202], dates=DAYS[:2]))
    row = implied_flows(assets([60e9, 61e9], DAYS[:2]), prices, date(2026, 1, 21), SESSIONS)
    assert row.flow_1d == pytest.approx(61e9 - 60e9 * 1.01)
    assert row.flow_5d is None
    assert row.note == "5-day flow needs 6 recorded days"
    one = implied_flows(assets([60e9], DAYS[:1]), prices, date(2026, 1, 21), SESSIONS)
    assert one.flow_1d is None and one.note == "flows need two recorded days"
    none = implied_flows(assets([], []), prices, date(2026, 1, 21), SESSIONS)
    assert none.days_recorded == 0 and none.note == "no assets recorded yet"


def test_as_of_uses_only_the_days_recorded_by_then() -> None:
    prices = History("ijr", "IJR", "iShares", closes([100] * 7, dates=DAYS))
    row = implied_flows(
        assets([1e9, 2e9, 3e9, 4e9, 5e9, 6e9, 7e9]), prices, date(2026, 1, 13), SESSIONS
    )
    assert row.days_recorded == 2 and row.flow_1d == pytest.approx(1e9)


def test_missing_prices_are_noted() -> None:
    row = implied_flows(
        assets([1e9], DAYS[:1]),
        History("vbr", "VBR", "V", None, "no file VBR.csv"),
        date(2026, 1, 21),
        SESSIONS,
    )
    assert row.note == "no file VBR.csv" and row.assets is None


def test_a_recorded_day_without_its_close_has_no_flow() -> None:
    # IWM's close of 2026-01-21 is missing: the last interval's price change is unknown
    prices = History(
        "iwm", "IWM", "iShares", closes([100, 101, 100, 102, 102, 100], dates=DAYS[:6])
    )
    row = implied_flows(
        assets([70e9, 71e9, 70e9, 72e9, 72e9, 70e9, 75e9]), prices, date(2026, 1, 21), SESSIONS
    )
    assert row.flow_1d is None and row.flow_5d is None
    assert row.assets == 75e9 and row.days_recorded == 7
    assert row.note == "no IWM close on 2026-01-21: no price, no flow"


def test_a_day_recorded_on_a_weekend_reads_the_session_before() -> None:
    prices = History("iwm", "IWM", "iShares", closes([100, 110], dates=DAYS[3:5]))
    held = assets([70e9, 77e9, 78e9], ["2026-01-15", "2026-01-16", "2026-01-17"])
    row = implied_flows(held, prices, date(2026, 1, 17), SESSIONS)
    assert row.flow_1d == pytest.approx(1e9)  # Saturday: Friday's close, unchanged
    assert row.note == "5-day flow needs 6 recorded days"
