"""The Redis price cache and the recorded fund multiples, on a real Redis with a faked Yahoo."""

from __future__ import annotations

import json
import threading
import time
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest
import redis

from bot.clock import FixedClock
from bot.market.cache import CachedPrices
from bot.market.expiry import PriceExpiry
from bot.market.funds import FUND_RETRY, RecordedFunds
from bot.market.prices import FUND_FIELDS, PriceSet, pack, unpack
from bot.market.yahoo import YahooFunds, YahooPrices
from bot.store.keys import Keys
from tests.factories import closes, equity_holdings, random_walk, yf_frame

MAX_AGE = timedelta(minutes=15)


class FakeYahoo:
    """Answers yf.download calls from `truth`, only the sessions from `start` on when given.

    `failure` makes it fail the way yfinance does: an exception, None, or a frame passed as is.
    """

    def __init__(self, truth: dict[str, pd.Series], delay: float = 0.0) -> None:
        self.truth = dict(truth)
        self.delay = delay
        self.failure: Exception | pd.DataFrame | str | None = "healthy"
        self.calls: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def __call__(self, **kwargs: Any) -> pd.DataFrame | None:
        with self._lock:
            self.calls.append(kwargs)
        if self.delay:
            time.sleep(self.delay)
        if isinstance(self.failure, Exception):
            raise self.failure
        if not isinstance(self.failure, str):
            return self.failure
        start = kwargs.get("start")
        columns = {}
        for symbol in kwargs["tickers"]:
            series = self.truth[symbol]
            columns[symbol] = series.loc[start:] if start else series
        return yf_frame(columns)


def _nan_frame(symbols: list[str]) -> pd.DataFrame:
    index = pd.bdate_range("2026-01-12", periods=5)
    return yf_frame({s: pd.Series(np.nan, index=index) for s in symbols})


def _assert_same(actual: pd.Series, expected: pd.Series) -> None:
    pd.testing.assert_series_equal(
        actual, expected.astype(float), check_names=False, check_freq=False, check_exact=True
    )


def _hash(client: redis.Redis, key: str) -> dict[str, bytes]:
    return {k.decode(): v for k, v in client.hgetall(key).items()}


IWM = closes(np.linspace(200.0, 230.0, 40).round(2).tolist(), start="2025-11-28")
RUT = closes(np.linspace(2000.0, 2300.0, 38).round(2).tolist(), start="2025-11-28")
assert IWM.index[-1] == pd.Timestamp("2026-01-22")  # the clock fixture's session
assert RUT.index[-1] == pd.Timestamp("2026-01-20")


@pytest.fixture
def yahoo() -> FakeYahoo:
    return FakeYahoo({"IWM": IWM, "^RUT": RUT})


@pytest.fixture
def cache(
    yahoo: FakeYahoo, redis_server: redis.Redis, keys: Keys, clock: FixedClock
) -> CachedPrices:
    return CachedPrices(YahooPrices(yahoo), lambda: redis_server, keys, clock, MAX_AGE)


# --- first download, then the cache ------------------------------------------------------------


def test_first_call_downloads_full_history_and_stores_it(
    cache: CachedPrices, yahoo: FakeYahoo, redis_server: redis.Redis, keys: Keys, clock: FixedClock
) -> None:
    prices = cache.closes(["IWM", "^RUT"])

    assert len(yahoo.calls) == 1
    assert yahoo.calls[0]["tickers"] == ["IWM", "^RUT"]
    assert yahoo.calls[0]["period"] == "max"
    assert "start" not in yahoo.calls[0]
    assert prices.missing == {}
    assert prices.stale is False
    assert prices.fetched_at == clock.at
    _assert_same(prices.closes["IWM"], IWM)
    _assert_same(prices.closes["^RUT"], RUT)

    stored = _hash(redis_server, keys.prices("IWM"))
    assert stored["fetched_at"].decode() == clock.at.isoformat()
    assert stored["last_session"].decode() == "2026-01-22"
    _assert_same(unpack(stored["closes"]), IWM)
    assert _hash(redis_server, keys.prices("^RUT"))["last_session"].decode() == "2026-01-20"
    assert "failure" not in stored


