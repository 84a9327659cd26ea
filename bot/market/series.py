"""Each series from the first of its sources that answers: the PriceSource the bot uses live.

The universe names every series' sources in order (`bot.universe.sources_of`): Yahoo first,
then Stooq for indices and funds, FRED for yields, the VIX and the policy rate. Each source is
kept in Redis by its own `CachedPrices`, refreshed and backed off on its own. For each series:

- the first source whose data is fresh (fetched within the refresh interval) answers;
- when that is not the first source and the first one has older closes, the two are spliced
  (the first's closes, then the later source's newer days) only if they agree on the last
  sessions they share (`AGREE_SESSIONS`, within `AGREE_WITHIN`); otherwise the later source
  answers alone. Either way the answer names the source (`PriceSet.answered_by`);
- when no source is fresh, the newest last good data answers, labelled stale as ever.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import redis
from cachetools import LRUCache

from bot.clock import Clock
from bot.market.cache import CachedPrices
from bot.market.prices import PriceSet, SymbolFreshness
from bot.status import SeriesHealth, SourceHealth
from bot.store.keys import Keys
from bot.universe import Feed, sources_of

log = logging.getLogger(__name__)

AGREE_SESSIONS = 5
"""How many of the last shared sessions two sources must agree on to be spliced."""
AGREE_WITHIN = 0.001
"""Relative difference allowed on each of them (0.1%): the same close from two vendors agrees
to the cent; an ETF's dividend-adjusted history or another yield curve does not."""
MIN_SHARED = 3
"""Fewer shared sessions than this is no evidence of agreement: no splice."""


def agree(first: pd.Series, later: pd.Series) -> bool:
    """Whether two sources' closes agree on the last sessions they share."""
    shared = first.index.intersection(later.index)[-AGREE_SESSIONS:]
    if len(shared) < MIN_SHARED:
        return False
    a = first.loc[shared].to_numpy(dtype=float)
    b = later.loc[shared].to_numpy(dtype=float)
    return bool(np.all(np.abs(b - a) <= AGREE_WITHIN * np.abs(a)))


@dataclass(frozen=True)
class Asked:
    """What one source had for one series."""

    feed: Feed
    closes: pd.Series | None
    fetched_at: datetime | None
    why_none: str | None


