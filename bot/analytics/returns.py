"""Returns over a period, daily volatility, the small-minus-large spread, and year-to-date ranks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from bot.analytics.series import History, pct, position_on_or_before
from bot.errors import NoDataError


@dataclass(frozen=True)
class YearRank:
    """Where a year-to-date return ranks among all years at the same point of the year."""

    rank: int
    years: int
    percentile: float


@dataclass(frozen=True)
class ReturnRow:
    key: str
    symbol: str
    name: str
    return_pct: float | None
    vol_pct: float | None
    rank: YearRank | None = None
    note: str | None = None


@dataclass(frozen=True)
class ReturnsReport:
    period: str
    start: date
    end: date
    rows: list[ReturnRow]
    spread_pts: float | None


PERIODS: tuple[str, ...] = ("1d", "5d", "mtd", "1m", "qtd", "3m", "6m", "ytd", "1y", "3y", "5y")
_SESSIONS = {"1d": 1, "5d": 5}
_MONTHS = {"1m": 1, "3m": 3, "6m": 6, "1y": 12, "3y": 36, "5y": 60}
_LAG_TOLERANCE = timedelta(days=5)
"""A series whose last close is this close to the window's end still counts (other holidays)."""


def period_end(period: str) -> date | None:
    """The last day of a calendar-year period ("2013": 2013-12-31); None for a period that
    ends on the day asked (1d ... 5y, mtd, qtd, ytd)."""
    return date(int(period), 12, 31) if period.isdigit() else None


@dataclass(frozen=True)
class Window:
    """A period as two sessions: the close a return is measured from (`base`) and to (`end`)."""

    period: str
    base: pd.Timestamp
    end: pd.Timestamp