def test_second_call_within_max_age_does_not_ask_upstream(
    cache: CachedPrices,
    yahoo: FakeYahoo,
    redis_server: redis.Redis,
    keys: Keys,
    clock: FixedClock,
) -> None:
    first_fetch = clock.at
    cache.closes(["IWM", "^RUT"])
    clock.at = first_fetch + MAX_AGE - timedelta(seconds=1)

    prices = cache.closes(["IWM", "^RUT"])
    assert len(yahoo.calls) == 1
    assert prices.fetched_at == first_fetch
    assert prices.stale is False
    _assert_same(prices.closes["IWM"], IWM)

    # another process with its own source reads what the first one wrote
    other_yahoo = FakeYahoo({})
    other = CachedPrices(YahooPrices(other_yahoo), lambda: redis_server, keys, clock, MAX_AGE)
    _assert_same(other.closes(["^RUT"]).closes["^RUT"], RUT)
    assert other_yahoo.calls == []


def test_only_due_symbols_are_downloaded(cache: CachedPrices, yahoo: FakeYahoo) -> None:
    cache.closes(["IWM"])
    prices = cache.closes(["IWM", "^RUT"])
    assert [c["tickers"] for c in yahoo.calls] == [["IWM"], ["^RUT"]]
    assert yahoo.calls[1]["period"] == "max"  # ^RUT has no history yet
    _assert_same(prices.closes["^RUT"], RUT)


def test_after_max_age_refreshes_incrementally_and_merges(
    cache: CachedPrices,
    yahoo: FakeYahoo,
    redis_server: redis.Redis,
    keys: Keys,
    clock: FixedClock,
) -> None:
    cache.closes(["IWM", "^RUT"])

    # Yahoo revises the last three closes of each and adds new sessions
    revised_iwm = IWM.copy()
    revised_iwm.iloc[-3:] = [1.5, 2.5, 3.5]
    revised_iwm = pd.concat([revised_iwm, closes([4.5], dates=["2026-01-23"])])
    revised_rut = RUT.copy()
    revised_rut.iloc[-3:] = [11.0, 12.0, 13.0]
    revised_rut = pd.concat([revised_rut, closes([14.0, 15.0], dates=["2026-01-21", "2026-01-22"])])
    yahoo.truth = {"IWM": revised_iwm, "^RUT": revised_rut}
    clock.at += MAX_AGE + timedelta(minutes=1)

    prices = cache.closes(["IWM", "^RUT"])

    assert len(yahoo.calls) == 2
    call = yahoo.calls[1]
    # the oldest last session among the due symbols (^RUT, 2026-01-20) minus 10 days
    assert call["start"] == "2026-01-10"
    assert "period" not in call
    assert call["tickers"] == ["IWM", "^RUT"]
    start = pd.Timestamp(call["start"])
    # what upstream sent began at `start`; the earlier sessions come from the cache
    assert prices.closes["IWM"].index[0] == IWM.index[0] < start
    expected_iwm = pd.concat([IWM.loc[: start - pd.Timedelta(days=1)], revised_iwm.loc[start:]])
    expected_rut = pd.concat([RUT.loc[: start - pd.Timedelta(days=1)], revised_rut.loc[start:]])
    _assert_same(prices.closes["IWM"], expected_iwm)
    _assert_same(prices.closes["^RUT"], expected_rut)
    assert prices.closes["IWM"].loc["2026-01-22"] == 3.5
    assert prices.fetched_at == clock.at
    assert prices.stale is False

    stored = _hash(redis_server, keys.prices("IWM"))
    assert stored["fetched_at"].decode() == clock.at.isoformat()
    assert stored["last_session"].decode() == "2026-01-23"
    _assert_same(unpack(stored["closes"]), expected_iwm)
    assert _hash(redis_server, keys.prices("^RUT"))["last_session"].decode() == "2026-01-22"


# --- failures never overwrite good data --------------------------------------------------------

