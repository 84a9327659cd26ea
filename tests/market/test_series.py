"""Each series from the first of its sources that answers (bot/market/series.py), on a real
Redis, with real caches over a faked Yahoo and a faked second source."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
import redis

from bot.clock import FixedClock
from bot.errors import UnreachableError
from bot.market.cache import CachedPrices
from bot.market.series import SeriesPrices, agree
from bot.market.yahoo import YahooPrices
from bot.store.keys import Keys
from tests.factories import closes
from tests.market.test_cache import MAX_AGE, FakeYahoo

RUT = closes(np.linspace(2000.0, 2300.0, 40).round(2).tolist(), start="2025-11-28")
SPX = closes(np.linspace(6000.0, 6100.0, 40).round(2).tolist(), start="2025-11-28")
assert RUT.index[-1] == pd.Timestamp("2026-01-22")


class FakeSource:
    """A second source: `truth` by code, failing with `failure` when set."""

    def __init__(self, name: str, label: str, truth: dict[str, pd.Series]) -> None:
        self.name = name
        self.label = label
        self.truth = truth
        self.failure: str | None = None
        self.unavailable: str | None = None
        self.asked: list[list[str]] = []

    def fetch(
        self, codes: Sequence[str], start: date | None = None
    ) -> tuple[dict[str, pd.Series], dict[str, str]]:
        self.asked.append(list(codes))
        if self.failure:
            raise UnreachableError(self.failure)
        found = {c: self.truth[c] for c in codes if c in self.truth}
        return found, {c: f"{self.label} has no {c}" for c in codes if c not in found}


@pytest.fixture
def yahoo() -> FakeYahoo:
    return FakeYahoo({"^RUT": RUT[:-2], "^GSPC": SPX[:-2]})


@pytest.fixture
def stooq() -> FakeSource:
    return FakeSource("stooq", "Stooq", {"^rut": RUT, "^spx": SPX})


@pytest.fixture
def fred() -> FakeSource:
    effr = closes([3.88] * 40, start="2025-11-28")
    return FakeSource("fred", "FRED", {"EFFR": effr})


def _prices(
    yahoo: FakeYahoo,
    redis_server: redis.Redis,
    keys: Keys,
    clock: FixedClock,
    *others: FakeSource,
) -> SeriesPrices:
    caches = [
        CachedPrices(upstream, lambda: redis_server, keys, clock, MAX_AGE)
        for upstream in (YahooPrices(yahoo), *others)
    ]
    return SeriesPrices(caches, lambda: redis_server, keys, clock, MAX_AGE)


def _yahoo_fails_after_answering(
    yahoo: FakeYahoo,
    redis_server: redis.Redis,
    keys: Keys,
    clock: FixedClock,
    stooq: FakeSource,
    symbols: list[str],
    before: timedelta = timedelta(days=2),
) -> FixedClock:
    """Yahoo answers `symbols` `before` ahead of `clock`, then fails; the earlier clock."""
    early = FixedClock(clock.at - before)
    _prices(yahoo, redis_server, keys, early, stooq).closes(symbols)
    yahoo.failure = RuntimeError("Yahoo is down")
    return early


def test_a_healthy_first_source_answers_and_the_second_is_never_asked(
    yahoo: FakeYahoo, stooq: FakeSource, redis_server: redis.Redis, keys: Keys, clock: FixedClock
) -> None:
    prices = _prices(yahoo, redis_server, keys, clock, stooq)
    got = prices.closes(["^RUT", "^GSPC"])
    assert got.answered_by == {}
    assert got.closes["^RUT"].index[-1] == RUT.index[-3]
    assert stooq.asked == []


def test_when_yahoo_fails_the_second_source_answers_spliced_where_they_agree(
    yahoo: FakeYahoo,
    stooq: FakeSource,
    redis_server: redis.Redis,
    keys: Keys,
    clock: FixedClock,
) -> None:
    _yahoo_fails_after_answering(yahoo, redis_server, keys, clock, stooq, ["^RUT", "^GSPC"])
    prices = _prices(yahoo, redis_server, keys, clock, stooq)

    got = prices.closes(["^RUT", "^GSPC"])

    assert stooq.asked == [["^rut", "^spx"]]
    last_yahoo = RUT.index[-3].date().isoformat()
    assert got.answered_by == {s: f"Stooq after {last_yahoo}" for s in ("^RUT", "^GSPC")}
    pd.testing.assert_series_equal(got.closes["^RUT"], RUT, check_names=False, check_freq=False)
    assert not got.stale


def test_a_source_that_disagrees_is_never_spliced_it_answers_alone(
    yahoo: FakeYahoo, stooq: FakeSource, redis_server: redis.Redis, keys: Keys, clock: FixedClock
) -> None:
    _yahoo_fails_after_answering(yahoo, redis_server, keys, clock, stooq, ["^RUT"])
    stooq.truth["^rut"] = (RUT * 0.99).round(2)  # e.g. a dividend-adjusted history

    got = _prices(yahoo, redis_server, keys, clock, stooq).closes(["^RUT"])

    assert got.answered_by == {"^RUT": "Stooq"}
    pd.testing.assert_series_equal(
        got.closes["^RUT"], stooq.truth["^rut"], check_names=False, check_freq=False
    )


def test_agreement_needs_enough_shared_sessions_each_within_a_tenth_of_a_percent() -> None:
    a = closes([100.0, 101.0, 102.0, 103.0, 104.0], start="2026-01-12")
    assert agree(a, a * 1.0009)
    assert not agree(a, a * 1.002)
    assert not agree(a[:2], a[:2])  # two shared sessions prove nothing
    shifted = a.copy()
    shifted.iloc[-1] *= 1.01  # one bad day is enough to refuse
    assert not agree(a, shifted)


def test_when_every_source_fails_the_last_good_data_answers_stale(
    yahoo: FakeYahoo, stooq: FakeSource, redis_server: redis.Redis, keys: Keys, clock: FixedClock
) -> None:
    _yahoo_fails_after_answering(
        yahoo, redis_server, keys, clock, stooq, ["^RUT"], timedelta(hours=3)
    )
    stooq.failure = "Stooq could not be reached (DNS)"

    got = _prices(yahoo, redis_server, keys, clock, stooq).closes(["^RUT"])

    assert got.stale and got.age == timedelta(hours=3)
    assert got.answered_by == {}  # Yahoo's own last good closes
    assert got.closes["^RUT"].index[-1] == RUT.index[-3]


def test_with_nothing_anywhere_the_error_gives_each_source_s_reason(
    yahoo: FakeYahoo, stooq: FakeSource, redis_server: redis.Redis, keys: Keys, clock: FixedClock
) -> None:
    yahoo.failure = RuntimeError("Yahoo is down")
    stooq.failure = "Stooq could not be reached (DNS)"
    got = _prices(yahoo, redis_server, keys, clock, stooq).closes(["^RUT"])
    assert "^RUT" not in got.closes
    assert "Yahoo Finance could not be reached" in got.missing["^RUT"]
    assert "Stooq could not be reached (DNS)" in got.missing["^RUT"]


def test_a_series_only_fred_publishes_is_named_as_fred_s(
    yahoo: FakeYahoo, fred: FakeSource, redis_server: redis.Redis, keys: Keys, clock: FixedClock
) -> None:
    got = _prices(yahoo, redis_server, keys, clock, fred).closes(["fred:EFFR", "^RUT"])
    assert got.answered_by == {"fred:EFFR": "FRED"}
    assert got.closes["fred:EFFR"].iloc[-1] == 3.88
    assert yahoo.calls[0]["tickers"] == ["^RUT"]  # Yahoo is never asked for a FRED series


def test_health_tells_which_source_answered_and_each_source_s_failures_in_a_row(
    yahoo: FakeYahoo,
    stooq: FakeSource,
    redis_server: redis.Redis,
    keys: Keys,
    clock: FixedClock,
) -> None:
    early = _yahoo_fails_after_answering(yahoo, redis_server, keys, clock, stooq, ["^RUT"])
    prices = _prices(yahoo, redis_server, keys, clock, stooq)
    prices.closes(["^RUT"])
    later = FixedClock(clock.at + 2 * MAX_AGE)  # Yahoo's back-off has run out: asked again
    _prices(yahoo, redis_server, keys, later, stooq).closes(["^RUT"])

    (rut,) = prices.health(["^RUT"])

    yahoo_record, stooq_record = rut.sources
    assert (yahoo_record.source, yahoo_record.failures) == ("Yahoo Finance, delayed", 2)
    assert yahoo_record.last_success == early.at
    assert "Yahoo is down" in (yahoo_record.error or "")
    assert (stooq_record.source, stooq_record.failures) == ("Stooq", 0)
    assert stooq_record.last_success == later.at
    assert rut.answered_by == f"Stooq after {RUT.index[-3].date().isoformat()}"
    assert rut.since == clock.at
    told = json.loads(redis_server.hget(keys.series_answered(), "^RUT") or "{}")
    assert told["source"] == rut.answered_by


def test_a_failing_source_is_backed_off_on_its_own(
    yahoo: FakeYahoo, stooq: FakeSource, redis_server: redis.Redis, keys: Keys, clock: FixedClock
) -> None:
    yahoo.failure = RuntimeError("Yahoo is down")
    prices = _prices(yahoo, redis_server, keys, clock, stooq)
    prices.closes(["^RUT"])
    soon = FixedClock(clock.at + MAX_AGE / 2)
    again = _prices(yahoo, redis_server, keys, soon, stooq).closes(["^RUT"])
    assert len(yahoo.calls) == 1  # Yahoo waits out its back-off
    assert again.answered_by == {"^RUT": "Stooq"}
    assert len(stooq.asked) == 1  # and Stooq's fresh closes are read from Redis


def test_a_source_without_its_key_is_never_asked_and_says_why(
    yahoo: FakeYahoo, stooq: FakeSource, redis_server: redis.Redis, keys: Keys, clock: FixedClock
) -> None:
    yahoo.failure = RuntimeError("Yahoo is down")
    stooq.unavailable = "Stooq needs STOOQ_API_KEY"
    prices = _prices(yahoo, redis_server, keys, clock, stooq)
    got = prices.closes(["^RUT"])
    assert stooq.asked == []
    assert "Stooq needs STOOQ_API_KEY" in got.missing["^RUT"]
    (rut,) = prices.health(["^RUT"])
    assert rut.sources[1].error == "Stooq needs STOOQ_API_KEY"


def test_which_source_answered_is_remembered_for_the_series_read_last(
    yahoo: FakeYahoo, redis_server: redis.Redis, keys: Keys, clock: FixedClock
) -> None:
    caches = [CachedPrices(YahooPrices(yahoo), lambda: redis_server, keys, clock, MAX_AGE)]
    prices = SeriesPrices(caches, lambda: redis_server, keys, clock, MAX_AGE, in_memory=1)
    prices.closes(["^RUT"])
    prices.closes(["^GSPC"])

    assert set(prices._told) == {"^GSPC"}
