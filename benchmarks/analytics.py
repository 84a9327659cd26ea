"""Analytics speed: streak, precedents and returns over 40 years of daily data for 12 symbols.

Target: under 20 ms per call. Prints the median and best of repeated calls, in milliseconds.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd

from bot.analytics.precedents import precedents
from bot.analytics.returns import returns_table
from bot.analytics.series import History
from bot.analytics.streak import streak

YEARS = 40
SYMBOLS = 12
TARGET_MS = 20.0


def market() -> dict[str, pd.Series]:
    """12 reproducible random walks over 40 years of business days."""
    index = pd.bdate_range("1986-01-02", periods=YEARS * 252).astype("datetime64[ns]")
    rng = np.random.default_rng(2026)
    steps = rng.normal(0.0003, 0.012, size=(len(index), SYMBOLS))
    prices = 1000.0 * np.exp(np.cumsum(steps, axis=0))
    return {f"S{i}": pd.Series(prices[:, i], index=index) for i in range(SYMBOLS)}


def timed(call: Callable[[], object], repeat: int = 50) -> tuple[float, float]:
    call()  # warm up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(samples), min(samples)


def run() -> list[tuple[str, float, float]]:
    series = market()
    a, b = series["S0"], series["S1"]
    as_of: date = a.index[-1].date()
    histories = [History(k, k, k, v) for k, v in series.items()]
    cases: list[tuple[str, Callable[[], object]]] = [
        ("streak (2 symbols, 40y)", lambda: streak(a, b, as_of)),
        ("precedents >= 5 (2 symbols, 40y)", lambda: precedents(a, b, as_of, 5)),
        (
            "returns ytd + year ranks (12 symbols, 40y)",
            lambda: returns_table(histories, "ytd", as_of),
        ),
        ("returns 1y (12 symbols, 40y)", lambda: returns_table(histories, "1y", as_of)),
    ]
    return [(name, *timed(call)) for name, call in cases]


def main() -> None:
    print(
        f"analytics: {YEARS} years x {SYMBOLS} symbols of daily closes "
        f"({YEARS * 252:,} sessions each); target < {TARGET_MS:.0f} ms per call"
    )
    for name, median, best in run():
        verdict = "ok" if median < TARGET_MS else "OVER TARGET"
        print(f"  {name:<44} median {median:7.2f} ms   best {best:7.2f} ms   {verdict}")


if __name__ == "__main__":
    main()
