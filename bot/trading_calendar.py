"""The NYSE trading calendar (exchange_calendars' XNYS): sessions, opens, closes, early closes.

Everything that asks "is the market open?", "when did that session close?" or "which session
comes next?" asks here, so holidays and half days are right everywhere.
"""

from __future__ import annotations

import threading
import warnings
from datetime import UTC, date, datetime
from functools import cache

import exchange_calendars as xcals
import numpy as np
import pandas as pd
from exchange_calendars import ExchangeCalendar

from bot.clock import EXCHANGE_TZ

FIRST_DAY = "1927-12-30"
"""The calendar reaches back to the first close of the oldest history Yahoo has (the S&P 500's),
so a replay of any history the commands answer for (the 1987 crash too) counts its sessions.
XNYS has no lower bound of its own; a longer calendar costs nothing that matters (it is built
once, in about the same time)."""


_BUILDING = threading.Lock()


def nyse() -> ExchangeCalendar:
    """The calendar, built once per process (a quarter of a second of CPU): threads asking at
    the same time wait for the one building it instead of each building their own."""
    with _BUILDING:
        return _nyse()


@cache
def _nyse() -> ExchangeCalendar:
    # exchange_calendars 4.13 reads `Series.values` of tz-aware times while building the
    # calendar, which pandas 3.1 deprecates; the values it gets are still right.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Series.values returning an ndarray")
        return xcals.get_calendar("XNYS", start=FIRST_DAY)


def _stamp(day: date) -> pd.Timestamp:
    return pd.Timestamp(day)


def _aware(stamp: pd.Timestamp) -> datetime:
    return stamp.to_pydatetime().astimezone(UTC)


def is_trading_day(day: date) -> bool:
    return bool(nyse().is_session(_stamp(day)))


def session_open(day: date) -> datetime:
    return _aware(nyse().session_open(_stamp(day)))


def session_close(day: date) -> datetime:
    """When `day`'s session closes: 16:00 New York, 13:00 on an early close."""
    return _aware(nyse().session_close(_stamp(day)))


@cache
def next_session(day: date) -> date:
    """The first session after `day` (which need not be a session itself)."""
    calendar = nyse()
    stamp = _stamp(day)
    if calendar.is_session(stamp):
        found: date = calendar.next_session(stamp).date()
    else:
        found = calendar.date_to_session(stamp, "next").date()
    return found


def session_on_or_before(day: date) -> date:
    """`day` when it is a session, else the last session before it."""
    found: date = nyse().date_to_session(_stamp(day), "previous").date()
    return found


def sessions_after(day: date, count: int) -> date:
    """The session `count` sessions after `day`."""
    for _ in range(count):
        day = next_session(day)
    return day


def is_open(now: datetime) -> bool:
    """Whether the market is trading at `now`: a session's open up to (not including) its close."""
    day = now.astimezone(EXCHANGE_TZ).date()
    return is_trading_day(day) and session_open(day) <= now < session_close(day)


@cache
def _closes() -> tuple[np.ndarray, np.ndarray]:
    """Every session's close as epoch seconds (sorted), and the sessions as dates."""
    with _BUILDING:
        closes = _nyse().schedule["close"]
    naive = closes.dt.tz_convert(UTC).dt.tz_localize(None)
    seconds = naive.to_numpy().astype("datetime64[s]").astype(np.int64)
    days = closes.index.to_numpy().astype("datetime64[D]")
    return seconds, days


def close_of(day: date) -> datetime | None:
    """When the session `day` closed (or closes), None when `day` is no session: a search in
    the calendar's closes, for walks over years of sessions."""
    seconds, days = _closes()
    at = int(np.searchsorted(days, np.datetime64(day, "D")))
    if at == len(days) or days[at] != np.datetime64(day, "D"):
        return None
    return datetime.fromtimestamp(int(seconds[at]), UTC)


def last_close(now: datetime) -> date | None:
    """The newest session that has closed at or before `now` (a search in the calendar's
    closes: every answer asks, so it must cost microseconds)."""
    seconds, days = _closes()
    at = int(np.searchsorted(seconds, now.timestamp(), side="right")) - 1
    if at < 0:
        return None
    closed: date = days[at].astype(date)
    return closed