FAILURES = {
    "raises": lambda: ConnectionError("Yahoo is down"),
    "none": lambda: None,
    "empty": lambda: pd.DataFrame(),
    "all-nan": lambda: _nan_frame(["IWM", "^RUT"]),
}


@pytest.mark.parametrize("failure", list(FAILURES))
def test_failed_refresh_keeps_cache_and_is_not_retried_before_max_age(
    cache: CachedPrices,
    yahoo: FakeYahoo,
    redis_server: redis.Redis,
    keys: Keys,
    clock: FixedClock,
    failure: str,
) -> None:
    good_fetch = clock.at
    cache.closes(["IWM", "^RUT"])
    before = _hash(redis_server, keys.prices("IWM"))

    yahoo.failure = FAILURES[failure]()
    clock.at = failed_at = good_fetch + MAX_AGE + timedelta(minutes=1)
    prices = cache.closes(["IWM", "^RUT"])

    assert len(yahoo.calls) == 2
    assert prices.stale is True
    assert prices.fetched_at == good_fetch
    assert prices.missing == {}
    _assert_same(prices.closes["IWM"], IWM)
    _assert_same(prices.closes["^RUT"], RUT)
    # the failure is recorded beside the good data, which is left as it was
    stored = _hash(redis_server, keys.prices("IWM"))
    record = json.loads(stored.pop("failure"))
    assert stored == before
    assert "failure" in _hash(redis_server, keys.prices("^RUT"))
    assert record["at"] == failed_at.isoformat()
    assert record["error"]
    if failure == "raises":
        assert "Yahoo is down" in record["error"]
    freshness = {f.symbol: f for f in cache.freshness(["IWM", "^RUT"])}
    assert freshness["IWM"].error == record["error"]
    assert freshness["IWM"].fetched_at == good_fetch
    assert freshness["IWM"].last_session == date(2026, 1, 22)

    # within max_age of the failure: not asked again, still answered from the cache
    clock.at = failed_at + MAX_AGE - timedelta(seconds=1)
    again = cache.closes(["IWM", "^RUT"])
    assert len(yahoo.calls) == 2
    _assert_same(again.closes["IWM"], IWM)
    assert again.stale is True

    # after max_age it is tried again, and a success clears the failure
    yahoo.failure = "healthy"
    clock.at = failed_at + MAX_AGE + timedelta(seconds=1)
    recovered = cache.closes(["IWM", "^RUT"])
    assert len(yahoo.calls) == 3
    assert recovered.stale is False
    assert recovered.fetched_at == clock.at
    assert all("failure" not in _hash(redis_server, keys.prices(s)) for s in ("IWM", "^RUT"))


def test_partial_failure_updates_the_others(
    cache: CachedPrices, yahoo: FakeYahoo, redis_server: redis.Redis, keys: Keys, clock: FixedClock
) -> None:
    good_fetch = clock.at
    cache.closes(["IWM", "^RUT"])
    rut_before = _hash(redis_server, keys.prices("^RUT"))

    newer = pd.concat([IWM, closes([240.0], dates=["2026-01-23"])])
    yahoo.truth = {"IWM": newer, "^RUT": pd.Series(np.nan, index=RUT.index)}
    clock.at += MAX_AGE + timedelta(minutes=1)
    prices = cache.closes(["IWM", "^RUT"])

    _assert_same(prices.closes["IWM"], newer)
    _assert_same(prices.closes["^RUT"], RUT)
    rut_after = _hash(redis_server, keys.prices("^RUT"))
    assert "failure" in rut_after
    assert {k: v for k, v in rut_after.items() if k != "failure"} == rut_before
    assert "failure" not in _hash(redis_server, keys.prices("IWM"))
    # the answer is as old as its oldest data
    assert prices.fetched_at == good_fetch
    assert prices.stale is True


def test_cold_cache_failure_reports_missing_without_raising(
    cache: CachedPrices, yahoo: FakeYahoo, clock: FixedClock
) -> None:
    yahoo.failure = TimeoutError("read timed out")
    prices = cache.closes(["IWM", "^RUT"])
    assert prices.closes == {}
    assert set(prices.missing) == {"IWM", "^RUT"}
    assert "read timed out" in prices.missing["IWM"]
    assert prices.fetched_at is None
    assert prices.stale is False

    clock.at += timedelta(minutes=5)
    cache.closes(["IWM"])
    assert len(yahoo.calls) == 1


