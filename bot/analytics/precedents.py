"""Precedents: every past run at least as long as asked, and what both series did next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from bot.analytics.series import pct
from bot.analytics.streak import Run, outperformance_runs


@dataclass(frozen=True)
class Forward:
    a: float
    b: float


@dataclass(frozen=True)
class Episode:
    start: date
    end: date
    length: int
    forward: dict[str, Forward | None]


@dataclass(frozen=True)
class HorizonSummary:
    horizon: str
    known: int
    a_led: int
    a_led_pct: float | None
    avg_a_pct: float | None
    avg_b_pct: float | None
    avg_spread_pts: float | None


@dataclass(frozen=True)
class PrecedentsReport:
    a: str
    b: str
    session: date
    min_length: int
    horizon: str
    episodes: list[Episode]
    summary: list[HorizonSummary]
    current: Run | None


HORIZONS: dict[str, int] = {"3m": 3, "6m": 6, "12m": 12}


def precedents(
    a: pd.Series,
    b: pd.Series,
    as_of: date,
    min_length: int,
    horizon: str = "12m",
    a_key: str = "a",
    b_key: str = "b",
) -> PrecedentsReport:
    """Every completed run of at least `min_length` sessions before the as-of session, with the
    returns of A and B over each horizon after the run.

    Horizon: from the close of the run's last session to the last close on or before the same
    calendar date 3, 6 or 12 months later. It is known only when that date is on or before the
    as-of session; otherwise it is None. A "kept leading" when its forward return beat B's. The
    run still open at the as-of session is reported as `current`, not as an episode.
    """
    runs = outperformance_runs(a, b, as_of)
    frame = runs.frame
    index = pd.DatetimeIndex(frame.index)
    values = frame.to_numpy()
    chosen = np.flatnonzero(runs.completed & (runs.lengths >= min_length))
    ends = runs.ends[chosen]
    end_dates = index[ends]

    forward: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    summary = []
    for name, months in HORIZONS.items():
        targets = end_dates + pd.DateOffset(months=months)
        known = np.asarray(targets <= index[-1], dtype=bool)
        positions = index.searchsorted(targets, side="right") - 1
        positions = np.where(known, positions, ends)
        fa = (values[positions, 0] / values[ends, 0] - 1.0) * 100.0
        fb = (values[positions, 1] / values[ends, 1] - 1.0) * 100.0
        forward[name] = (known, fa, fb)
        led = int(np.sum(fa[known] > fb[known]))
        count = int(np.sum(known))
        summary.append(
            HorizonSummary(
                horizon=name,
                known=count,
                a_led=led,
                a_led_pct=pct(led / count) if count else None,
                avg_a_pct=float(fa[known].mean()) if count else None,
                avg_b_pct=float(fb[known].mean()) if count else None,
                avg_spread_pts=float((fa[known] - fb[known]).mean()) if count else None,
            )
        )

    episodes = []
    for row, run_index in enumerate(chosen):
        run = runs.run(int(run_index))
        episodes.append(
            Episode(
                start=run.start,
                end=run.end,
                length=run.length,
                forward={
                    name: Forward(float(fa[row]), float(fb[row])) if known[row] else None
                    for name, (known, fa, fb) in forward.items()
                },
            )
        )
    return PrecedentsReport(
        a=a_key,
        b=b_key,
        session=index[-1].date(),
        min_length=min_length,
        horizon=horizon,
        episodes=episodes,
        summary=summary,
        current=runs.current,
    )
