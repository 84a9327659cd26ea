"""The rate path priced by 30-day fed funds futures, read the way CME's FedWatch reads it.

A fed funds futures contract for a month settles at 100 minus that month's average effective
fed funds rate (EFFR), so `100 - price` is the average rate the market expects for the month.
With the meeting dates known, each meeting's expected move follows:

1. The rate at the start of the first meeting's month is the latest EFFR.
2. In a month with a meeting decided on day `d` of `N` days, the old rate holds for `d` days
   and the new one for `N - d`: `average = (d * start + (N - d) * end) / N`, so
   `end = (N * average - d * start) / (N - d)`. When the next month has no meeting, its
   contract's rate is the end rate itself, which is better conditioned (used whenever it is
   priced, as FedWatch does).
3. A meeting's end rate is the next meeting's start rate.
4. A meeting's expected move in steps of 25 bp, `n = (end - start) / 0.25`, is split between
   the two whole moves around it: `floor(n) + 1` steps with probability `n - floor(n)`, else
   `floor(n)` (a 0.72-step expected cut is 72% one cut, 28% none).
5. Meetings are taken as independent: the probabilities of the target range after a meeting
   are those after the one before, shifted by this meeting's two outcomes (the FedWatch tree).

Limits, as with FedWatch: the futures price the EFFR, which sits a few basis points inside the
target range, so only moves (differences) are read, never the level against the range; moves
are assumed to be 25 bp steps; the two-outcome split cannot price a mix like "50 bp or none";
an unscheduled meeting is not modelled; futures carry a small term premium, so far meetings
are read less reliably than near ones; and a contract without a close on the session leaves
that meeting and every later one unpriced.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

import pandas as pd

STEP = 0.25
"""One move of the target range, in percentage points."""

MONTH_CODES = "FGHJKMNQUVXZ"
"""Futures month codes, January to December."""


def contract_symbol(month: date) -> str:
    """Yahoo's symbol for the fed funds futures contract of `month`: ZQZ26.CBT for Dec 2026."""
    return f"ZQ{MONTH_CODES[month.month - 1]}{month.year % 100:02d}.CBT"


