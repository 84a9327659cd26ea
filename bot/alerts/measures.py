"""What a feed observes, computed from daily closes: pure functions, no clock but the one given.

Each kind's measure is a series by session (vectorised); `observations` turns the newest part of
it into the path the engine walks: every confirmed close (stamped with its session's close, from
the NYSE calendar), then, for intraday feeds while the market trades, the live price.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pandas as pd

from bot.alerts.machine import Observation
from bot.alerts.rules import Basis, Feed, Kind
from bot.analytics.fedwatch import contract_month, contracts_between, priced_cuts
from bot.analytics.streak import streak
from bot.clock import EXCHANGE_TZ
from bot.fomc import DECISIONS
from bot.trading_calendar import close_of, is_open
from bot.universe import FED_FUNDS

WEEKS_52 = 252
"""Sessions in 52 weeks."""
RECORD_AGE = timedelta(days=365)
"""A new "longest since" alerts when the record it beats is at least this old."""


def measure(feed: Feed, closes: Mapping[str, pd.Series], since: date | None = None) -> pd.Series:
    """The feed's measure by session; `since` lets slow measures compute only recent sessions.

    - level: the close, or the ratio of two closes on their common sessions;
    - move: the size of the close-to-close change, in % (its `figure` keeps the sign);
    - spread: the size of the difference of the two daily returns, in points;
    - streak: sessions in a row the first beat the second (0 on a session it did not);
    - 52-week / all-time high: % above the highest close of the previous 252 / all sessions;
    - longest since: 1 on a session whose streak became the longest since a date at least a
      year before, further back than the day before's record; else 0;
    - rate cuts: the size of the change since the session before of the Fed cuts the futures
      price for the year (bot/analytics/fedwatch.py), read from the `ZQ` contracts in `closes`.
    """
    if feed.measure.either_way:
        return figure(feed, closes, since).abs()
    first = closes[feed.symbols[0]]
    if len(feed.symbols) == 2:
        pair = pd.concat([first, closes[feed.symbols[1]]], axis=1, join="inner").dropna()
        a, b = pair.iloc[:, 0], pair.iloc[:, 1]
    match feed.kind:
        case Kind.LEVEL:
            return a / b if len(feed.symbols) == 2 else first
        case Kind.STREAK:
            return _streak_lengths(a, b)
        case Kind.HIGH_52W:
            prior = first.shift(1).rolling(WEEKS_52, min_periods=WEEKS_52).max()
            return ((first / prior - 1.0) * 100.0).dropna()
        case Kind.ALL_TIME_HIGH:
            return ((first / first.shift(1).cummax() - 1.0) * 100.0).iloc[1:]
        case Kind.LONGEST_SINCE:
            return _new_records(a, b, since)
    raise AssertionError(feed.kind)


def figure(feed: Feed, closes: Mapping[str, pd.Series], since: date | None = None) -> pd.Series:
    """A measure read either way as it is reported, with its sign: the day's move in %, the
    first's daily return minus the second's in points, the change in cuts priced."""
    if feed.kind is Kind.RATE_CUTS:
        return _rate_cuts(closes, since)[1]
    first = closes[feed.symbols[0]]
    match feed.kind:
        case Kind.MOVE:
            return (first.pct_change() * 100.0).iloc[1:]
        case Kind.SPREAD:
            pair = pd.concat([first, closes[feed.symbols[1]]], axis=1, join="inner").dropna()
            return ((pair.iloc[:, 0].pct_change() - pair.iloc[:, 1].pct_change()) * 100.0).iloc[1:]
    raise AssertionError(feed.kind)


def _streak_lengths(a: pd.Series, b: pd.Series) -> pd.Series:
    beat = (a.pct_change() > b.pct_change()).to_numpy()
    count = np.cumsum(beat)
    lengths: np.ndarray = count - np.maximum.accumulate(np.where(beat, 0, count))
    return pd.Series(lengths.astype(float), index=a.index)


def _new_records(a: pd.Series, b: pd.Series, since: date | None) -> pd.Series:
    sessions = a.index[-2:] if since is None else a.index[a.index >= pd.Timestamp(since)]
    values = []
    for session in sessions:
        today = streak(a, b, session.date())
        before = streak(a, b, (session - pd.Timedelta(days=1)).date()) if today.length > 1 else None
        record = today.longest_since.date if today.longest_since else None
        old_enough = record is None or session.date() - record >= RECORD_AGE
        moved = before is not None and (
            before.longest_since is None or record is None or record < before.longest_since.date
        )
        values.append(1.0 if today.length > 1 and old_enough and moved else 0.0)
    return pd.Series(values, index=sessions, dtype=float)


def measured(
    feed: Feed, closes: Mapping[str, pd.Series], since: date | None = None
) -> tuple[pd.Series, pd.Series, pd.Series | None]:
    """The feed's measure, what an alert calls "the price" (the level itself, the cuts priced
    for a rate-cuts rule, else the first symbol's close) and, for a measure read either way,
    its signed `figure`: each computed once."""
    if feed.kind is Kind.RATE_CUTS:
        levels, changes = _rate_cuts(closes, since)
        return changes.abs(), levels, changes
    if feed.measure.either_way:
        signed = figure(feed, closes, since)
        return signed.abs(), closes[feed.symbols[0]], signed
    values = measure(feed, closes, since)
    return values, values if feed.kind is Kind.LEVEL else closes[feed.symbols[0]], None


def feed_symbols(feed: Feed, since: date, until: date) -> list[str]:
    """The symbols a feed reads from `since` to `until`: its own, and for the rate path every
    futures contract those days' paths need (to the end of the year after `until`)."""
    if feed.kind is Kind.RATE_CUTS:
        last = date(until.year + 2, 1, 31)
        return [*feed.symbols, *contracts_between(since - timedelta(days=31), last)]
    return list(feed.symbols)