def test_symbol_yahoo_does_not_know_is_missing(
    redis_server: redis.Redis, keys: Keys, clock: FixedClock
) -> None:
    yahoo = FakeYahoo({"IWM": IWM, "NOPE": pd.Series(np.nan, index=IWM.index)})
    prices = CachedPrices(YahooPrices(yahoo), lambda: redis_server, keys, clock, MAX_AGE).closes(
        ["IWM", "NOPE"]
    )
    _assert_same(prices.closes["IWM"], IWM)
    assert set(prices.missing) == {"NOPE"}
    assert "NOPE" in prices.missing["NOPE"]


# --- single flight -----------------------------------------------------------------------------


def _client_like(client: redis.Redis) -> redis.Redis:
    """A second client (its own connection pool) of the same server, as another process has."""
    pool = client.connection_pool
    return redis.Redis(
        connection_pool=redis.ConnectionPool(
            connection_class=pool.connection_class, **pool.connection_kwargs
        )
    )


def test_single_flight_on_a_cold_cache(
    redis_server: redis.Redis, keys: Keys, clock: FixedClock
) -> None:
    yahoo = FakeYahoo({"IWM": IWM, "^RUT": RUT}, delay=0.3)
    workers = 8
    barrier = threading.Barrier(workers)
    results: list[PriceSet | None] = [None] * workers
    errors: list[BaseException] = []
    clients = [_client_like(redis_server) for _ in range(workers)]

    def work(i: int) -> None:
        try:
            cache = CachedPrices(YahooPrices(yahoo), lambda: clients[i], keys, clock, MAX_AGE)
            barrier.wait(timeout=10)
            results[i] = cache.closes(["IWM", "^RUT"])
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        for client in clients:
            client.connection_pool.disconnect()

    assert errors == []
    assert not any(thread.is_alive() for thread in threads)
    assert len(yahoo.calls) == 1
    for result in results:
        assert result is not None
        assert result.missing == {}
        assert result.fetched_at == clock.at
        _assert_same(result.closes["IWM"], IWM)
        _assert_same(result.closes["^RUT"], RUT)
    assert not redis_server.exists(keys.prices_refresh_lock())


def test_lock_held_elsewhere_answers_from_cache(
    cache: CachedPrices, yahoo: FakeYahoo, redis_server: redis.Redis, keys: Keys, clock: FixedClock
) -> None:
    cache.closes(["IWM"])
    clock.at += MAX_AGE + timedelta(minutes=1)
    held = redis_server.lock(keys.prices_refresh_lock(), timeout=10)
    assert held.acquire(blocking=False)
    try:
        waiting = CachedPrices(
            YahooPrices(yahoo), lambda: redis_server, keys, clock, MAX_AGE, lock_wait_seconds=0.2
        )
        prices = waiting.closes(["IWM"])
    finally:
        held.release()
    assert len(yahoo.calls) == 1
    assert prices.stale is True
    _assert_same(prices.closes["IWM"], IWM)


# --- pack / unpack -----------------------------------------------------------------------------


def test_pack_unpack_round_trip_is_exact() -> None:
    series = random_walk(3, seed=7, start="1927-12-30")
    series.iloc[0] = 17.66
    series.iloc[1] = 1e-9
    series.iloc[2] = 123456789.123456789
    series.iloc[3] = np.nextafter(1.0, 2.0)
    packed = pack(series)
    assert len(packed) == 16 * len(series)
    back = unpack(packed)
    assert back.index.dtype == np.dtype("datetime64[ns]")
    assert back.index.name == "Date"
    np.testing.assert_array_equal(back.to_numpy(), series.to_numpy())
    assert back.index.equals(pd.DatetimeIndex(series.index))
    assert back.index[0] == pd.Timestamp("1927-12-30")  # before 1970: negative day numbers


