"""1,000 workspaces ask the same five questions after the close: computed each time (the code
before issue 22), then shared (`bot/shared_answers.py`), through the real answer path
(`answer_or_failure`, as Slack and the console ask) and made into what Slack is sent (the Block
Kit message, or the chart's PNG), on prices kept in an embedded Redis (40 years of closes for
each series, from a local stand-in for Yahoo: no network).

Printed: for each way, the computations done, answers a second and the p50/p99 of one answer
(8 threads at once, as a web process's answer threads); a second process on the same Redis
(its own copy empty); and what a cold cache costs: each question's first shared answer in a
process (computed, then stored; the median of 5) beside its computation alone and beside an
answer read from Redis.

`python -m benchmarks.shared_answers [--workspaces N] [--threads N]`
"""

from __future__ import annotations

import argparse
import logging
import shutil
import statistics
import tempfile
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import redis
from prometheus_client import REGISTRY

from bot.analytics.relative import ChartReport
from bot.answers import Answerer
from bot.asker import Asker
from bot.clock import FixedClock
from bot.config import Settings
from bot.market.yahoo import YahooPrices
from bot.render.chart import answer_png
from bot.replies import answer_or_failure
from bot.reports import Answer
from bot.services import Services
from bot.slack.replies import answer_reply
from bot.store.server import embedded
from tests.factories import yf_frame

QUESTIONS = ("streak", "returns ytd", "precedents", "sizes", "chart rut vs spx 1y")
WORKSPACES = 1000
THREADS = 8
SESSION = pd.Timestamp("2026-01-22")
NOW = datetime(2026, 1, 22, 22, 30, tzinfo=UTC)
"""After that session's close: the market is shut, the prices fetched stay."""


class FortyYears:
    """Yahoo's stand-in: 40 years of closes to `SESSION` for any symbol, its own walk each."""

    def __init__(self) -> None:
        self.index = pd.bdate_range(end=SESSION, periods=40 * 252)

    def __call__(self, **kwargs: Any) -> pd.DataFrame:
        start = kwargs.get("start")
        columns = {}
        for symbol in kwargs["tickers"]:
            steps = np.random.default_rng(zlib.crc32(symbol.encode())).normal(
                0.0003, 0.012, len(self.index)
            )
            line = pd.Series(100.0 * np.exp(np.cumsum(steps)), index=self.index)
            columns[symbol] = line.loc[start:] if start else line
        return yf_frame(columns)


def computed() -> float:
    return REGISTRY.get_sample_value("smallcaps_shared_answers_total", {"outcome": "computed"}) or 0


def process(client: redis.Redis, home: Path) -> Services:
    """One web process on the shared Redis, its own copy of answers empty."""
    settings = Settings(home=home, upstream_per_user=10**9, upstream_per_workspace=10**9)
    return Services(
        settings, FixedClock(NOW), client, yahoo_prices=YahooPrices(FortyYears()), second_sources=[]
    )


def unshared(services: Services) -> Answerer:
    """The answerer as it was before issue 22: every answer computed."""
    a = services.answerer
    return Answerer(
        a.market, a.clock, a.status, a.watched, a.alerts, a.subscriptions, a.limits, shared=None
    )


def ask_all(answerer: Answerer, workspaces: int, threads: int) -> tuple[list[float], float, int]:
    """Every workspace asks the five questions; each answer's time (ms), the whole run's
    seconds, and the answers that were failures."""

    def one(n: int) -> tuple[float, bool]:
        asker = Asker(f"T{n // len(QUESTIONS):05d}", "C0001", "U0001")
        started = time.perf_counter()
        question = QUESTIONS[n % len(QUESTIONS)]
        result = answer_or_failure(answerer, question, asker=asker)
        if isinstance(result, Answer):
            shown(result, question)
        return (time.perf_counter() - started) * 1000.0, isinstance(result, Answer)

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(one, range(workspaces * len(QUESTIONS))))
    seconds = time.perf_counter() - started
    return [ms for ms, _ in results], seconds, sum(1 for _, ok in results if not ok)


def shown(answer: Answer, question: str) -> None:
    """What Slack is sent of it: a chart's PNG, or the message."""
    if isinstance(answer.report, ChartReport):
        answer_png(answer)
    else:
        answer_reply(answer, question)


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def connected(services: Services) -> Services:
    """A new process, connected to Redis before anything is timed."""
    services.market.version()
    return services


def cold_answer(client: redis.Redis, home: Path, question: str) -> float:
    """The first shared answer to `question` of a new process, none stored in Redis: the
    process computed it unshared just before, so only what sharing adds is added."""
    for key in client.scan_iter(match="smallcaps:answers:*"):
        client.delete(key)
    services = connected(process(client, home))
    unshared(services).answer(question)
    return timed(services.answerer, question)


def timed(answerer: Answerer, question: str) -> float:
    started = time.perf_counter()
    answerer.answer(question, asker=Asker("T9", "C9", "U9"))
    return (time.perf_counter() - started) * 1000.0


def main(workspaces: int = WORKSPACES, threads: int = THREADS) -> None:
    logging.disable(logging.WARNING)
    home = Path(tempfile.mkdtemp(prefix="smallcaps-shared-"))
    client = embedded(home)
    first = process(client, home)
    for question in QUESTIONS:  # prices fetched once, into Redis
        unshared(first).answer(question)
    total = workspaces * len(QUESTIONS)
    print(
        f"shared answers: {workspaces:,} workspaces x {len(QUESTIONS)} questions "
        f"({', '.join(QUESTIONS)}) after the close, {threads} threads, prices in Redis "
        "(40 years)"
    )
    print(f"  {'':<28} {'computations':>12} {'answers/s':>10} {'p50 ms':>8} {'p99 ms':>8}")

    def line(label: str, answerer: Answerer, computations: float | None = None) -> None:
        before = computed()
        times, seconds, failed = ask_all(answerer, workspaces, threads)
        done = computations if computations is not None else computed() - before
        note = f"  ({failed} failed)" if failed else ""
        print(
            f"  {label:<28} {done:>12,.0f} {total / seconds:>10,.0f} "
            f"{p(times, 0.5):>8.2f} {p(times, 0.99):>8.2f}{note}"
        )

    line("computed each time (before)", unshared(first), computations=total)
    line("shared, cold cache", first.answerer)
    line("shared, warm", first.answerer)
    line("shared, a second process", process(client, home).answerer)

    print(
        "  a cold cache, by question (ms, the answer alone): first answer / computed alone / "
        "read from Redis"
    )
    for question in QUESTIONS:
        cold = statistics.median(cold_answer(client, home, question) for _ in range(5))
        alone = statistics.median(timed(unshared(first), question) for _ in range(5))
        from_redis = statistics.median(
            timed(connected(process(client, home)).answerer, question) for _ in range(5)
        )
        print(f"    {question:<22} {cold:7.2f} / {alone:7.2f} / {from_redis:7.2f}")
    first.close()
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspaces", type=int, default=WORKSPACES)
    parser.add_argument("--threads", type=int, default=THREADS)
    args = parser.parse_args()
    main(args.workspaces, args.threads)
