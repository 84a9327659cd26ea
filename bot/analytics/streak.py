"""Outperformance runs and the streak: how many sessions in a row A's daily return beat B's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from bot.analytics.series import aligned, pct


@dataclass(frozen=True)
class Run:
    """A run of consecutive sessions in which A's daily return beat B's."""

    start: date
    end: date
    length: int


@dataclass(frozen=True)
class LongestSince:
    date: date
    length: int


@dataclass(frozen=True)
class StreakReport:
    a: str
    b: str
    session: date
    length: int
    start: date | None
    end: date | None
    a_return_pct: float | None
    b_return_pct: float | None
    spread_pts: float | None
    longest_since: LongestSince | None
    previous: Run | None
    percentile: float | None
    runs_on_record: int
    first_session: date


@dataclass(frozen=True)
class Runs:
    """Every run in a pair of aligned series, as positions into `frame`'s sessions.

    A run is a maximal stretch of consecutive common sessions in which A's close-to-close return
    was strictly greater than B's (a tie ends a run). The last run is `open` when it reaches the
    last session: it may still grow, so it is not a completed run.
    """

    frame: pd.DataFrame
    starts: np.ndarray
    ends: np.ndarray
    open: bool

    @property
    def lengths(self) -> np.ndarray:
        lengths: np.ndarray = self.ends - self.starts + 1
        return lengths

    @property
    def completed(self) -> np.ndarray:
        """Boolean mask of the runs that ended before the last session."""
        mask = np.ones(len(self.starts), dtype=bool)
        if self.open:
            mask[-1] = False
        return mask

    def run(self, i: int) -> Run:
        index = self.frame.index
        return Run(index[self.starts[i]].date(), index[self.ends[i]].date(), int(self.lengths[i]))

    @property
    def current(self) -> Run | None:
        return self.run(len(self.starts) - 1) if self.open else None


def outperformance_runs(a: pd.Series, b: pd.Series, as_of: date) -> Runs:
    """The runs of A beating B on their common sessions up to `as_of`."""
    frame = aligned(a, b, as_of)
    values = frame.to_numpy()
    beat = np.zeros(len(values), dtype=bool)
    beat[1:] = values[1:, 0] / values[:-1, 0] > values[1:, 1] / values[:-1, 1]
    edges = np.diff(np.concatenate(([0], beat.view(np.int8), [0])))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1) - 1
    return Runs(frame, starts, ends, bool(len(beat) and beat[-1]))


def streak(
    a: pd.Series, b: pd.Series, as_of: date, a_key: str = "a", b_key: str = "b"
) -> StreakReport:
    """Streak: number of consecutive sessions, ending at the as-of session, in which A's daily
    close-to-close return exceeded B's, on the sessions both have.

    `longest_since` is the most recent earlier completed run at least as long (None when the
    streak is the longest on record, or is 0). `previous` is the last completed run. The
    percentile is the share of completed runs shorter than the streak, counting equal runs as
    half (the mean of strict and weak percentile ranks).
    """
    runs = outperformance_runs(a, b, as_of)
    frame = runs.frame
    session = frame.index[-1].date()
    current = runs.current
    completed = runs.completed
    lengths = runs.lengths[completed]
    ends = runs.ends[completed]

    a_return = b_return = spread = None
    if len(frame) >= 2:
        last, before = frame.iloc[-1], frame.iloc[-2]
        a_return = pct(last["a"] / before["a"] - 1.0)
        b_return = pct(last["b"] / before["b"] - 1.0)
        spread = a_return - b_return

    length = current.length if current else 0
    longest_since = percentile = None
    if length:
        at_least = np.flatnonzero(lengths >= length)
        if len(at_least):
            i = at_least[-1]
            longest_since = LongestSince(frame.index[ends[i]].date(), int(lengths[i]))
        if len(lengths):
            shorter = np.sum(lengths < length) + 0.5 * np.sum(lengths == length)
            percentile = 100.0 * float(shorter) / len(lengths)

    previous_index = np.flatnonzero(completed)
    previous = runs.run(int(previous_index[-1])) if len(previous_index) else None
    return StreakReport(
        a=a_key,
        b=b_key,
        session=session,
        length=length,
        start=current.start if current else None,
        end=current.end if current else None,
        a_return_pct=a_return,
        b_return_pct=b_return,
        spread_pts=spread,
        longest_since=longest_since,
        previous=previous,
        percentile=percentile,
        runs_on_record=len(lengths),
        first_session=frame.index[0].date(),
    )