def test_pack_unpack_empty_series() -> None:
    empty = pd.Series([], index=pd.DatetimeIndex([]).astype("datetime64[ns]"), dtype=float)
    assert pack(empty) == b""
    back = unpack(b"")
    assert back.empty
    assert back.index.dtype == np.dtype("datetime64[ns]")


def test_packed_records_are_day_numbers_and_closes() -> None:
    series = closes([1.25, 2.5], dates=["1970-01-02", "2024-01-02"])
    records = np.frombuffer(pack(series), dtype=[("day", "<i8"), ("close", "<f8")])
    assert records["day"].tolist() == [1, (date(2024, 1, 2) - date(1970, 1, 1)).days]
    assert records["close"].tolist() == [1.25, 2.5]


# --- recorded fund multiples -------------------------------------------------------------------


class FakeHoldings:
    def __init__(self, values: list[Any]) -> None:
        self.values = values
        self.error: Exception | None = None
        self.calls: list[str] = []

    def __call__(self, symbol: str) -> pd.DataFrame:
        self.calls.append(symbol)
        if self.error is not None:
            raise self.error
        return equity_holdings(symbol, self.values)


@pytest.fixture
def holdings() -> FakeHoldings:
    return FakeHoldings([0.05, 2.0, 1.25, 0.1, 3.1e9, 0.12])


@pytest.fixture
def funds(
    holdings: FakeHoldings, redis_server: redis.Redis, keys: Keys, clock: FixedClock
) -> RecordedFunds:
    return RecordedFunds(YahooFunds(holdings, no_info), lambda: redis_server, keys, clock)


def no_info(symbol: str) -> dict[str, object]:
    return {}


def test_funds_recorded_once_per_exchange_day(
    funds: RecordedFunds,
    holdings: FakeHoldings,
    redis_server: redis.Redis,
    keys: Keys,
    clock: FixedClock,
) -> None:
    history = funds.fund_history("IWM")
    assert holdings.calls == ["IWM"]
    assert list(history.columns) == list(FUND_FIELDS)
    assert list(history.index) == [pd.Timestamp("2026-01-22")]
    row = history.iloc[0]
    assert row["pe"] == pytest.approx(20.0)
    assert row["pb"] == pytest.approx(2.0)
    assert row["ps"] == pytest.approx(1.25)
    assert row["pcf"] == pytest.approx(10.0)
    stored = _hash(redis_server, keys.fund_snapshots("IWM"))
    assert set(stored) == {"2026-01-22"}
    assert json.loads(stored["2026-01-22"])["pe"] == pytest.approx(20.0)

    # 2026-01-23 00:30 UTC is still 2026-01-22 in New York: no second call
    clock.at = datetime.fromisoformat("2026-01-23T00:30:00+00:00")
    holdings.values = [0.04, 3.0, 1.0, 0.1, 3.1e9, 0.12]
    again = funds.fund_history("IWM")
    assert holdings.calls == ["IWM"]
    assert len(again) == 1
    assert again["pe"].iloc[0] == pytest.approx(20.0)

    # the next New York day is recorded as a second snapshot
    clock.at = datetime.fromisoformat("2026-01-23T15:00:00+00:00")
    later = funds.fund_history("IWM")
    assert holdings.calls == ["IWM", "IWM"]
    assert list(later.index) == [pd.Timestamp("2026-01-22"), pd.Timestamp("2026-01-23")]
    assert later["pe"].tolist() == pytest.approx([20.0, 25.0])
    assert later["pb"].tolist() == pytest.approx([2.0, 3.0])


def test_failed_fund_fetch_is_not_recorded(
    funds: RecordedFunds,
    holdings: FakeHoldings,
    redis_server: redis.Redis,
    keys: Keys,
    clock: FixedClock,
) -> None:
    holdings.error = RuntimeError("no fundProfile")
    history = funds.fund_history("IWM")
    assert history.empty
    assert list(history.columns) == list(FUND_FIELDS)
    assert not redis_server.exists(keys.fund_snapshots("IWM"))

    # nothing was recorded; Yahoo is not asked again within FUND_RETRY, then it is
    holdings.error = None
    assert funds.fund_history("IWM").empty
    assert holdings.calls == ["IWM"]
    clock.at += FUND_RETRY + timedelta(seconds=1)
    history = funds.fund_history("IWM")
    assert holdings.calls == ["IWM", "IWM"]
    assert history["pe"].tolist() == pytest.approx([20.0])


