"""Shared answers on prices kept in Redis: any process's refresh moves them on at once, and an
answer is kept only until its prices are due to be fetched again."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
import redis
from prometheus_client import REGISTRY

from bot.clock import FixedClock
from bot.config import Settings
from bot.market.yahoo import YahooFunds, YahooPrices
from bot.services import Services
from bot.store.keys import Keys
from tests.factories import closes
from tests.market.test_cache import FakeHoldings, FakeYahoo, no_info

REFRESH = timedelta(seconds=Settings().refresh_seconds)
# The clock fixture's session (2026-01-22) is the last of 40: the Russell 2000 gains 0.1% a
# session while the S&P 500 gains 0.2%, then 1% on each of the last 5: a streak of 5.
SPX = closes((4000 * 1.002 ** np.arange(40)).tolist(), start="2025-11-28")
RUT = closes(
    (2000 * np.r_[1.001 ** np.arange(35), 1.001**34 * 1.01 ** np.arange(1, 6)]).tolist(),
    start="2025-11-28",
)


def computed() -> float:
    return REGISTRY.get_sample_value("smallcaps_shared_answers_total", {"outcome": "computed"}) or 0


@pytest.fixture
def yahoo() -> FakeYahoo:
    return FakeYahoo({"^RUT": RUT, "^GSPC": SPX, "IWM": RUT / 10})


def process(yahoo: FakeYahoo, redis_server: redis.Redis, keys: Keys, clock: FixedClock) -> Services:
    """A process on Yahoo's prices kept in Redis (no second source)."""
    return Services(
        Settings(key_prefix=keys.prefix),
        clock=clock,
        redis_client=redis_server,
        yahoo_prices=YahooPrices(yahoo),
        yahoo_funds=YahooFunds(FakeHoldings([0.05, 2.0, 1.25, 0.1, 3.1e9, 0.12]), no_info),
        second_sources=(),
    )


def streak(services: Services) -> int:
    return services.answerer.answer("streak").report.length  # type: ignore[attr-defined]


def test_an_answer_is_kept_until_its_prices_are_due(
    yahoo: FakeYahoo, redis_server: redis.Redis, keys: Keys, clock: FixedClock
) -> None:
    web = process(yahoo, redis_server, keys, clock)
    before = computed()
    # Computing it fetched the prices: it is computed once more, on the version they made.
    assert streak(web) == 5
    assert (computed() - before, len(yahoo.calls)) == (2, 1)
    fetched = clock.at
    clock.at = fetched + REFRESH - timedelta(seconds=1)
    assert streak(web) == 5
    assert (computed() - before, len(yahoo.calls)) == (2, 1)

    clock.at = fetched + REFRESH + timedelta(seconds=1)  # due: asked again, from Yahoo
    yahoo.truth["^RUT"] = RUT.mask(RUT.index == RUT.index[-1], RUT.iloc[-2] * 0.9)
    assert streak(web) == 0
    assert (computed() - before, len(yahoo.calls)) == (4, 2)
    assert streak(web) == 0
    assert computed() - before == 4


def test_a_refresh_by_another_process_is_answered_at_once(
    yahoo: FakeYahoo, redis_server: redis.Redis, keys: Keys, clock: FixedClock
) -> None:
    web = process(yahoo, redis_server, keys, clock)
    assert streak(web) == 5
    # The clock process, its refresh due, fetches revised closes: the web's prices are not due
    # by its own clock, yet its next answer is on the new ones.
    clock_process = process(yahoo, redis_server, keys, FixedClock(clock.at + REFRESH * 2))
    yahoo.truth["^RUT"] = RUT.mask(RUT.index == RUT.index[-1], RUT.iloc[-2] * 0.9)
    clock_process.market.record(["^RUT"])
    assert streak(web) == 0


def test_every_write_of_market_data_moves_the_version(
    yahoo: FakeYahoo, redis_server: redis.Redis, keys: Keys, clock: FixedClock
) -> None:
    web = process(yahoo, redis_server, keys, clock)
    seen = [web.market.version()]
    web.market.record(["^RUT"])  # prices fetched
    seen.append(web.market.version())
    web.market.record(["^RUT"])  # not due: nothing written
    assert web.market.version() == seen[-1]
    yahoo.failure = pd.DataFrame()
    web.market.record(["^GSPC"])  # a failure recorded
    seen.append(web.market.version())
    web.market.fund_history("IWM")  # the day's fund data recorded
    seen.append(web.market.version())
    assert len(set(seen)) == 4


def test_prices_tell_when_they_are_due(
    yahoo: FakeYahoo, redis_server: redis.Redis, keys: Keys, clock: FixedClock
) -> None:
    web = process(yahoo, redis_server, keys, clock)
    fetched = clock.at
    web.market.record(["^RUT"])
    clock.at += timedelta(minutes=5)
    web.market.record(["^GSPC"])
    prices = web.market.prices.closes(["^RUT", "^GSPC"])
    assert prices.due_at == fetched + REFRESH  # the first of them due: ^RUT's
    yahoo.failure = pd.DataFrame()
    clock.at = fetched + REFRESH * 2
    failing = web.market.prices.closes(["^RUT"])  # due, fails: backed off one interval
    assert failing.stale and failing.due_at == clock.at + REFRESH


def test_a_cold_start_fetches_once_and_computes_twice_for_everyone(
    redis_server: redis.Redis, keys: Keys, clock: FixedClock
) -> None:
    """16 questions at once in two processes, nothing cached: one Yahoo call; the answer that
    made it is computed once more on what it wrote, and every other question waits and reads."""
    yahoo = FakeYahoo({"^RUT": RUT, "^GSPC": SPX}, delay=0.3)
    one, two = (process(yahoo, redis_server, keys, clock) for _ in range(2))
    before = computed()
    with ThreadPoolExecutor(16) as pool:
        lengths = list(pool.map(lambda n: streak((one, two)[n % 2]), range(16)))
    assert lengths == [5] * 16
    assert (len(yahoo.calls), computed() - before) == (1, 2)
