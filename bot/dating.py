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
) -> Dating:
    """How the session `answered` relates to the date asked (`requested`, None for now).

    `day` is the date the answer was computed for: `requested`, or today.
    """
    today = now.astimezone(EXCHANGE_TZ).date()
    first = nyse().first_session.date()
    expected: date | None
    no_session = None
    if requested is None or requested >= today:
        expected = last_close(now)
    elif requested < first:
        expected = None
    else:
        expected = session_on_or_before(requested)
    if requested is not None and requested >= first and not is_trading_day(requested):
        no_session = f"a {requested:%A}" if requested.weekday() >= 5 else "an NYSE holiday"
    short = []
    for history in histories:
        if history.closes is None or history.closes.empty or expected is None:
            continue
        before = history.closes.loc[: pd.Timestamp(day)]
        last = before.index[-1].date() if len(before) else None
        if last is not None and last < expected:
            short.append(ShortSeries(history.name, history.symbol, last))
    return Dating(requested, expected, answered, no_session, list(dict.fromkeys(short)))