def test_unusable_fund_multiples_are_not_recorded(
    funds: RecordedFunds, holdings: FakeHoldings, redis_server: redis.Redis, keys: Keys
) -> None:
    holdings.values = [pd.NA, 900.0, -1.0, pd.NA, pd.NA, pd.NA]
    assert funds.fund_history("IWM").empty
    assert not redis_server.exists(keys.fund_snapshots("IWM"))


# --- what typed symbols leave behind ------------------------------------------------------------

TTL = timedelta(days=3)
ZZZZ = closes(np.linspace(10.0, 12.0, 38).round(2).tolist(), start="2025-11-28")


def _expiring_cache(
    yahoo: FakeYahoo, redis_server: redis.Redis, keys: Keys, clock: FixedClock, watched: set[str]
) -> CachedPrices:
    expiry = PriceExpiry(keys, TTL, lambda: watched)
    return CachedPrices(
        YahooPrices(yahoo), lambda: redis_server, keys, clock, MAX_AGE, expiry=expiry
    )


def test_prices_of_a_symbol_nobody_watches_expire_and_asking_keeps_them_longer(
    yahoo: FakeYahoo, redis_server: redis.Redis, keys: Keys, clock: FixedClock
) -> None:
    yahoo.truth["ZZZZ"] = ZZZZ
    cache = _expiring_cache(yahoo, redis_server, keys, clock, set())
    cache.closes(["ZZZZ", "IWM", "^RUT"])

    assert 0 < redis_server.ttl(keys.prices("ZZZZ")) <= TTL.total_seconds()
    assert redis_server.ttl(keys.prices("IWM")) == -1  # the universe's: kept for good
    assert redis_server.ttl(keys.prices("^RUT")) == -1

    redis_server.expire(keys.prices("ZZZZ"), 5)
    cache.closes(["ZZZZ"])  # asked again (from the cache): kept a while longer
    assert redis_server.ttl(keys.prices("ZZZZ")) > 5
    assert len(yahoo.calls) == 1


def test_a_watched_symbol_is_kept_and_a_failed_one_expires_with_its_failure_record(
    yahoo: FakeYahoo, redis_server: redis.Redis, keys: Keys, clock: FixedClock
) -> None:
    yahoo.truth["ZZZZ"] = ZZZZ
    yahoo.truth["NOPE"] = pd.Series(np.nan, index=ZZZZ.index)
    watched: set[str] = set()
    cache = _expiring_cache(yahoo, redis_server, keys, clock, watched)
    prices = cache.closes(["ZZZZ", "NOPE"])

    assert "NOPE" in prices.missing
    assert set(_hash(redis_server, keys.prices("NOPE"))) == {"failure"}
    assert 0 < redis_server.ttl(keys.prices("NOPE")) <= TTL.total_seconds()

    watched.add("ZZZZ")  # a rule now watches it: the next read keeps it for good
    cache.closes(["ZZZZ"])
    assert redis_server.ttl(keys.prices("ZZZZ")) == -1
    watched.clear()  # its last rule went: it expires again once asked
    cache.closes(["ZZZZ"])
    assert redis_server.ttl(keys.prices("ZZZZ")) > 0


def test_this_process_s_copy_keeps_the_symbols_read_last(
    yahoo: FakeYahoo, redis_server: redis.Redis, keys: Keys, clock: FixedClock
) -> None:
    yahoo.truth["ZZZZ"] = ZZZZ
    cache = CachedPrices(
        YahooPrices(yahoo), lambda: redis_server, keys, clock, MAX_AGE, in_memory=2
    )
    cache.closes(["IWM", "^RUT"])
    cache.closes(["ZZZZ"])

    assert set(cache._here) == {"^RUT", "ZZZZ"}