class SeriesPrices:
    """A PriceSource over several sources, each series asked of its own in order."""

    def __init__(
        self,
        caches: Sequence[CachedPrices],
        redis_client: Callable[[], redis.Redis],
        keys: Keys,
        clock: Clock,
        max_age: timedelta,
        in_memory: int = 256,
    ) -> None:
        self.caches: Mapping[str, CachedPrices] = {c.source: c for c in caches}
        self.primary = caches[0]
        self.label = self.primary.label
        self._redis = redis_client
        self.keys = keys
        self.clock = clock
        self.max_age = max_age
        self._told: LRUCache[str, str] = LRUCache(in_memory)
        """The source last recorded as answering each series, the least recently read dropped
        first."""

    def closes(self, symbols: Sequence[str]) -> PriceSet:
        symbols = list(dict.fromkeys(symbols))
        asked, due_at = self._ask(symbols)
        now = self.clock.now()
        found: dict[str, pd.Series] = {}
        missing: dict[str, str] = {}
        fetched: dict[str, datetime] = {}
        answered_by: dict[str, str] = {}
        for series in symbols:
            answers = asked[series]
            choice = self._choose(answers, now)
            if choice is None:
                missing[series] = "; ".join(
                    dict.fromkeys(a.why_none for a in answers if a.why_none)
                ) or (f"no data for {series}")
                continue
            closes, fetched_at, by = choice
            found[series], fetched[series] = closes, fetched_at
            if by:
                answered_by[series] = by
        self._record(symbols, asked, answered_by, now)
        oldest = min(fetched.values()) if fetched else None
        stale = oldest is not None and oldest < now - self.max_age
        age = now - oldest if oldest else None
        return PriceSet(found, missing, oldest, stale, age, fetched, answered_by, due_at)

    def _ask(self, symbols: list[str]) -> tuple[dict[str, list[Asked]], datetime | None]:
        """Each series' sources in order, each source once per round for all the series that
        reach it, until a source has fresh data for the series or none is left; and when the
        first of the sources asked is due to be fetched again (which source answers may change
        then)."""
        chains = {s: sources_of(s) for s in symbols}
        asked: dict[str, list[Asked]] = defaultdict(list)
        due: list[datetime] = []
        pending = symbols
        cutoff = self.clock.now() - self.max_age
        rank = 0
        while pending:
            by_source: dict[str, list[tuple[str, Feed]]] = defaultdict(list)
            for series in pending:
                feed = chains[series][rank]
                by_source[feed.source].append((series, feed))
            for source, wanted in by_source.items():
                cache = self.caches.get(source)
                if cache is None:
                    for series, feed in wanted:
                        asked[series].append(Asked(feed, None, None, f"{source} is not set up"))
                    continue
                prices = cache.closes([feed.code for _, feed in wanted])
                if prices.due_at is not None:
                    due.append(prices.due_at)
                for series, feed in wanted:
                    asked[series].append(
                        Asked(
                            feed,
                            prices.closes.get(feed.code),
                            prices.fetched.get(feed.code),
                            prices.missing.get(feed.code),
                        )
                    )
            rank += 1
            pending = [
                s for s in pending if rank < len(chains[s]) and not _fresh(asked[s][-1], cutoff)
            ]
        return asked, min(due, default=None)

    def _choose(
        self, answers: list[Asked], now: datetime
    ) -> tuple[pd.Series, datetime, str | None] | None:
        """The closes that answer, when they were fetched, and the source to name when it is
        not the first."""
        cutoff = now - self.max_age
        first = answers[0]
        for answer in answers:
            if not _fresh(answer, cutoff):
                continue
            assert answer.closes is not None and answer.fetched_at is not None
            label = self._label(answer.feed)
            if answer is first:
                elsewhere = answer.feed.source != self.primary.source
                return answer.closes, answer.fetched_at, label if elsewhere else None
            if first.closes is not None and agree(first.closes, answer.closes):
                end = first.closes.index[-1]
                spliced = pd.concat([first.closes, answer.closes.loc[answer.closes.index > end]])
                return spliced, answer.fetched_at, f"{label} after {end.date().isoformat()}"
            return answer.closes, answer.fetched_at, label
        held = [a for a in answers if a.closes is not None and a.fetched_at is not None]
        if not held:
            return None
        newest = max(held, key=lambda a: a.closes.index[-1])  # type: ignore[union-attr]
        assert newest.closes is not None and newest.fetched_at is not None
        by = None if newest.feed.source == self.primary.source else self._label(newest.feed)
        return newest.closes, newest.fetched_at, by

    def _label(self, feed: Feed) -> str:
        cache = self.caches.get(feed.source)
        return cache.label if cache is not None else feed.source

    def _record(
        self,
        symbols: list[str],
        asked: dict[str, list[Asked]],
        answered_by: dict[str, str],
        now: datetime,
    ) -> None:
        """Which source answered each series, written when it changes (for `status`): "since"
        is when that source began answering, whichever process saw it first."""
        seen = {}
        for series in symbols:
            if any(a.closes is not None for a in asked[series]):
                by = answered_by.get(series, self.primary.label)
                if self._told.get(series) != by:
                    seen[series] = by
        if not seen:
            return
        try:
            stored = self._redis().hmget(self.keys.series_answered(), list(seen))
            changed = {
                series: json.dumps({"source": by, "at": now.isoformat()})
                for (series, by), raw in zip(seen.items(), stored, strict=True)
                if not raw or json.loads(raw).get("source") != by
            }
            if changed:
                self._redis().hset(self.keys.series_answered(), mapping=changed)  # type: ignore[arg-type]
        except (redis.RedisError, OSError) as error:
            log.warning("could not record which source answered: %s", error)
            return
        self._told.update(seen)

    def freshness(self, symbols: Sequence[str]) -> list[SymbolFreshness]:
        """Each series' freshness at its first source (what `status` has always shown)."""
        firsts = {s: sources_of(s)[0] for s in dict.fromkeys(symbols)}
        records = self._records(firsts.values())
        return [
            replace(records[(f.source, f.code)], symbol=s)
            if (f.source, f.code) in records
            else SymbolFreshness(s, None, None, f"{f.source} is not set up")
            for s, f in firsts.items()
        ]

    def _records(self, feeds: Iterable[Feed]) -> dict[tuple[str, str], SymbolFreshness]:
        """Each feed's record at its source's cache, by (source, code): one read a source."""
        by_source: dict[str, list[str]] = defaultdict(list)
        for feed in feeds:
            by_source[feed.source].append(feed.code)
        records: dict[tuple[str, str], SymbolFreshness] = {}
        for source, codes in by_source.items():
            cache = self.caches.get(source)
            if cache is not None:
                for one in cache.freshness(codes):
                    records[(source, one.symbol)] = one
        return records

    def health(self, symbols: Sequence[str]) -> list[SeriesHealth]:
        """Per series, each source's last success and failures in a row, and which source
        answered last."""
        symbols = list(dict.fromkeys(symbols))
        chains = {s: sources_of(s) for s in symbols}
        records = self._records(feed for chain in chains.values() for feed in chain)
        try:
            raw = self._redis().hmget(self.keys.series_answered(), symbols)
        except (redis.RedisError, OSError):
            raw = [None] * len(symbols)
        result = []
        for series, told in zip(symbols, raw, strict=True):
            answered = json.loads(told) if told else {}
            sources = []
            for feed in chains[series]:
                cache = self.caches.get(feed.source)
                record = records.get((feed.source, feed.code))
                unavailable = cache.upstream.unavailable if cache is not None else "not set up"
                sources.append(
                    SourceHealth(
                        self._label(feed),
                        feed.code,
                        record.fetched_at if record else None,
                        record.failures if record else 0,
                        (record.error if record else None) or unavailable,
                        record.retry_at if record else None,
                    )
                )
            since = answered.get("at")
            result.append(
                SeriesHealth(
                    series,
                    sources,
                    answered.get("source"),
                    datetime.fromisoformat(since) if since else None,
                )
            )
        return result


def _fresh(answer: Asked, cutoff: datetime) -> bool:
    return (
        answer.closes is not None
        and answer.fetched_at is not None
        and (answer.fetched_at >= cutoff)
    )
