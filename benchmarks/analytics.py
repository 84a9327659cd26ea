"""Analytics speed: streak, precedents and returns over 40 years of daily data for 12 symbols;
the rate path through every meeting to next year's end, and a year of the rate-cuts measure
(`alert test rate cuts`).

Target: under 20 ms per call (the rate-cuts year, which reads two paths a session, under 500 ms).
Prints the median and best of repeated calls, in milliseconds.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd

from bot.analytics.fedwatch import contract_month, contracts_between, priced_cuts, rate_path
from bot.analytics.precedents import precedents
from bot.analytics.returns import returns_table
from bot.analytics.series import History
from bot.analytics.streak import streak
from bot.fomc import DECISIONS

YEARS = 40
SYMBOLS = 12
TARGET_MS = 20.0
YEAR_OF_CUTS_MS = 500.0


def market() -> dict[str, pd.Series]:
    """12 reproducible random walks over 40 years of business days."""
    index = pd.bdate_range("1986-01-02", periods=YEARS * 252).astype("datetime64[ns]")
    rng = np.random.default_rng(2026)
    steps = rng.normal(0.0003, 0.012, size=(len(index), SYMBOLS))
    prices = 1000.0 * np.exp(np.cumsum(steps, axis=0))
    return {f"S{i}": pd.Series(prices[:, i], index=index) for i in range(SYMBOLS)}


def futures() -> tuple[dict[date, pd.Series], pd.Series, list[pd.Timestamp]]:
    """A year of sessions of every fed funds contract from Dec 2025 to Jan 2028 (a path that
    drifts down), and the effective rate."""
    sessions = pd.bdate_range("2025-12-01", "2026-12-01").astype("datetime64[ns]")
    drift = np.linspace(0.0, 0.3, len(sessions))
    contracts = {}
    for n, symbol in enumerate(contracts_between(date(2025, 12, 1), date(2028, 1, 1))):
        month = contract_month(symbol)
        assert month is not None
        contracts[month] = pd.Series(96.0 + 0.02 * n + drift, index=sessions)
    effr = pd.Series(3.88, index=sessions)
    return contracts, effr, list(sessions)


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
    contracts, effr, sessions = futures()
    today = sessions[-1].date()
    cases += [
        (
            "rate path, 9 meetings (25 contracts)",
            lambda: rate_path(contracts, effr, (None, None), DECISIONS, today, date(2027, 12, 31)),
        ),
        (
            "rate-cuts measure, a year (250 sessions)",
            lambda: priced_cuts(contracts, effr, sessions, DECISIONS),
        ),
    ]
    return [(name, *timed(call, 10 if "year" in name else 50)) for name, call in cases]


def main() -> None:
    print(
        f"analytics: {YEARS} years x {SYMBOLS} symbols of daily closes "
        f"({YEARS * 252:,} sessions each); target < {TARGET_MS:.0f} ms per call"
    )
    for name, median, best in run():
        target = YEAR_OF_CUTS_MS if "a year" in name else TARGET_MS
        verdict = "ok" if median < target else "OVER TARGET"
        print(f"  {name:<44} median {median:7.2f} ms   best {best:7.2f} ms   {verdict}")


if __name__ == "__main__":
    main()
