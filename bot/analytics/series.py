"""Small building blocks shared by the analytics: slicing to a date, aligning, looking up closes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from bot.errors import NoDataError


def upto(closes: pd.Series, as_of: date, name: str = "series") -> pd.Series:
    """The closes on or before `as_of`; an error when there are none."""
    cut = closes.loc[: pd.Timestamp(as_of)]
    if cut.empty:
        first = closes.index[0].date().isoformat() if len(closes) else "nowhere"
        raise NoDataError(
            f"no {name} data on or before {as_of.isoformat()} (history starts {first})"
        )
    return cut


def aligned(a: pd.Series, b: pd.Series, as_of: date) -> pd.DataFrame:
    """Closes of `a` and `b` on their common sessions up to `as_of`, as columns "a" and "b"."""
    common = pd.concat({"a": a, "b": b}, axis=1, join="inner").dropna()
    frame = common.loc[: pd.Timestamp(as_of)]
    if frame.empty:
        starts = f"starts {common.index[0].date().isoformat()}" if len(common) else "is empty"
        raise NoDataError(
            f"no sessions of both series on or before {as_of.isoformat()} "
            f"(their common history {starts})"
        )
    return frame


def position_on_or_before(index: pd.DatetimeIndex, when: pd.Timestamp) -> int:
    """Position of the last session on or before `when`, or -1 when there is none."""
    return int(index.searchsorted(when, side="right")) - 1


def pct(value: float) -> float:
    """A ratio change expressed in percent."""
    return float(value) * 100.0


@dataclass(eq=False)
class History:
    """The closes of one instrument as the market layer found them, or why there are none."""

    key: str
    symbol: str
    name: str
    closes: pd.Series | None
    note: str | None = None

    def require(self) -> pd.Series:
        """The closes, or a user-facing error saying why there are none."""
        if self.closes is None or self.closes.empty:
            raise NoDataError(self.note or f"no data for {self.symbol}")
        return self.closes