def month_of(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def months_needed(meetings: Sequence[date]) -> list[date]:
    """The contract months a path through `meetings` reads: each meeting's and the next."""
    months: dict[date, None] = {}
    for meeting in meetings:
        months[month_of(meeting)] = None
        months[next_month(month_of(meeting))] = None
    return list(months)


@dataclass(frozen=True)
class MeetingOdds:
    decision: date
    start: float
    """Expected EFFR before the decision, in %."""
    end: float
    """Expected EFFR after it, in %."""
    moves: dict[int, float]
    """This meeting's outcomes: 25 bp steps (negative: cuts) -> probability."""
    after: dict[int, float]
    """The target range after this meeting, in 25 bp steps from today's -> probability."""


@dataclass(frozen=True)
class RatePath:
    session: date | None
    """The session whose futures closes are read; None when none is recorded."""
    effr: float | None
    effr_day: date | None
    target: tuple[float, float] | None
    """Today's target range (lower, upper) in %, when known."""
    meetings: list[MeetingOdds] = field(default_factory=list)
    unpriced: list[date] = field(default_factory=list)
    """Meetings ahead that could not be read (a contract missing), in order."""
    missing: list[str] = field(default_factory=list)
    """The contracts whose close is missing on the session."""

    def by(self, day: date) -> MeetingOdds | None:
        """The last priced meeting decided on or before `day`."""
        before = [m for m in self.meetings if m.decision <= day]
        return before[-1] if before else None

    def cuts_priced(self, day: date) -> float | None:
        """Expected number of 25 bp cuts from today's rate through the meetings by `day`."""
        last = self.by(day)
        if last is None or self.effr is None:
            return None
        return (self.effr - last.end) / STEP


@dataclass(frozen=True)
class FedReport:
    path: RatePath
    horizons: list[date]
    """Year ends the cuts are counted to: this year's (while a meeting of it is to come), and
    the next."""


def _split(steps: float) -> dict[int, float]:
    """An expected move of `steps` as the two whole moves around it."""
    low = math.floor(steps + 1e-9)
    upper = steps - low
    if upper < 1e-9:
        return {low: 1.0}
    return {low: 1.0 - upper, low + 1: upper}


def _shift(before: dict[int, float], moves: dict[int, float]) -> dict[int, float]:
    after: dict[int, float] = {}
    for level, p in before.items():
        for move, q in moves.items():
            after[level + move] = after.get(level + move, 0.0) + p * q
    return dict(sorted(after.items()))


def _close_on(closes: pd.Series | None, session: pd.Timestamp) -> float | None:
    if closes is None or session not in closes.index:
        return None
    value = float(closes.loc[session])
    return value if 0.0 < value <= 100.0 else None


def rate_path(
    contracts: Mapping[date, pd.Series],
    effr: pd.Series | None,
    target: tuple[pd.Series | None, pd.Series | None],
    meetings: Sequence[date],
    as_of: date,
    until: date | None = None,
) -> RatePath:
    """The expected rate after each meeting decided from `as_of` to `until` (every one listed
    when None), and the probabilities of the target range after each, from the contracts'
    closes on the latest session on or before `as_of` on which the first meeting's contract
    traded. `meetings` is the whole calendar: whether the month after a meeting has one of its
    own decides how that meeting is read."""
    ahead = [m for m in meetings if m >= as_of and (until is None or m <= until)]
    stamp = pd.Timestamp(as_of)
    effr_now = effr.loc[:stamp].dropna() if effr is not None else None
    rate = float(effr_now.iloc[-1]) if effr_now is not None and len(effr_now) else None
    rate_day = effr_now.index[-1].date() if effr_now is not None and len(effr_now) else None
    range_now = _target_on(target, stamp)
    if not ahead:
        return RatePath(None, rate, rate_day, range_now)
    front = contracts.get(month_of(ahead[0]))
    traded = front.loc[:stamp].dropna() if front is not None else None
    if traded is None or traded.empty or rate is None:
        absent = [] if traded is not None and len(traded) else [contract_symbol(ahead[0])]
        return RatePath(None, rate, rate_day, range_now, [], ahead, absent)
    session = traded.index[-1]
    implied: dict[date, float] = {}
    missing: list[str] = []
    for month in months_needed(ahead):
        price = _close_on(contracts.get(month), session)
        if price is None:
            missing.append(contract_symbol(month))
        else:
            implied[month] = 100.0 - price
    meeting_months = {month_of(m) for m in meetings}
    odds: list[MeetingOdds] = []
    start = rate
    tree = {0: 1.0}
    for number, meeting in enumerate(ahead):
        month = month_of(meeting)
        after_month = next_month(month)
        if after_month not in meeting_months and after_month in implied:
            end = implied[after_month]
        elif month in implied:
            days = calendar.monthrange(month.year, month.month)[1]
            held = meeting.day
            if held >= days:
                return RatePath(
                    session.date(), rate, rate_day, range_now, odds, ahead[number:], missing
                )
            end = (days * implied[month] - held * start) / (days - held)
        else:
            return RatePath(
                session.date(), rate, rate_day, range_now, odds, ahead[number:], missing
            )
        moves = _split((end - start) / STEP)
        tree = _shift(tree, moves)
        odds.append(MeetingOdds(meeting, start, end, moves, tree))
        start = end
    return RatePath(session.date(), rate, rate_day, range_now, odds, [], missing)


def _target_on(
    target: tuple[pd.Series | None, pd.Series | None], stamp: pd.Timestamp
) -> tuple[float, float] | None:
    bounds = []
    for series in target:
        known = series.loc[:stamp].dropna() if series is not None else None
        if known is None or known.empty:
            return None
        bounds.append(float(known.iloc[-1]))
    return bounds[0], bounds[1]


def contract_month(symbol: str) -> date | None:
    """The month of a fed funds futures symbol (ZQZ26.CBT is December 2026), else None."""
    if len(symbol) != 9 or not symbol.startswith("ZQ") or not symbol.endswith(".CBT"):
        return None
    code, year = symbol[2], symbol[3:5]
    if code not in MONTH_CODES or not year.isdigit():
        return None
    return date(2000 + int(year), MONTH_CODES.index(code) + 1, 1)


def contracts_between(first: date, last: date) -> list[str]:
    """The contract symbols of every month from `first`'s to `last`'s."""
    symbols = []
    month = month_of(first)
    while month <= last:
        symbols.append(contract_symbol(month))
        month = next_month(month)
    return symbols


def priced_cuts(
    contracts: Mapping[date, pd.Series],
    effr: pd.Series | None,
    sessions: Sequence[pd.Timestamp],
    meetings: Sequence[date],
) -> tuple[pd.Series, pd.Series]:
    """For each session, the cuts priced for the year (`year_horizon`), and their change since
    the session before, read to the same year end (so a new year is no change in itself).
    Sessions where either cannot be read are left out."""
    levels: dict[pd.Timestamp, float] = {}
    changes: dict[pd.Timestamp, float] = {}
    paths: dict[tuple[date, date], RatePath] = {}

    def path(day: date, horizon: date) -> RatePath:
        if (day, horizon) not in paths:
            paths[(day, horizon)] = rate_path(contracts, effr, (None, None), meetings, day, horizon)
        return paths[(day, horizon)]

    for before, session in pairwise(sessions):
        horizon = year_horizon(session.date(), meetings)
        now, then = path(session.date(), horizon), path(before.date(), horizon)
        level, earlier = now.cuts_priced(horizon), then.cuts_priced(horizon)
        if level is None or earlier is None or now.session != session.date():
            continue
        levels[session], changes[session] = level, level - earlier
    return pd.Series(levels, dtype=float), pd.Series(changes, dtype=float)


def cuts_distribution(odds: MeetingOdds) -> dict[int, float]:
    """Number of 25 bp cuts from today's range -> probability (hikes are negative cuts)."""
    return {-steps: p for steps, p in sorted(odds.after.items(), reverse=True)}


def year_horizon(as_of: date, meetings: Sequence[date]) -> date:
    """The end of the year whose cuts are "priced for the year": this year while a meeting of
    it is still to come, else the next."""
    year_end = date(as_of.year, 12, 31)
    if any(as_of <= m <= year_end for m in meetings):
        return year_end
    return date(as_of.year + 1, 12, 31)
