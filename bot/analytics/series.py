"""Small building blocks shared by the analytics: slicing to a date, aligning, looking up closes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
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
    """Closes of `a` and `b` on their common sessions up to `as_of`, as columns "a" and "b"
    (sessions where either is missing left out)."""
    # Both are sorted with unique sessions (clean_closes): finding a's sessions in b by binary
    # search costs a fraction of a pandas join and dropna, which every streak answer pays.
    days_a, days_b = a.index.to_numpy(), b.index.to_numpy()
    if np.array_equal(days_a, days_b):  # the same sessions: the usual case
        common, values_a, values_b = days_a, a.to_numpy(dtype=float), b.to_numpy(dtype=float)
    else:
        found = np.searchsorted(days_b, days_a)
        at_b = np.minimum(found, max(len(days_b) - 1, 0))
        hit = (found < len(days_b)) & (days_b[at_b] == days_a) if len(days_b) else found < 0
        common = days_a[hit]
        values_a, values_b = a.to_numpy(dtype=float)[hit], b.to_numpy(dtype=float)[at_b[hit]]
    keep = ~(np.isnan(values_a) | np.isnan(values_b))
    common, values_a, values_b = common[keep], values_a[keep], values_b[keep]
    upto = int(np.searchsorted(common, np.datetime64(pd.Timestamp(as_of)), side="right"))
    if upto == 0:
        first = pd.Timestamp(common[0]).date().isoformat() if len(common) else None
        starts = f"starts {first}" if first else "is empty"
        raise NoDataError(
            f"no sessions of both series on or before {as_of.isoformat()} "
            f"(their common history {starts})"
        )
    index = pd.DatetimeIndex(common[:upto], name=a.index.name)
    return pd.DataFrame({"a": values_a[:upto], "b": values_b[:upto]}, index=index)


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
