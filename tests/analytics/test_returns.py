"""Returns over periods, volatility, spread and the year-to-date rank."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from bot.analytics.returns import PERIODS, Window, period_return, returns_table, window, ytd_rank
from bot.analytics.series import History
from bot.errors import NoDataError
from tests.factories import closes

SESSIONS = pd.DatetimeIndex(pd.bdate_range("2011-01-03", "2014-03-14"))


def day(ts: pd.Timestamp) -> date:
    return ts.date()


@pytest.mark.parametrize(
    ("period", "base"),
    [
        ("1d", date(2014, 3, 13)),
        ("5d", date(2014, 3, 7)),
        ("mtd", date(2014, 2, 28)),
        ("qtd", date(2013, 12, 31)),
        ("ytd", date(2013, 12, 31)),
        ("1m", date(2014, 2, 14)),
        ("3m", date(2013, 12, 13)),
        ("6m", date(2013, 9, 13)),
        ("1y", date(2013, 3, 14)),
        ("3y", date(2011, 3, 14)),
    ],
)
def test_window_base_sessions(period: str, base: date) -> None:
    span = window(SESSIONS, period)  # the last session is Friday 2014-03-14
    assert day(span.end) == date(2014, 3, 14)
    assert day(span.base) == base


def test_month_offsets_fall_back_to_the_last_session_on_or_before() -> None:
    sessions = pd.DatetimeIndex(pd.bdate_range("2013-01-01", "2013-03-31"))
    # 2013-03-31 is a Sunday: the window ends Friday 03-29; a month earlier is 02-28 (Thursday)
    span = window(sessions, "1m")
    assert (day(span.base), day(span.end)) == (date(2013, 2, 28), date(2013, 3, 29))


def test_a_calendar_year_runs_from_the_previous_year_end_to_the_year_end() -> None:
    span = window(SESSIONS, "2013")
    assert (day(span.base), day(span.end)) == (date(2012, 12, 31), date(2013, 12, 31))
    running = window(SESSIONS, "2014")  # not over yet: to the last session
    assert (day(running.base), day(running.end)) == (date(2013, 12, 31), date(2014, 3, 14))


def test_periods_longer_than_the_history_are_a_clear_error() -> None:
    with pytest.raises(NoDataError, match="not enough history for 5y"):
        window(SESSIONS, "5y")
    with pytest.raises(NoDataError, match="no sessions in 2016"):
        window(SESSIONS, "2016")
    with pytest.raises(NoDataError, match="not enough history for 2011"):
        window(SESSIONS, "2011")


def test_period_return_and_daily_volatility_by_hand() -> None:
    series = closes([100.0, 110.0, 99.0, 108.9], start="2024-01-01")
    whole = period_return(series, Window("all", series.index[0], series.index[-1]))
    assert whole.return_pct == pytest.approx(8.9)
    # daily returns +10%, -10%, +10%: their sample standard deviation
    assert whole.vol_pct == pytest.approx(np.std([10.0, -10.0, 10.0], ddof=1))
    span = window(pd.DatetimeIndex(series.index), "1d")
    assert day(span.base) == date(2024, 1, 3)
    one_day = period_return(series, span)
    assert one_day.return_pct == pytest.approx(10.0)
    assert one_day.vol_pct is None  # one daily return has no spread


def test_table_measures_every_row_between_the_same_two_dates() -> None:
    small = closes([100.0, 102.0, 104.0, 107.0], start="2024-01-01")
    large = closes([200.0, 200.0, 202.0, 201.0], start="2024-01-01")
    stale = closes([50.0, 51.0], start="2023-06-01")
    table = returns_table(
        [
            History("rut", "^RUT", "Russell 2000", small),
            History("spx", "^GSPC", "S&P 500", large),
            History("old", "OLD", "Old", stale),
            History("mid", "^SP400", "S&P MidCap 400", None, "no file ^SP400.csv"),
        ],
        "1d",
        date(2024, 1, 4),
    )
    assert (table.start, table.end) == (date(2024, 1, 3), date(2024, 1, 4))
    rut, spx, old, mid = table.rows
    assert rut.return_pct == pytest.approx((107 / 104 - 1) * 100)
    assert spx.return_pct == pytest.approx((201 / 202 - 1) * 100)
    assert table.spread_pts == pytest.approx(rut.return_pct - spx.return_pct)
    assert old.return_pct is None and old.note == "last close 2023-06-02"
    assert mid.return_pct is None and mid.note == "no file ^SP400.csv"


def test_the_freshest_series_sets_the_window() -> None:
    lagging = closes([10.0, 11.0], start="2024-01-01")  # stops 2024-01-02, within 5 days
    fresh = closes([100.0, 101.0, 102.0, 103.0, 104.0], start="2024-01-01")
    table = returns_table(
        [History("x", "X", "X", lagging), History("y", "Y", "Y", fresh)], "1d", date(2024, 1, 5)
    )
    assert table.end == date(2024, 1, 5)
    assert table.rows[0].return_pct is None  # no close after the window's base (01-04)
    assert table.rows[0].note == "last close 2024-01-02"
    assert table.rows[1].return_pct == pytest.approx(1 / 103 * 100)


def test_nothing_to_measure_is_a_clear_error() -> None:
    with pytest.raises(NoDataError, match="no file"):
        returns_table(
            [History("mid", "^SP400", "Mid", None, "no file ^SP400.csv")], "ytd", date(2024, 1, 4)
        )


def year_to_date_market(returns_by_year: dict[int, float], month: int, day_: int) -> pd.Series:
    """Closes where each year's return from the previous year end to `month`/`day_` is given."""
    index = pd.bdate_range(f"{min(returns_by_year) - 1}-12-01", f"{max(returns_by_year)}-12-31")
    anchors = pd.Series(np.nan, index=index)
    level = 100.0
    anchors.iloc[0] = level
    for year, pct in sorted(returns_by_year.items()):
        target = index[index.searchsorted(pd.Timestamp(year, month, day_), side="right") - 1]
        anchors[target] = level * (1 + pct / 100)
        level = 100.0 * (year - min(returns_by_year) + 2)  # a new level for the next year-end
        anchors[index[index.year == year][-1]] = level
    return anchors.ffill()


