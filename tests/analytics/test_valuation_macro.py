"""Valuation gap and its percentile; the macro backdrop."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from bot.analytics.macro import macro, yield_in_percent
from bot.analytics.series import History
from bot.analytics.valuation import plausible_ratio, valuation, valuations
from tests.factories import closes


def test_reciprocal_multiples_are_turned_back() -> None:
    assert plausible_ratio("pe", 22.0) == 22.0
    assert plausible_ratio("pe", 0.05) == pytest.approx(20.0)
    assert plausible_ratio("pb", 0.25) == pytest.approx(4.0)
    assert plausible_ratio("pe", 5000.0) is None
    assert plausible_ratio("ps", -1.0) is None
    assert plausible_ratio("pcf", None) is None


def funds(rows: dict[str, tuple[float, float]]) -> pd.DataFrame:
    index = pd.DatetimeIndex(list(rows))
    return pd.DataFrame(
        {"pe": [r[0] for r in rows.values()], "pb": [r[1] for r in rows.values()]}, index=index
    )


def test_discount_and_its_percentile_among_recorded_days() -> None:
    small = funds(
        {
            "2026-01-05": (15.0, 2.0),
            "2026-01-06": (16.0, 2.0),
            "2026-01-07": (14.0, 1.8),
            "2026-01-08": (14.3, 1.8),
        }
    )
    large = funds(
        {
            "2026-01-05": (20.0, 4.0),
            "2026-01-06": (20.0, 4.0),
            "2026-01-07": (20.0, 4.0),
            "2026-01-08": (22.0, 4.0),
        }
    )
    report = valuation(small, large, date(2026, 1, 8), "IWM", "SPY")
    pe = next(r for r in report.rows if r.metric == "P/E")
    assert pe.discount_pct == pytest.approx((14.3 / 22.0 - 1) * 100)  # -35%
    # earlier discounts: -25, -20, -30: all shallower than -35
    assert pe.percentile == pytest.approx(100.0)
    assert report.recorded_days == 4
    ps = next(r for r in report.rows if r.metric == "P/S")
    assert ps.small is None and ps.discount_pct is None
    earlier = valuation(small, large, date(2026, 1, 6), "IWM", "SPY")
    pe_earlier = next(r for r in earlier.rows if r.metric == "P/E")
    assert pe_earlier.discount_pct == pytest.approx(-20.0)
    assert pe_earlier.percentile == pytest.approx(0.0)  # -25 before it was deeper
    before = valuation(small, large, date(2025, 12, 31), "IWM", "SPY")
    assert before.session is None and before.recorded_days == 0
    assert all(row.small is None and row.discount_pct is None for row in before.rows)


def test_each_fund_against_the_large_one_on_its_own_last_recorded_day() -> None:
    nan = float("nan")
    spy = funds({d: (20.0, 4.0) for d in ("2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08")})
    iwm = funds(
        {
            "2026-01-05": (15.0, 2.0),
            "2026-01-06": (16.0, 2.0),
            "2026-01-07": (14.0, 2.0),
            "2026-01-08": (13.0, 2.0),
        }
    )
    ijr = funds({"2026-01-05": (12.0, 2.0), "2026-01-06": (13.0, 2.0), "2026-01-07": (11.0, 2.0)})
    ijh = funds(
        {
            "2026-01-05": (18.0, 3.0),
            "2026-01-06": (nan, 3.0),
            "2026-01-07": (17.0, 3.0),
            "2026-01-08": (19.0, 3.0),
        }
    )
    iwc = funds({})
    report = valuations(
        [
            ("Small caps", "IWM", iwm),
            ("Small caps (S&P 600)", "IJR", ijr),
            ("Mid caps", "IJH", ijh),
            ("Micro caps", "IWC", iwc),
        ],
        ("Large caps", "SPY", spy),
        date(2026, 1, 8),
    )
    assert (report.large, report.large_label, report.session) == (
        "SPY",
        "Large caps",
        date(2026, 1, 8),
    )
    by_symbol = {f.symbol: f for f in report.funds}
    assert list(by_symbol) == ["IWM", "IJR", "IJH", "IWC"]

    # IWM's P/E gaps: -25, -20, -30, then -35 today: all three earlier ones were shallower
    iwm_pe = by_symbol["IWM"].rows[0]
    assert (iwm_pe.metric, iwm_pe.small, iwm_pe.large) == ("P/E", 13.0, 20.0)
    assert iwm_pe.discount_pct == pytest.approx(-35.0)
    assert (iwm_pe.percentile, iwm_pe.days) == (pytest.approx(100.0), 3)
    # IJR ends on the 7th: its figures are that day's (-45, against -40 and -35 before)
    ijr = by_symbol["IJR"]
    assert ijr.session == date(2026, 1, 7) and ijr.recorded_days == 3
    assert ijr.rows[0].discount_pct == pytest.approx(-45.0)
    assert (ijr.rows[0].percentile, ijr.rows[0].days) == (pytest.approx(100.0), 2)
    # IJH has no P/E on the 6th: that day is left out of its P/E percentile, not its P/B one.
    # P/E gap today -5 against -10 and -15: none shallower; P/B -25 every day: none shallower
    ijh_pe, ijh_pb = by_symbol["IJH"].rows[:2]
    assert ijh_pe.discount_pct == pytest.approx(-5.0)
    assert (ijh_pe.percentile, ijh_pe.days) == (pytest.approx(0.0), 2)
    assert (ijh_pb.percentile, ijh_pb.days) == (pytest.approx(0.0), 3)
    # IWC has no recorded day: a row of None, not an error
    iwc_row = by_symbol["IWC"]
    assert iwc_row.session is None and iwc_row.recorded_days == 0
    assert all(r.small is None and r.percentile is None and r.days == 0 for r in iwc_row.rows)

    # as of the 6th, IWM's -20 against -25 before: 0% of 1 day
    earlier = valuations([("Small caps", "IWM", iwm)], ("Large caps", "SPY", spy), date(2026, 1, 6))
    assert earlier.session == date(2026, 1, 6)
    pe = earlier.funds[0].rows[0]
    assert (pe.discount_pct, pe.percentile, pe.days) == (pytest.approx(-20.0), 0.0, 1)
    nothing = valuations([("Small caps", "IWM", iwm)], ("Large caps", "SPY", spy), date(2026, 1, 2))
    assert nothing.session is None and nothing.funds[0].session is None


def test_yields_quoted_ten_times_are_brought_back_to_percent() -> None:
    series = closes([42.5, 4.3])
    assert yield_in_percent(series).tolist() == [4.25, 4.3]


def test_macro_levels_and_changes() -> None:
    tnx = History("tnx", "^TNX", "10y", closes([4.0, 4.1, 4.0, 4.2, 4.3, 4.25]))
    irx = History("irx", "^IRX", "13w", None, "no data for ^IRX")
    vix = History("vix", "^VIX", "VIX", closes([15.0, 16.0, 14.0, 20.0, 18.0, 17.0]))
    hyg = History("hyg", "HYG", "HYG", closes([80.0] * 5 + [79.2]))
    ief = History("ief", "IEF", "IEF", closes([96.0] * 6))
    report = macro([tnx, irx], vix, (hyg, ief), date(2024, 1, 9))
    ten, bill, vol, credit = report.rows
    assert ten.value == pytest.approx(4.25)
    assert ten.change_1d == pytest.approx(-5.0)  # basis points
    assert ten.change_5d == pytest.approx(25.0)
    assert bill.value is None and bill.note == "no data for ^IRX"
    assert vol.change_1d == pytest.approx(-1.0)  # VIX points
    assert credit.value == pytest.approx(79.2 / 96.0)
    assert credit.change_1d == pytest.approx(-1.0)  # percent
    assert report.session == date(2024, 1, 9)
