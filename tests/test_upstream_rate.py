"""The rate a person and a workspace may make the bot ask its data sources: counted in Redis
per minute, refused with how long to wait, and nothing taken or stored by a refused command."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest
import redis

from bot.asker import Asker
from bot.clock import FixedClock
from bot.config import Settings
from bot.market.yahoo import YahooPrices
from bot.replies import Failure, answer_or_failure
from bot.reports import Answer
from bot.services import Services
from bot.store.keys import Keys
from bot.upstream_rate import SlowDown, UpstreamRate, asked_by
from tests.factories import yf_frame

ANN = Asker("T1", "C1", "U1")
BOB = Asker("T1", "C1", "U2")


class AnySymbol:
    """A stand-in for Yahoo that has a year of closes for any symbol, and counts the asks."""

    def __init__(self) -> None:
        self.asked: list[list[str]] = []

    def __call__(self, **kwargs: Any) -> pd.DataFrame:
        self.asked.append(list(kwargs["tickers"]))
        index = pd.bdate_range(end="2026-01-22", periods=260)
        line = pd.Series(np.linspace(10.0, 20.0, len(index)), index=index)
        return yf_frame({s: line for s in kwargs["tickers"]})


@pytest.fixture
def rate(redis_server: redis.Redis, keys: Keys, clock: FixedClock) -> UpstreamRate:
    return UpstreamRate(lambda: redis_server, keys, clock, per_user=2, per_workspace=3)


def _charge(rate: UpstreamRate, asker: Asker) -> None:
    with asked_by(asker):
        rate.charge()
        rate.charge()  # one command counts once, however many sources it asks


def test_a_person_past_the_limit_is_told_how_long_to_wait_and_may_ask_after(
    rate: UpstreamRate, clock: FixedClock
) -> None:
    clock.at = clock.at.replace(second=15, microsecond=0)
    _charge(rate, ANN)
    _charge(rate, ANN)
    with pytest.raises(SlowDown, match=r"you asked for 2 answers .* try again in 45 s"):
        _charge(rate, ANN)

    clock.at += timedelta(seconds=45)
    _charge(rate, ANN)


def test_a_workspace_past_the_limit_is_refused_for_everyone_in_it(
    rate: UpstreamRate, clock: FixedClock
) -> None:
    _charge(rate, ANN)
    _charge(rate, ANN)
    _charge(rate, BOB)
    with pytest.raises(SlowDown, match="this workspace asked for 3 answers"):
        _charge(rate, BOB)  # Bob's own limit is not reached: the workspace's is
    _charge(rate, Asker("T2", "C9", "U1"))  # another workspace is not held


def test_nothing_is_counted_outside_a_person_s_command(rate: UpstreamRate) -> None:
    for _ in range(5):
        rate.charge()  # the clock, a summary: no one asked


def _services(redis_server: redis.Redis, keys: Keys, clock: FixedClock, yahoo: Any) -> Services:
    settings = Settings(key_prefix=keys.prefix, upstream_per_user=2, upstream_per_workspace=10)
    return Services(
        settings, clock, redis_server, yahoo_prices=YahooPrices(yahoo), second_sources=[]
    )


def test_typed_symbols_past_the_rate_get_a_slow_down_answer_and_nothing_is_stored(
    redis_server: redis.Redis, keys: Keys, clock: FixedClock
) -> None:
    yahoo = AnySymbol()
    answerer = _services(redis_server, keys, clock, yahoo).answerer
    clock.at = clock.at.replace(second=50, microsecond=0)

    assert isinstance(answer_or_failure(answerer, "returns $AAA", asker=ANN), Answer)
    assert isinstance(answer_or_failure(answerer, "returns $BBB", asker=ANN), Answer)
    # fresh in the cache: no source is asked, nothing counted
    assert isinstance(answer_or_failure(answerer, "returns $AAA", asker=ANN), Answer)
    refused = answer_or_failure(answerer, "returns $CCC", asker=ANN)

    assert isinstance(refused, Failure)
    assert "slow down" in refused.message and "try again in 10 s" in refused.message
    assert yahoo.asked == [["AAA"], ["BBB"]]
    assert not redis_server.exists(keys.prices("CCC"))

    clock.at += timedelta(seconds=10)
    assert isinstance(answer_or_failure(answerer, "returns $CCC", asker=ANN), Answer)
    assert redis_server.exists(keys.prices("CCC"))
