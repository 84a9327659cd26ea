"""Alerts against a real Redis, with prices the tests set session by session."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
import redis

from bot.alerts.evaluation import Evaluator
from bot.alerts.service import Alerts
from bot.alerts.store import AlertStore
from bot.clock import FixedClock
from bot.market.prices import PriceSet, SymbolFreshness
from bot.store.keys import Keys
from bot.trading_calendar import nyse, session_close
from bot.watched_levels import WatchedLevelsStore

FRESHNESS = timedelta(minutes=30)


def trading_days(start: str, count: int) -> list[date]:
    """`count` NYSE sessions from `start` on."""
    calendar = nyse()
    first = calendar.date_to_session(pd.Timestamp(start), "next")
    return [s.date() for s in calendar.sessions[calendar.sessions.get_loc(first) :][:count]]


def after_close(day: date, minutes: int = 15) -> datetime:
    return session_close(day) + timedelta(minutes=minutes)


@dataclass
class FramePrices:
    """A price source the test writes into: closes by symbol, and when they were fetched."""

    closes_by_symbol: dict[str, pd.Series] = field(default_factory=dict)
    fetched_at: datetime | None = None
    label: str = "test prices"
    answered_by: dict[str, str] = field(default_factory=dict)
    """Symbols a second source answers, as `SeriesPrices` says so."""

    def set(self, symbol: str, days: Sequence[date], values: Sequence[float]) -> None:
        index = pd.DatetimeIndex([pd.Timestamp(d) for d in days]).astype("datetime64[ns]")
        self.closes_by_symbol[symbol] = pd.Series(list(values), index=index, dtype=float)

    def closes(self, symbols: Sequence[str]) -> PriceSet:
        found = {s: self.closes_by_symbol[s] for s in symbols if s in self.closes_by_symbol}
        missing = {s: f"no data for {s}" for s in symbols if s not in found}
        by = {s: self.answered_by[s] for s in found if s in self.answered_by}
        return PriceSet(found, missing, self.fetched_at, answered_by=by)

    def freshness(self, symbols: Sequence[str]) -> list[SymbolFreshness]:
        return [SymbolFreshness(s, None, self.fetched_at) for s in symbols]


@dataclass
class AlertsWorld:
    """Everything one bot process has for alerts: build another to play a second process."""

    client: redis.Redis
    keys: Keys
    clock: FixedClock
    prices: FramePrices

    def __post_init__(self) -> None:
        self.store = AlertStore(lambda: self.client, self.keys)
        watched = WatchedLevelsStore(lambda: self.client, self.keys)
        self.evaluator = Evaluator(self.store, self.prices, watched, FRESHNESS)
        self.alerts = Alerts(self.store, self.evaluator, self.prices, watched, self.clock)

    def process(self) -> AlertsWorld:
        """Another process: its own Redis connection and objects, the same state."""
        pool = self.client.connection_pool
        own = redis.ConnectionPool(connection_class=pool.connection_class, **pool.connection_kwargs)
        pool_client = redis.Redis(connection_pool=own)
        return AlertsWorld(pool_client, self.keys, self.clock, self.prices)


@pytest.fixture
def world(redis_server: redis.Redis, keys: Keys) -> AlertsWorld:
    return AlertsWorld(
        redis_server, keys, FixedClock(datetime(2026, 1, 5, tzinfo=UTC)), FramePrices()
    )
