"""Typed symbols cannot exhaust the service: 10,000 distinct symbols asked for, one after the
other, through the real answer path (`returns $SYMBOL`, as Slack and the console ask it), with
a local stand-in for Yahoo that has five years of closes for any symbol (no network).

Printed at checkpoints: the process's RSS, Redis's `used_memory` and its number of keys, and
the symbols this process holds in memory. Both stay flat once the bounds are reached: the
in-process copy holds at most SMALLCAPS_SYMBOLS_IN_MEMORY symbols, and each unwatched symbol's
prices expire SMALLCAPS_SYMBOL_TTL_SECONDS after it was last asked for (here `--ttl`, a few
seconds, so the run sees them go; in service it is days). The per-minute rates are set out of
the way: this measures memory, not the limiter.

`python -m benchmarks.symbols [--symbols N] [--ttl SECONDS] [--every N]`
"""

from __future__ import annotations

import argparse
import logging
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import psutil

from bot.asker import Asker
from bot.clock import SystemClock
from bot.config import Settings
from bot.market.cache import CachedPrices
from bot.market.series import SeriesPrices
from bot.market.yahoo import YahooPrices
from bot.replies import answer_or_failure
from bot.reports import Answer
from bot.services import Services
from bot.store.server import embedded
from tests.factories import yf_frame

ASKER = Asker("T0001", "C0001", "U0001")


class AnySymbol:
    """Yahoo's stand-in: five years of closes for any symbol it is asked for."""

    def __init__(self) -> None:
        index = pd.bdate_range(end=pd.Timestamp.now().normalize(), periods=5 * 252)
        steps = np.random.default_rng(19).normal(0.0003, 0.01, len(index))
        self.closes = pd.Series(100.0 * np.exp(np.cumsum(steps)), index=index)

    def __call__(self, **kwargs: Any) -> pd.DataFrame:
        start = kwargs.get("start")
        line = self.closes.loc[start:] if start else self.closes
        return yf_frame(dict.fromkeys(kwargs["tickers"], line))


def _held(services: Services) -> int:
    prices = services.market.prices
    assert isinstance(prices, SeriesPrices)
    yahoo: CachedPrices = prices.primary
    return len(yahoo._here)


def main(symbols: int = 10_000, ttl: int = 5, every: int = 1000) -> None:
    logging.disable(logging.WARNING)
    home = Path(tempfile.mkdtemp(prefix="smallcaps-symbols-"))
    client = embedded(home)
    settings = Settings(
        home=home,
        symbol_ttl_seconds=ttl,
        upstream_per_user=10**9,
        upstream_per_workspace=10**9,
    )
    services = Services(
        settings,
        SystemClock(),
        client,
        yahoo_prices=YahooPrices(AnySymbol()),
        second_sources=[],
    )
    me = psutil.Process()
    print(
        f"{symbols:,} distinct symbols through `returns $SYMBOL`; "
        f"in memory at most {settings.symbols_in_memory} a source, unwatched prices expire "
        f"after {ttl} s"
    )
    print(f"{'asked':>7} {'RSS MiB':>8} {'Redis used_memory MiB':>22} {'keys':>6} {'held':>5}")

    def checkpoint(asked: int) -> None:
        used = int(client.info("memory")["used_memory"]) / 2**20
        rss = me.memory_info().rss / 2**20
        print(f"{asked:>7,} {rss:>8.1f} {used:>22.2f} {client.dbsize():>6} {_held(services):>5}")

    answer_or_failure(services.answerer, "returns rut", asker=ASKER)  # the universe, warmed
    checkpoint(0)
    started = time.perf_counter()
    failures = 0
    for n in range(1, symbols + 1):
        result = answer_or_failure(services.answerer, f"returns $Q{n:05d}", asker=ASKER)
        failures += not isinstance(result, Answer)
        if n % every == 0:
            checkpoint(n)
    elapsed = time.perf_counter() - started
    print(f"{symbols / elapsed:.0f} answers/s; {failures} not answered")
    services.close()
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--symbols", type=int, default=10_000)
    parser.add_argument("--ttl", type=int, default=5)
    parser.add_argument("--every", type=int, default=1000)
    args = parser.parse_args()
    main(args.symbols, args.ttl, args.every)
