"""Which session an answer should describe, and how the one it describes differs.

An answer never moves to another date without saying so: a weekend or holiday asked for is
answered by the session before it, and a series whose data ends early drags an answer back to
its last date. `dating` finds both, from the trading calendar and the histories the answer read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import pandas as pd

from bot.analytics.series import History
from bot.clock import EXCHANGE_TZ
from bot.reports import Dating, ShortSeries
from bot.trading_calendar import is_trading_day, last_close, nyse, session_on_or_before


def dating(
    requested: date | None,
    now: datetime,
    answered: date,
    day: date,
    histories: Sequence[History],
    period_end: date | None = None,
) -> Dating:
    """How the session `answered` relates to the date asked (`requested`, None for now).

    `day` is the date the answer was computed for: `requested`, or today. `period_end` is the
    last day of a period the answer measures when that period is over by `day` (the year 2025
    asked in 2026): then the answer should describe the period's last session, not the newest,
    and only a series that stops before that session is short.
    """
    today = now.astimezone(EXCHANGE_TZ).date()
    first = nyse().first_session.date()
    ended = period_end if period_end is not None and period_end < day else None
    expected: date | None
    if ended is not None:
        expected = session_on_or_before(ended) if ended >= first else None
    elif requested is None or requested >= today:
        expected = last_close(now)
    elif requested < first:
        expected = None
    else:
        expected = session_on_or_before(requested)
    asked_day = requested if ended is None and requested is not None else None
    no_session = (
        _no_session(asked_day)
        if asked_day is not None and asked_day >= first and not is_trading_day(asked_day)
        else None
    )
    short = []
    for history in histories:
        if history.closes is None or history.closes.empty or expected is None:
            continue
        before = history.closes.loc[: pd.Timestamp(ended or day)]
        last = before.index[-1].date() if len(before) else None
        if last is not None and last < expected:
            short.append(ShortSeries(history.name, history.symbol, last))
    return Dating(
        requested, expected, answered, no_session, list(dict.fromkeys(short)), ended is not None
    )


def _no_session(day: date) -> str:
    """Why `day` is no session: "a Saturday", "an NYSE holiday"."""
    return f"a {day:%A}" if day.weekday() >= 5 else "an NYSE holiday"
