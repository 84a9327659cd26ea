"""Technical levels: watched levels, all-time and 52-week extremes, moving averages, distances."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from bot.analytics.series import upto


@dataclass(frozen=True)
class Level:
    label: str
    value: float
    distance_pts: float
    distance_pct: float
    on: date | None = None
    """When a high or low was set; for a watched level, the last session that closed across
    it (None: never)."""
    watched: bool = False
    """One of the workspace's watched levels (`levels set`)."""


@dataclass(frozen=True)
class WatchedLevel:
    value: float
    label: str


@dataclass(frozen=True)
class LevelsReport:
    key: str
    symbol: str
    session: date
    current: float
    levels: list[Level]
    support: Level | None
    """The nearest level below the close."""
    resistance: Level | None
    """The nearest level above the close."""


def _extreme(closes: pd.Series, highest: bool) -> tuple[float, pd.Timestamp]:
    """The highest (or lowest) close and its session; the first one when it repeats."""
    values = closes.to_numpy()
    i = int(values.argmax() if highest else values.argmin())
    return float(values[i]), pd.Timestamp(closes.index[i])


def last_crossed(closes: pd.Series, value: float) -> pd.Timestamp | None:
    """The last session whose close was on the other side of `value` from the close before it
    (above it, or at or below it), or None when no close ever crossed it."""
    above = closes.to_numpy() > value
    changed = np.flatnonzero(above[1:] != above[:-1])
    return pd.Timestamp(closes.index[changed[-1] + 1]) if len(changed) else None


def levels(
    closes: pd.Series,
    as_of: date,
    watched: Sequence[WatchedLevel] = (),
    key: str = "",
    symbol: str = "",
) -> LevelsReport:
    """Levels around the last close on or before `as_of`, all measured on closes.

    Distances are level minus current, in points and in percent of the current close. The
    52-week window is the sessions after the same date a year earlier; the 50- and 200-day
    averages are simple means of the last 50 and 200 closes. A high or low is dated by the
    session it was set; a watched level by the last session that closed across it. Support is
    the nearest level below the close, resistance the nearest above, of all of them.
    """
    closes = upto(closes, as_of, symbol or "price")
    current = float(closes.iloc[-1])
    session = closes.index[-1]
    year = closes.loc[session - pd.DateOffset(years=1) + pd.Timedelta(days=1) :]

    def level(
        label: str, value: float, on: pd.Timestamp | None = None, watched: bool = False
    ) -> Level:
        return Level(
            label,
            float(value),
            float(value) - current,
            (float(value) / current - 1.0) * 100.0,
            on.date() if on is not None else None,
            watched,
        )

    found = [level(w.label, w.value, last_crossed(closes, w.value), True) for w in watched]
    found.append(level("All-time high", *_extreme(closes, highest=True)))
    found.append(level("52-week high", *_extreme(year, highest=True)))
    found.append(level("52-week low", *_extreme(year, highest=False)))
    found.append(level("All-time low", *_extreme(closes, highest=False)))
    for sessions in (50, 200):
        if len(closes) >= sessions:
            found.append(level(f"{sessions}-day average", closes.iloc[-sessions:].mean()))
    below = [lv for lv in found if lv.value < current]
    above = [lv for lv in found if lv.value > current]
    return LevelsReport(
        key=key,
        symbol=symbol,
        session=session.date(),
        current=current,
        levels=sorted(found, key=lambda lv: lv.value, reverse=True),
        support=max(below, key=lambda lv: lv.value) if below else None,
        resistance=min(above, key=lambda lv: lv.value) if above else None,
    )