def test_ytd_rank_among_all_years_at_the_same_point() -> None:
    series = year_to_date_market({2021: 5.0, 2022: -3.0, 2023: 10.0, 2024: 7.0}, 1, 22)
    current = series.loc[:"2024-01-22"]
    rank = ytd_rank(current, pd.Timestamp("2024-01-22"))
    assert rank is not None
    assert (rank.rank, rank.years) == (2, 4)
    assert rank.percentile == pytest.approx(200 / 3)  # 2 of the 3 other years were lower


def test_ytd_rank_on_february_29_compares_february_28() -> None:
    series = year_to_date_market({2021: 1.0, 2022: 2.0, 2023: 3.0, 2024: 2.5}, 2, 28)
    # 2024-02-29 is a session; the anchors sit on 02-28, and 02-29 repeats 02-28's close
    current = series.loc[:"2024-02-29"]
    rank = ytd_rank(current, pd.Timestamp("2024-02-29"))
    assert rank is not None and (rank.rank, rank.years) == (2, 4)


def test_ytd_rows_carry_their_rank() -> None:
    series = year_to_date_market({2021: 5.0, 2022: -3.0, 2023: 10.0, 2024: 7.0}, 1, 22)
    table = returns_table([History("rut", "^RUT", "R", series)], "ytd", date(2024, 1, 22))
    (row,) = table.rows
    assert row.return_pct == pytest.approx(7.0)
    assert row.rank is not None and row.rank.rank == 2


def test_every_named_period_has_a_window() -> None:
    long = pd.DatetimeIndex(pd.bdate_range("2000-01-03", "2014-03-14"))
    for period in PERIODS:
        span = window(long, period)
        assert span.base < span.end


def test_a_short_history_is_a_row_not_a_refusal_of_the_year() -> None:
    # the freshest series starts in September 1987; the other covers the whole of 1987
    young = closes([100.0, 101.0, 102.0], dates=["1987-09-10", "1987-12-31", "1988-01-04"])
    old = closes(
        [200.0, 210.0, 220.0, 230.0], dates=["1986-12-31", "1987-06-01", "1987-12-31", "1988-01-04"]
    )
    table = returns_table(
        [History("rut", "^RUT", "Russell 2000", young), History("spx", "^GSPC", "S&P 500", old)],
        "1987",
        date(1988, 1, 4),
    )
    assert (table.start, table.end) == (date(1986, 12, 31), date(1987, 12, 31))
    rut, spx = table.rows
    assert rut.return_pct is None and rut.note == "history starts 1987-09-10"
    assert spx.return_pct == pytest.approx(10.0)
    assert table.spread_pts is None


def test_a_series_that_starts_after_the_window_says_when_it_starts() -> None:
    young = closes([100.0, 101.0], dates=["1990-01-02", "1990-01-03"])
    old = closes([200.0, 210.0, 220.0], dates=["1986-12-31", "1987-12-31", "1990-01-03"])
    table = returns_table(
        [History("old", "OLD", "Old", old), History("mid", "MDY", "Mid", young)],
        "1987",
        date(1990, 1, 3),
    )
    assert table.rows[1].return_pct is None
    assert table.rows[1].note == "history starts 1990-01-02"


def test_a_base_across_a_gap_in_the_data_is_no_window() -> None:
    # the freshest series starts mid-2025; the other stopped in 2022: 2024's last close is unknown
    fresh = closes([100.0, 101.0], dates=["2025-06-02", "2025-12-31"])
    stopped = closes([50.0, 51.0], dates=["2022-11-17", "2022-11-18"])
    with pytest.raises(NoDataError, match="no close near 2024-12-31"):
        returns_table(
            [History("rut", "^RUT", "Russell 2000", fresh), History("iwm", "IWM", "IWM", stopped)],
            "2025",
            date(2026, 1, 2),
        )
