"""Which cached price data expires: a series outside the universe that no alert rule watches
is kept `ttl` after it was last asked for (its price hash, which holds its failure record too),
so typed symbols nobody uses again leave nothing behind in Redis. The universe's series and
those alert rules watch are kept for good.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import timedelta

from redis.client import Pipeline

from bot.store.keys import Keys
from bot.universe import Feed, in_universe, sources_of


class PriceExpiry:
    def __init__(self, keys: Keys, ttl: timedelta, watched: Callable[[], Collection[str]]) -> None:
        """`watched` reads the series alert rules watch (asked only when a series outside the
        universe is read or written)."""
        self.keys = keys
        self.ttl = ttl
        self.watched = watched

    def queue(self, pipe: Pipeline, source: str, codes: Sequence[str]) -> None:
        """Adds to `pipe`: an expiry `ttl` from now on each of `codes`' price hashes that is
        neither the universe's nor watched, and none on the watched ones."""
        custom = [code for code in codes if not in_universe(Feed(source, code))]
        if not custom:
            return
        watched = {f for series in self.watched() for f in sources_of(series)}
        for code in custom:
            key = self.keys.prices(code, source)
            if Feed(source, code) in watched:
                pipe.persist(key)
            else:
                pipe.expire(key, self.ttl)
