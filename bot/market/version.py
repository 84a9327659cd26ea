"""The market data's version: a counter in Redis that every write of prices or fund data moves in
the same transaction, so an answer computed on one version still holds while the counter stands
(`bot/shared_answers.py`). The CSV directory has its own version (`CsvDirectory.version`)."""

from __future__ import annotations

from collections.abc import Callable

import redis
from redis.client import Pipeline

from bot.store.keys import Keys


class MarketVersion:
    def __init__(self, redis_client: Callable[[], redis.Redis], keys: Keys) -> None:
        self._redis = redis_client
        self.keys = keys

    def moved_in(self, pipe: Pipeline) -> None:
        """Adds to `pipe` (the transaction that writes the data): the version moves on."""
        pipe.incr(self.keys.market_version())

    def current(self) -> str:
        """The version now; raises Redis's errors (with Redis away no answer is shared)."""
        raw = self._redis().get(self.keys.market_version())
        return f"redis:{int(raw or 0)}"