def _rate_cuts(closes: Mapping[str, pd.Series], since: date | None) -> tuple[pd.Series, pd.Series]:
    contracts = {m: s for symbol, s in closes.items() if (m := contract_month(symbol))}
    if not contracts:
        return pd.Series(dtype=float), pd.Series(dtype=float)
    traded = pd.DatetimeIndex(sorted(set().union(*(s.index for s in contracts.values()))))
    first = traded.searchsorted(pd.Timestamp(since)) if since else len(traded) - 3
    sessions = list(traded[max(first - 1, 0) :])
    return priced_cuts(contracts, closes.get(FED_FUNDS.symbol), sessions, DECISIONS)


def observations(
    feed: Feed,
    closes: Mapping[str, pd.Series],
    now: datetime,
    fetched_at: datetime | None,
    since: datetime | None,
) -> list[Observation]:
    """The feed's observations after `since` (all of the last two sessions when None), oldest
    first: confirmed closes, then the live price for intraday feeds while the market is open.

    A session's close is confirmed once the data was fetched after it closed (any time before
    `now` for files, which have no fetch time).
    """
    since_day = since.astimezone(EXCHANGE_TZ).date() if since else None
    values, price, signed = measured(feed, closes, since_day)
    first = (
        int(values.index.searchsorted(pd.Timestamp(since_day)))
        if since_day is not None
        else max(len(values) - 2, 0)
    )
    tail = values.iloc[first:]
    if price is values:  # a level: its price is the measure itself, no lookup needed
        prices = tail.to_numpy()
    else:
        prices = price.to_numpy()[price.index.get_indexer(tail.index)]
    figures = [None] * len(tail) if signed is None else signed.iloc[first:].tolist()
    seen_at = fetched_at or now
    today = now.astimezone(EXCHANGE_TZ).date()
    live = feed.basis is Basis.INTRADAY and fetched_at is not None and is_open(now)
    found = []
    for stamp, value, price_then, signed_then in zip(
        tail.index, tail.to_numpy(), prices, figures, strict=True
    ):
        session, reading = stamp.date(), (float(value), float(price_then), signed_then)
        closed = close_time(session)
        if closed <= seen_at:
            found.append(Observation(closed, session, *reading))
        elif live and session == today and fetched_at is not None:
            found.append(Observation(fetched_at, session, *reading))
    return [o for o in found if since is None or o.at > since]


def close_time(session: date) -> datetime:
    """A session's close from the calendar; 16:00 New York for a date it does not know."""
    known = close_of(session)
    if known is not None:
        return known
    return datetime.combine(session, time(16), tzinfo=EXCHANGE_TZ).astimezone(UTC)
