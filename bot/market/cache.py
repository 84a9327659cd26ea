"""Prices kept in Redis, so one refresh feeds every process (fund data: `bot/market/funds.py`).

One `CachedPrices` keeps one source's series (Yahoo's, Stooq's or FRED's), each under its own
keys and lock, so a failing source never holds up another. Prices older than the refresh
interval are fetched again, all due symbols in one call, by whichever process first takes the
source's single-flight lock; the others wait for it and read what it
wrote. A failed refresh never overwrites good data: new closes are merged into the cached ones,
and a failure only records itself, to be retried after an exponential back-off (1, 2, 4, 8
refresh intervals), so answers go on from the last good data, labelled stale with its age.

A symbol's failure record lives in its price hash, so a symbol outside the universe that nobody
watches expires whole (`bot/market/expiry.py`); this process's own copy (for when Redis is
away) holds at most `in_memory` symbols, the least recently read dropped first.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd
import redis
from cachetools import LRUCache
from redis.exceptions import LockError

from bot.clock import Clock
from bot.errors import UnreachableError, UpstreamError
from bot.market.expiry import PriceExpiry
from bot.market.prices import PriceSet, SymbolFreshness, Upstream, pack, unpack
from bot.market.version import MarketVersion
from bot.metrics import UPSTREAM_FAILURES, UPSTREAM_FETCHES
from bot.store.keys import Keys

log = logging.getLogger(__name__)

BACKOFF_CAP = 8
"""A failing symbol is asked for again at most this many refresh intervals apart."""

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
    """The last failed refresh of a symbol, and how many failed in a row."""

    at: datetime
    error: str
    tries: int = 1
    unreachable: bool = False
    """Yahoo could not be reached at all (no network, DNS), rather than sent nothing."""

    def retry_at(self, interval: timedelta) -> datetime:
        """Exponential back-off: one refresh interval after the first failure, then 2, 4 and
        at most `BACKOFF_CAP` intervals."""
        doublings = min(max(self.tries - 1, 0), BACKOFF_CAP.bit_length() - 1)
        return self.at + interval * min(1 << doublings, BACKOFF_CAP)

    def dump(self) -> str:
        return json.dumps(
            {
                "at": self.at.isoformat(),
                "error": self.error,
                "tries": self.tries,
                "unreachable": self.unreachable,
            }
        )

    @classmethod
    def load(cls, raw: bytes | str) -> Failure:
        record = json.loads(raw)
        return cls(
            datetime.fromisoformat(record["at"]),
            record["error"],
            record.get("tries", 1),
            record.get("unreachable", False),
        )


OFFLINE = (
    "no prices are cached yet; to run without Yahoo, point SMALLCAPS_DATA at a directory of "
    "CSV files (SMALLCAPS_DATA=csv:DIR; README: Try it offline on CSV files)"
)
"""How to go on when Yahoo cannot be reached and nothing was ever fetched."""


def _why_none(failure: Failure | None, symbol: str) -> str:
    if failure is None:
        return f"no data for {symbol}"
    if failure.unreachable:
        return f"{failure.error}: {OFFLINE}"
    return failure.error


class CachedPrices:
    """A PriceSource that answers from Redis and refreshes from its upstream source when the
    data is due.

    While Redis is unreachable it answers from this process's copy of what it last read,
    refreshing that copy from Yahoo itself: commands that need no state still answer.
    """

    def __init__(
        self,
        upstream: Upstream,
        redis_client: Callable[[], redis.Redis],
        keys: Keys,
        clock: Clock,
        max_age: timedelta,
        lock_wait_seconds: float = 30.0,
        expiry: PriceExpiry | None = None,
        in_memory: int = 256,
        before_upstream: Callable[[], None] | None = None,
        version: MarketVersion | None = None,
    ) -> None:
        """`before_upstream` is called before a refresh asks the upstream source on behalf of
        whoever is asking, and may refuse it by raising (the rate a person may ask at);
        `version` moves with every write."""
        self.upstream = upstream
        self._redis = redis_client
        self.keys = keys
        self.clock = clock
        self.max_age = max_age
        self.lock_wait_seconds = lock_wait_seconds
        self.label = upstream.label
        self.source = upstream.name
        self.expiry = expiry
        self.before_upstream = before_upstream
        self.version = version
        self._here: LRUCache[str, Cached] = LRUCache(in_memory)
        self._here_failures: LRUCache[str, Failure] = LRUCache(in_memory)
        self._here_lock = threading.Lock()

    def closes(self, symbols: Sequence[str]) -> PriceSet:
        symbols = list(dict.fromkeys(symbols))
        try:
            return self._shared_closes(symbols)
        except (redis.RedisError, OSError) as error:
            log.warning("Redis unavailable (%s); prices from this process's copy", error)
        with self._here_lock:
            due = self._due(symbols, self._here, self._here_failures)
            if due:
                fresh, failed = self._fetch(due, self._here)
                self._here.update(fresh)
                for symbol in fresh:
                    self._here_failures.pop(symbol, None)
                self._here_failures.update(failed)
            return self._price_set(symbols, dict(self._here), dict(self._here_failures))

    def _shared_closes(self, symbols: list[str]) -> PriceSet:
        cached, failures = self._read(symbols)
        if self._due(symbols, cached, failures):
            if self.before_upstream is not None:
                self.before_upstream()
            lock = self._redis().lock(
                self.keys.prices_refresh_lock(self.source),
                timeout=120,
                blocking_timeout=self.lock_wait_seconds,
            )
            if lock.acquire():
                try:
                    cached, failures = self._read(symbols)
                    due = self._due(symbols, cached, failures)
                    if due:
                        self._write(*self._fetch(due, cached))
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
        try:
            cached, failures = self._read(symbols)
        except (redis.RedisError, OSError):
            cached, failures = dict(self._here), dict(self._here_failures)
        return [
            SymbolFreshness(
                symbol,
                cached[symbol].closes.index[-1].date() if symbol in cached else None,
                cached[symbol].fetched_at if symbol in cached else None,
                failures[symbol].error if symbol in failures else None,
                failures[symbol].tries if symbol in failures else 0,
                failures[symbol].retry_at(self.max_age) if symbol in failures else None,
            )
            for symbol in symbols
        ]

    def _read(self, symbols: Sequence[str]) -> tuple[dict[str, Cached], dict[str, Failure]]:
        pipe = self._redis().pipeline(transaction=False)
        for symbol in symbols:
            pipe.hmget(self.keys.prices(symbol, self.source), ["closes", "fetched_at", "failure"])
        if self.expiry is not None:
            self.expiry.queue(pipe, self.source, symbols)  # asked for: kept a while longer
        entries = pipe.execute()[: len(symbols)]
        cached = {
            symbol: Cached(unpack(closes), datetime.fromisoformat(_text(fetched_at)))
            for symbol, (closes, fetched_at, _) in zip(symbols, entries, strict=True)
            if closes
        }
        failures = {
            symbol: Failure.load(failure)
            for symbol, (_, _, failure) in zip(symbols, entries, strict=True)
            if failure
        }
        # What was read is this process's copy for when Redis is away.
        self._here.update(cached)
        for symbol in symbols:
            if symbol in failures:
                self._here_failures[symbol] = failures[symbol]
            else:
                self._here_failures.pop(symbol, None)
        return cached, failures

    def _due(
        self,
        symbols: Sequence[str],
        cached: Mapping[str, Cached],
        failures: Mapping[str, Failure],
    ) -> list[str]:
        """Symbols older than the refresh interval, unless their last failure's back-off
        has not run out."""
        if self.upstream.unavailable:
            return []
        now = self.clock.now()
        cutoff = now - self.max_age
        return [
            s
            for s in symbols
            if (s not in cached or cached[s].fetched_at < cutoff)
            and (s not in failures or failures[s].retry_at(self.max_age) <= now)
        ]

    def _fetch(
        self, due: Sequence[str], cached: Mapping[str, Cached]
    ) -> tuple[dict[str, Cached], dict[str, Failure]]:
        """New closes merged into the cached ones, and the failures with their counts."""
        start: date | None = None
        if all(s in cached for s in due):
            start = min(cached[s].closes.index[-1] for s in due).date() - _OVERLAP
        now = self.clock.now()
        UPSTREAM_FETCHES.labels(self.source, "prices").inc()
        unreachable = False
        try:
            fetched, missing = self.upstream.fetch(due, start)
        except UpstreamError as error:
            missing, fetched = dict.fromkeys(due, error.message), {}
            unreachable = isinstance(error, UnreachableError)
        if missing:
            UPSTREAM_FAILURES.labels(self.source, "prices").inc()
            log.warning("%s refresh: no data for %s", self.source, ", ".join(missing))
        fresh = {
            symbol: Cached(
                closes.combine_first(cached[symbol].closes) if symbol in cached else closes, now
            )
            for symbol, closes in fetched.items()
        }
        failed = {}
        for symbol, reason in missing.items():
            before = self._here_failures.get(symbol)
            tries = before.tries + 1 if before else 1
            failed[symbol] = Failure(now, reason, tries, unreachable)
        return fresh, failed

    def _write(self, fresh: dict[str, Cached], failed: dict[str, Failure]) -> None:
        """One transaction: a failed refresh never overwrites good data."""
        pipe = self._redis().pipeline(transaction=True)
        for symbol, entry in fresh.items():
            key = self.keys.prices(symbol, self.source)
            pipe.hset(
                key,
                mapping={
                    "closes": pack(entry.closes),
                    "fetched_at": entry.fetched_at.isoformat(),
                    "last_session": entry.closes.index[-1].date().isoformat(),
                },
            )
            pipe.hdel(key, "failure")
        for symbol, failure in failed.items():
            pipe.hset(self.keys.prices(symbol, self.source), "failure", failure.dump())
        if self.expiry is not None:
            self.expiry.queue(pipe, self.source, [*fresh, *failed])
        if self.version is not None:
            self.version.moved_in(pipe)
        pipe.execute()

    def _price_set(
        self, symbols: Sequence[str], cached: dict[str, Cached], failures: dict[str, Failure]
    ) -> PriceSet:
        found = {s: cached[s].closes for s in symbols if s in cached}
        unavailable = self.upstream.unavailable
        missing = {
            s: unavailable or _why_none(failures.get(s), s) for s in symbols if s not in cached
        }
        fetched = {s: cached[s].fetched_at for s in found}
        oldest = min(fetched.values()) if fetched else None
        now = self.clock.now()
        stale = oldest is not None and oldest < now - self.max_age
        age = now - oldest if oldest else None
        due = self._due_at(symbols, cached, failures, now)
        return PriceSet(found, missing, oldest, stale, age, fetched, due_at=due)

    def _due_at(
        self,
        symbols: Sequence[str],
        cached: Mapping[str, Cached],
        failures: Mapping[str, Failure],
        now: datetime,
    ) -> datetime | None:
        """The first moment one of `symbols` is due to be fetched again (`_due` from then on):
        until then, what they read changes only by a write. None when the source is never
        asked."""
        if self.upstream.unavailable:
            return None
        return min(
            (
                max(
                    cached[s].fetched_at + self.max_age if s in cached else now,
                    failures[s].retry_at(self.max_age) if s in failures else now,
                )
                for s in symbols
            ),
            default=None,
        )
