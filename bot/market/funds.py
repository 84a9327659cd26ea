"""Fund data (multiples and total assets) fetched from Yahoo at most once a day, each day's
recorded in Redis: the history `valuation` measures against and `flows` reads."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import pandas as pd
import redis

from bot.clock import Clock, exchange_today
from bot.errors import UpstreamError
from bot.market.prices import FUND_FIELDS
from bot.market.version import MarketVersion
from bot.market.yahoo import YahooFunds
from bot.metrics import UPSTREAM_FAILURES, UPSTREAM_FETCHES
from bot.store.keys import Keys

log = logging.getLogger(__name__)

FUND_RETRY = timedelta(minutes=15)
"""Fund data that Yahoo failed to give is not asked for again sooner than this."""


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class RecordedFunds:
    """Fund data fetched from Yahoo at most once a day, each day's recorded in Redis.

    The recorded days are the history the valuation percentile is measured against, and the
    assets that implied flows are computed from.
    """

    def __init__(
        self,
        upstream: YahooFunds,
        redis_client: Callable[[], redis.Redis],
        keys: Keys,
        clock: Clock,
        version: MarketVersion | None = None,
    ) -> None:
        """`version` moves with every day recorded."""
        self.upstream = upstream
        self.version = version
        self._redis = redis_client
        self.keys = keys
        self.clock = clock
        self._failed: dict[str, datetime] = {}  # the universe's funds only

    def fund_history(self, symbol: str) -> pd.DataFrame:
        key = self.keys.fund_snapshots(symbol)
        today = exchange_today(self.clock).isoformat()
        now = self.clock.now()
        failed = self._failed.get(symbol)
        if not self._redis().hexists(key, today) and (failed is None or now - failed > FUND_RETRY):
            UPSTREAM_FETCHES.labels("yahoo", "funds").inc()
            try:
                self._record(key, today, json.dumps(self.upstream.fetch(symbol)))
            except UpstreamError as error:
                UPSTREAM_FAILURES.labels("yahoo", "funds").inc()
                self._failed[symbol] = now
                log.warning("fund data for %s not recorded today: %s", symbol, error.message)
        recorded = self._redis().hgetall(key)
        rows = {_text(day): json.loads(values) for day, values in recorded.items()}
        frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(FUND_FIELDS), dtype=float)
        frame.index = pd.DatetimeIndex(pd.to_datetime(frame.index)).astype("datetime64[ns]")
        return frame.sort_index()

    def _record(self, key: str, day: str, values: str) -> None:
        pipe = self._redis().pipeline(transaction=True)
        pipe.hset(key, day, values)
        if self.version is not None:
            self.version.moved_in(pipe)
        pipe.execute()