def window(sessions: pd.DatetimeIndex, period: str, as_of: date | None = None) -> Window:
    """The window of `period` ending at the last of `sessions`.

    1d/5d: the close 1 or 5 sessions earlier. mtd/qtd/ytd: the last close before the month,
    quarter or year of `as_of` (default: of the last session) began; when that month, quarter
    or year has no session yet, there is no window. 1m..5y: the last close on or before the same
    date that many months earlier. A year such as "2013": the last close of 2012 to the last
    close of 2013 (or the last session, when the year is not over).
    """
    if period.isdigit():
        year = int(period)
        last = position_on_or_before(sessions, pd.Timestamp(year=year, month=12, day=31))
        if last < 0 or sessions[last].year != year:
            raise NoDataError(f"no sessions in {year} in the data")
        end = sessions[last]
        year_end = pd.Timestamp(year=year - 1, month=12, day=31)
        return _window(sessions, period, position_on_or_before(sessions, year_end), end, year_end)
    end = sessions[-1]
    target: pd.Timestamp | None = None
    if period in _SESSIONS:
        base_position = len(sessions) - 1 - _SESSIONS[period]
    elif period in _MONTHS:
        target = end - pd.DateOffset(months=_MONTHS[period])
        base_position = position_on_or_before(sessions, target)
    elif period in ("mtd", "qtd", "ytd"):
        anchor = pd.Timestamp(as_of) if as_of is not None else end
        first_day = {
            "mtd": pd.Timestamp(year=anchor.year, month=anchor.month, day=1),
            "qtd": pd.Timestamp(year=anchor.year, month=3 * ((anchor.month - 1) // 3) + 1, day=1),
            "ytd": pd.Timestamp(year=anchor.year, month=1, day=1),
        }[period]
        if first_day > end:
            span = {
                "mtd": f"{first_day:%B %Y}",
                "qtd": f"Q{(first_day.month + 2) // 3} {first_day.year}",
                "ytd": f"{first_day.year}",
            }[period]
            raise NoDataError(
                f"{period.upper()} as of {anchor.date().isoformat()}: {span} has no session in "
                f"the data yet (the last is {end.date().isoformat()})"
            )
        target = first_day - pd.Timedelta(days=1)
        base_position = position_on_or_before(sessions, target)
    else:
        raise NoDataError(f"unknown period '{period}'")
    return _window(sessions, period, base_position, end, target)


def _window(
    sessions: pd.DatetimeIndex,
    period: str,
    base_position: int,
    end: pd.Timestamp,
    target: pd.Timestamp | None = None,
) -> Window:
    """The window from `sessions[base_position]`, which must be a close near `target` (the
    date the period counts from), not one across a gap in the data."""
    if base_position < 0:
        raise NoDataError(
            f"not enough history for {period}: the data starts {sessions[0].date().isoformat()}"
        )
    base = sessions[base_position]
    if target is not None and target - base > _LAG_TOLERANCE:
        after = sessions[base_position + 1].date().isoformat()
        raise NoDataError(
            f"not enough history for {period}: no close near {target.date().isoformat()} "
            f"(the data resumes {after})"
        )
    return Window(period, base, end)


@dataclass(frozen=True)
class PeriodReturn:
    return_pct: float | None
    vol_pct: float | None
    note: str | None = None


def period_return(closes: pd.Series, span: Window) -> PeriodReturn:
    """Return from the close on or before `span.base` to the close on or before `span.end`.

    Daily volatility is the sample standard deviation of the daily returns inside the window.
    A series whose data stops well before the window's end, or starts after its base, has no
    return, and a note says why.
    """
    index = pd.DatetimeIndex(closes.index)
    base = position_on_or_before(index, span.base)
    end = position_on_or_before(index, span.end)
    if base < 0:
        return PeriodReturn(None, None, f"history starts {index[0].date().isoformat()}")
    if span.end - index[end] > _LAG_TOLERANCE or end <= base:
        return PeriodReturn(None, None, f"last close {index[end].date().isoformat()}")
    values = closes.to_numpy()[base : end + 1]
    daily = values[1:] / values[:-1] - 1.0
    vol = pct(np.std(daily, ddof=1)) if len(daily) >= 2 else None
    return PeriodReturn(pct(values[-1] / values[0] - 1.0), vol)


def ytd_rank(closes: pd.Series, end: pd.Timestamp) -> YearRank | None:
    """Rank of the year-to-date return at `end` among every year's return at the same point.

    A year's return at the same point runs from its previous year's last close to its last close
    on or before the same month and day (Feb 29 becomes Feb 28). Rank 1 is the best; the
    percentile is the share of the other years that were lower.
    """
    index = pd.DatetimeIndex(closes.index)
    years = np.arange(index[0].year + 1, end.year + 1)
    if len(years) < 2:
        return None
    year_starts = (years - 1970).astype("datetime64[Y]")
    month_starts = year_starts.astype("datetime64[M]") + (end.month - 1)
    days_in_month = (month_starts + 1).astype("datetime64[D]") - month_starts.astype(
        "datetime64[D]"
    )
    day_offsets = np.minimum(end.day, days_in_month.astype(int)) - 1
    targets = month_starts.astype("datetime64[D]") + day_offsets
    sessions = index.to_numpy().astype("datetime64[D]")
    base_pos = np.searchsorted(sessions, year_starts.astype("datetime64[D]"), side="left") - 1
    value_pos = np.searchsorted(sessions, targets, side="right") - 1
    valid = (base_pos >= 0) & (value_pos > base_pos)
    valid &= index[np.maximum(base_pos, 0)].year == years - 1
    values = closes.to_numpy()
    returns = values[value_pos[valid]] / values[base_pos[valid]] - 1.0
    if len(returns) < 2 or years[valid][-1] != end.year:
        return None
    current = returns[-1]
    lower = int(np.sum(returns[:-1] < current))
    return YearRank(
        rank=int(np.sum(returns > current)) + 1,
        years=len(returns),
        percentile=100.0 * lower / (len(returns) - 1),
    )


def calendar(usable: Sequence[pd.Series]) -> pd.DatetimeIndex:
    """The sessions a window is read on: those of the series with the most recent data, and
    before its first, those of every other series (an index that starts in 1987 does not cut
    off the years the S&P 500 covers)."""
    freshest = pd.DatetimeIndex(max(usable, key=lambda closes: closes.index[-1]).index)
    earlier = [c.index[c.index < freshest[0]] for c in usable]
    return pd.DatetimeIndex(freshest.append(earlier).unique().sort_values())


def returns_table(histories: Sequence[History], period: str, as_of: date) -> ReturnsReport:
    """Each history's return over `period` ending at `as_of`; the spread is first minus second.

    The window is set by the sessions of the history with the most recent data on or before
    `as_of`, and before it starts by the sessions of the others: one short history never
    refuses the window the rest can measure. Every series is measured between its own closes
    on or before the same two dates; one whose data stops well before the window's end, or
    starts after its base, has no return and a note.
    """
    usable = [
        h.closes.loc[: pd.Timestamp(as_of)]
        for h in histories
        if h.closes is not None and len(h.closes)
    ]
    usable = [closes for closes in usable if len(closes)]
    if not usable:
        notes = [h.note for h in histories if h.note]
        raise NoDataError(notes[0] if notes else f"no data on or before {as_of.isoformat()}")
    span = window(calendar(usable), period, as_of)
    rows = []
    for history in histories:
        if history.closes is None or history.closes.empty:
            rows.append(
                ReturnRow(
                    history.key,
                    history.symbol,
                    history.name,
                    None,
                    None,
                    note=history.note or "no data",
                )
            )
            continue
        closes = history.closes.loc[: span.end]
        result = (
            period_return(closes, span)
            if len(closes)
            else PeriodReturn(None, None, f"history starts {history.closes.index[0].date()}")
        )
        rank = None
        if period == "ytd" and result.return_pct is not None:
            rank = ytd_rank(closes, span.end)
        rows.append(
            ReturnRow(
                history.key,
                history.symbol,
                history.name,
                result.return_pct,
                result.vol_pct,
                rank,
                result.note,
            )
        )
    spread = None
    if len(rows) >= 2 and rows[0].return_pct is not None and rows[1].return_pct is not None:
        spread = rows[0].return_pct - rows[1].return_pct
    return ReturnsReport(period, span.base.date(), span.end.date(), rows, spread)
