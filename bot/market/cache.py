"""Yahoo prices and fund multiples kept in Redis, so one refresh feeds every process.

Prices older than the refresh interval are fetched again, all due symbols in one download, by
whichever process first takes the single-flight lock; the others wait for it and read what it
wrote. A failed refresh never overwrites good data: new closes are merged into the cached ones,
and a failure only records itself (and is not retried before the interval has passed), so
answers go on from the last good data, labelled stale.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd
import redis
from redis.exceptions import LockError

from bot.clock import Clock, exchange_today
from bot.errors import UpstreamError
from bot.market.prices import FUND_FIELDS, PriceSet, pack, unpack
from bot.market.yahoo import YahooFunds, YahooPrices
from bot.reports import SymbolFreshness
from bot.store.keys import Keys

log = logging.getLogger(__name__)

_OVERLAP = timedelta(days=10)
"""An incremental refresh asks again for the last days it has, so revised closes replace them."""


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


@dataclass(frozen=True)
class Cached:
    closes: pd.Series
    fetched_at: datetime


@dataclass(frozen=True)
class Failure:
    at: datetime
    error: str


class CachedPrices:
    """A PriceSource that answers from Redis and refreshes from Yahoo when the data is due."""

    def __init__(
        self,
        upstream: YahooPrices,
        redis_client: redis.Redis,
        keys: Keys,
        clock: Clock,
        max_age: timedelta,
        lock_wait_seconds: float = 30.0,
    ) -> None:
        self.upstream = upstream
        self.redis = redis_client
        self.keys = keys
        self.clock = clock
        self.max_age = max_age
        self.lock_wait_seconds = lock_wait_seconds
        self.label = upstream.label

    def closes(self, symbols: Sequence[str]) -> PriceSet:
        symbols = list(dict.fromkeys(symbols))
        cached, failures = self._read(symbols)
        if self._due(symbols, cached, failures):
            lock = self.redis.lock(
                self.keys.prices_refresh_lock(),
                timeout=120,
                blocking_timeout=self.lock_wait_seconds,
            )
            if lock.acquire():
                try:
                    cached, failures = self._read(symbols)
                    due = self._due(symbols, cached, failures)
                    if due:
                        self._refresh(due, cached)
                        cached, failures = self._read(symbols)
                finally:
                    try:
                        lock.release()
                    except LockError:
                        log.warning("price refresh outlived its lock")
            else:
                log.warning(
                    "waited %.0fs for a price refresh; answering from cache", self.lock_wait_seconds
                )
        return self._price_set(symbols, cached, failures)

    def freshness(self, symbols: Sequence[str]) -> list[SymbolFreshness]:
        symbols = list(dict.fromkeys(symbols))
        cached, failures = self._read(symbols)
        return [
            SymbolFreshness(
                symbol,
                cached[symbol].closes.index[-1].date() if symbol in cached else None,
                cached[symbol].fetched_at if symbol in cached else None,
                failures[symbol].error if symbol in failures else None,
            )
            for symbol in symbols
        ]

    def _read(self, symbols: Sequence[str]) -> tuple[dict[str, Cached], dict[str, Failure]]:
        pipe = self.redis.pipeline(transaction=False)
        for symbol in symbols:
            pipe.hmget(self.keys.prices(symbol), ["closes", "fetched_at"])
        pipe.hmget(self.keys.price_failures(), list(symbols))
        *entries, failed = pipe.execute()
        cached = {
            symbol: Cached(unpack(closes), datetime.fromisoformat(_text(fetched_at)))
            for symbol, (closes, fetched_at) in zip(symbols, entries, strict=True)
            if closes
        }
        failures = {}
        for symbol, raw in zip(symbols, failed, strict=True):
            if raw:
                record = json.loads(raw)
                failures[symbol] = Failure(datetime.fromisoformat(record["at"]), record["error"])
        return cached, failures

    def _due(
        self, symbols: Sequence[str], cached: dict[str, Cached], failures: dict[str, Failure]
    ) -> list[str]:
        """Symbols older than the refresh interval, unless they failed within it."""
        cutoff = self.clock.now() - self.max_age
        return [
            s
            for s in symbols
            if (s not in cached or cached[s].fetched_at < cutoff)
            and (s not in failures or failures[s].at < cutoff)
        ]

    def _refresh(self, due: Sequence[str], cached: dict[str, Cached]) -> None:
        start: date | None = None
        if all(s in cached for s in due):
            start = min(cached[s].closes.index[-1] for s in due).date() - _OVERLAP
        now = self.clock.now()
        try:
            fresh, missing = self.upstream.fetch(due, start)
        except UpstreamError as error:
            missing, fresh = dict.fromkeys(due, error.message), {}
        pipe = self.redis.pipeline(transaction=True)
        for symbol, closes in fresh.items():
            if symbol in cached:
                closes = closes.combine_first(cached[symbol].closes)
            pipe.hset(
                self.keys.prices(symbol),
                mapping={
                    "closes": pack(closes),
                    "fetched_at": now.isoformat(),
                    "last_session": closes.index[-1].date().isoformat(),
                },
            )
        if fresh:
            pipe.hdel(self.keys.price_failures(), *fresh)
        if missing:
            pipe.hset(
                self.keys.price_failures(),
                mapping={
                    s: json.dumps({"at": now.isoformat(), "error": error})
                    for s, error in missing.items()
                },
            )
        pipe.execute()
        if missing:
            log.warning("price refresh: no data for %s", ", ".join(missing))

    def _price_set(
        self, symbols: Sequence[str], cached: dict[str, Cached], failures: dict[str, Failure]
    ) -> PriceSet:
        found = {s: cached[s].closes for s in symbols if s in cached}
        missing = {
            s: failures[s].error if s in failures else f"no data for {s}"
            for s in symbols
            if s not in cached
        }
        fetched = [cached[s].fetched_at for s in found]
        oldest = min(fetched) if fetched else None
        stale = oldest is not None and oldest < self.clock.now() - self.max_age
        return PriceSet(found, missing, oldest, stale)


class RecordedFunds:
    """Fund data fetched from Yahoo at most once a day, each day's recorded in Redis.

    The recorded days are the history the valuation percentile is measured against, and the
    assets that implied flows are computed from.
    """

    def __init__(
        self, upstream: YahooFunds, redis_client: redis.Redis, keys: Keys, clock: Clock
    ) -> None:
        self.upstream = upstream
        self.redis = redis_client
        self.keys = keys
        self.clock = clock

    def fund_history(self, symbol: str) -> pd.DataFrame:
        key = self.keys.fund_snapshots(symbol)
        today = exchange_today(self.clock).isoformat()
        if not self.redis.hexists(key, today):
            try:
                self.redis.hset(key, today, json.dumps(self.upstream.fetch(symbol)))
            except UpstreamError as error:
                log.warning("fund data for %s not recorded today: %s", symbol, error.message)
        recorded = self.redis.hgetall(key)
        rows = {_text(day): json.loads(values) for day, values in recorded.items()}
        frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(FUND_FIELDS), dtype=float)
        frame.index = pd.DatetimeIndex(pd.to_datetime(frame.index)).astype("datetime64[ns]")
        return frame.sort_index()
