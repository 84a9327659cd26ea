"""The bot's parts, built once from settings. Redis is connected only when something needs it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from functools import cached_property
from typing import TypeVar
from urllib.parse import urlsplit

import redis

from bot.alerts.evaluation import Evaluator
from bot.alerts.machine import State
from bot.alerts.rules import AlertRule, Feed
from bot.alerts.service import Alerts
from bot.alerts.store import AlertStore
from bot.answers import Answerer
from bot.asker import Asker
from bot.clock import Clock, FixedClock, ShiftedClock, SystemClock
from bot.config import Settings
from bot.failed_posts import FailedPosts
from bot.job_records import JobRecords
from bot.limits import Limits
from bot.market.cache import CachedPrices, RecordedFunds
from bot.market.csv_files import CsvDirectory
from bot.market.data import MarketData
from bot.market.expiry import PriceExpiry
from bot.market.fred import FredSeries
from bot.market.prices import Upstream
from bot.market.series import SeriesPrices
from bot.market.stooq import StooqPrices
from bot.market.yahoo import YahooFunds, YahooPrices
from bot.operators import Operators
from bot.status import (
    AlertsStatus,
    ChannelSummary,
    ClockStatus,
    DataGroup,
    FeedHealth,
    SeriesHealth,
    StatusReport,
    SummariesStatus,
    WorkspaceRules,
    WorkspaceStatusReport,
)
from bot.store.keys import Keys
from bot.store.lease import lease_holder
from bot.store.server import connect
from bot.summaries.dispatch import Dispatcher, SummaryPoster
from bot.summaries.store import SummaryStore
from bot.summaries.subscriptions import Subscriptions
from bot.universe import ETFS, FED, INDICES, MACRO, RUT, SECTORS, SPX, VALUATION_PAIR
from bot.upstream_rate import UpstreamRate
from bot.watched_levels import WatchedLevelsStore
from bot.workspaces import Workspaces

R = TypeVar("R")

STATUS_SYMBOLS = (RUT.symbol, SPX.symbol, *(i.symbol for i in VALUATION_PAIR))
STATUS_GROUPS = (
    ("Indices", tuple(i.symbol for i in INDICES)),
    ("ETFs", tuple(i.symbol for i in ETFS)),
    ("Sectors", tuple(i.symbol for pair in SECTORS for i in (pair.small, pair.large))),
    ("Macro", tuple(i.symbol for i in (*MACRO, *FED))),
)
"""The symbol groups whose freshness `status` shows, by the first symbol of each instrument."""


class Services:
    def __init__(
        self,
        settings: Settings,
        clock: Clock | None = None,
        redis_client: redis.Redis | None = None,
        yahoo_prices: YahooPrices | None = None,
        yahoo_funds: YahooFunds | None = None,
        market: MarketData | None = None,
        second_sources: Sequence[Upstream] | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock or _clock_of(settings)
        self.keys = Keys(settings.key_prefix)
        self._redis = redis_client
        self._yahoo_prices = yahoo_prices or YahooPrices()
        self._yahoo_funds = yahoo_funds or YahooFunds()
        self._second_sources = (
            second_sources
            if second_sources is not None
            else (StooqPrices(settings.stooq_api_key), FredSeries(settings.fred_api_key))
        )
        if market is not None:
            self.__dict__["market"] = market  # given, not built: see `market` below

    @property
    def redis(self) -> redis.Redis:
        if self._redis is None:
            self._redis = connect(self.settings.redis_url, self.settings.home)
        return self._redis

    @cached_property
    def market(self) -> MarketData:
        csv_dir = self.settings.csv_dir
        if csv_dir is not None:
            files = CsvDirectory(csv_dir, self.clock, self.settings.symbols_in_memory)
            return MarketData(files, files)
        interval = timedelta(seconds=self.settings.refresh_seconds)
        in_memory = self.settings.symbols_in_memory
        expiry = PriceExpiry(
            self.keys, timedelta(seconds=self.settings.symbol_ttl_seconds), self._watched_series
        )
        caches = [
            CachedPrices(
                upstream,
                self.redis,
                self.keys,
                self.clock,
                interval,
                expiry=expiry,
                in_memory=in_memory,
                before_upstream=self.upstream_rate.charge,
            )
            for upstream in (self._yahoo_prices, *self._second_sources)
        ]
        prices = SeriesPrices(caches, self.redis, self.keys, self.clock, interval, in_memory)
        return MarketData(
            prices, RecordedFunds(self._yahoo_funds, self.redis, self.keys, self.clock)
        )

    @cached_property
    def upstream_rate(self) -> UpstreamRate:
        return UpstreamRate(
            self.redis,
            self.keys,
            self.clock,
            self.settings.upstream_per_user,
            self.settings.upstream_per_workspace,
        )

    def _watched_series(self) -> list[str]:
        """The series alert rules watch (read from `alerts:feeds`): their prices never expire."""
        return [s for feed in self.alert_store.feeds() for s in feed.symbols]

    @cached_property
    def watched(self) -> WatchedLevelsStore:
        return WatchedLevelsStore(lambda: self.redis, self.keys)

    @cached_property
    def alert_store(self) -> AlertStore:
        return AlertStore(lambda: self.redis, self.keys)

    @cached_property
    def evaluator(self) -> Evaluator:
        freshness = timedelta(seconds=self.settings.freshness_seconds)
        return Evaluator(self.alert_store, self.market.prices, self.watched, freshness)

    @cached_property
    def alerts(self) -> Alerts:
        return Alerts(
            self.alert_store,
            self.evaluator,
            self.market.prices,
            self.watched,
            self.clock,
            per_workspace=self.settings.rules_per_workspace,
            symbols_per_workspace=self.settings.symbols_per_workspace,
        )

    @cached_property
    def summary_store(self) -> SummaryStore:
        return SummaryStore(lambda: self.redis, self.keys)

    @cached_property
    def subscriptions(self) -> Subscriptions:
        return Subscriptions(self.summary_store, self.alerts, self.clock)

    @cached_property
    def workspaces(self) -> Workspaces:
        return Workspaces(lambda: self.redis, self.keys, self.alerts, self.subscriptions)

    @cached_property
    def answerer(self) -> Answerer:
        settings = self.settings
        limits = Limits(
            self.alerts.limit,
            settings.rules_per_workspace,
            settings.symbols_per_workspace,
            settings.upstream_per_user,
            settings.upstream_per_workspace,
        )
        return Answerer(
            self.market,
            self.clock,
            self.status_for,
            self.watched,
            self.alerts,
            self.subscriptions,
            limits,
        )

    def dispatcher(self, poster: SummaryPoster[R]) -> Dispatcher[R]:
        """The daily summaries' dispatcher, posting through `poster`."""
        return Dispatcher(
            self.summary_store,
            self.answerer.answer,
            self.watched,
            poster,
            timedelta(seconds=self.settings.summary_grace_seconds),
            self.settings.fanout_workers,
        )

    def close(self) -> None:
        """Closes this process's connections to Redis (an embedded server stops at exit once
        no other process is connected to it)."""
        if self._redis is not None:
            self._redis.connection_pool.disconnect()

    def where(self) -> str:
        """Where the data comes from and the state is kept, for the operator's eyes (the
        console's first line): "data: CSV files in /srv/market · state: embedded Redis in
        .smallcaps"."""
        csv_dir = self.settings.csv_dir
        data = f"CSV files in {csv_dir}" if csv_dir else self.market.label
        url = self.settings.redis_url
        if url:
            parts = urlsplit(url)
            place = f"{parts.scheme}://{parts.hostname or ''}:{parts.port or 6379}{parts.path}"
            state = f"Redis at {place} (REDIS_URL)"
        else:
            state = f"embedded Redis in {self.settings.home}"
        return f"data: {data} · state: {state}"

    def redis_health(self) -> str:
        where = "REDIS_URL" if self.settings.redis_url else f"embedded, {self.settings.home}"
        try:
            self.redis.ping()
        except (redis.RedisError, OSError) as error:
            return f"unreachable ({where}): {error}"
        return f"ok ({where})"

    def readiness(self) -> tuple[bool, dict[str, str]]:
        """Ready to serve: Redis answers and the data cache has prices; never asks Yahoo."""
        redis_state = self.redis_health()
        fresh = []
        if redis_state.startswith("ok"):
            fresh = [s for s in self.market.prices.freshness((RUT.symbol,)) if s.last_session]
        data_state = f"ok ({fresh[0].last_session})" if fresh else "no cached prices"
        checks = {"app": "ok", "redis": redis_state, "data": data_state}
        return redis_state.startswith("ok") and bool(fresh), checks

    @cached_property
    def operators(self) -> Operators:
        return Operators(self.settings.operators)

    def status_for(self, asker: Asker | None) -> StatusReport | WorkspaceStatusReport:
        """The operator's status for an operator, else the asker's own workspace's."""
        if asker is None or self.operators.include(asker):
            return self.status()
        return self.workspace_status(asker.workspace)

    def status(self) -> StatusReport:
        """Everything an operator asks first; each part says "unknown" rather than fail."""
        groups = self._data_groups()
        freshness = {s.symbol: s for group in groups for s in group.symbols}
        return StatusReport(
            source=self.market.label,
            redis=self.redis_health(),
            symbols=[freshness[s] for s in STATUS_SYMBOLS],
            alerts=self.alerts_status(),
            summaries=self.summaries_status(),
            groups=groups,
            jobs=_unless_down(self.job_records.all),
            clock=_unless_down(self._clock_status),
            sources=self.source_health(),
            failed_posts=_unless_down(FailedPosts(lambda: self.redis, self.keys).status),
        )

    def workspace_status(self, workspace: str) -> WorkspaceStatusReport:
        """What `workspace` may see: the market data everyone shares, and its own rules, the
        feeds they read and its daily summaries; while Redis is unavailable those are unknown,
        with no reason given (the reason is the operator's)."""
        rules = _unless_down(lambda: self.workspaces.rules(workspace))
        summaries = _unless_down(lambda: self.workspaces.subscriptions(workspace))
        alerts, feeds = None, []
        if rules is not None:
            read = _unless_down(lambda: self._workspace_alerts(rules))
            alerts, feeds = read if read is not None else (None, [])
        return WorkspaceStatusReport(
            source=self.market.label,
            groups=self._data_groups(),
            alerts=alerts,
            feeds=feeds,
            summaries=(
                [ChannelSummary(sub.channel, sub.due) for sub in summaries]
                if summaries is not None
                else None
            ),
            failed_posts=_unless_down(
                lambda: FailedPosts(lambda: self.redis, self.keys).of(workspace)
            ),
        )

    def _workspace_alerts(self, rules: list[AlertRule]) -> tuple[WorkspaceRules, list[FeedHealth]]:
        """A workspace's rules counted, and the feeds they read with their data."""
        tick = self.alert_store.status()  # only its time and hold are shown: both are everyone's
        mine = tuple(f"{rule.id}-" for rule in rules)
        counted = WorkspaceRules(
            rules=len(rules),
            channels=len({rule.owner.channel for rule in rules}),
            watching=sum(1 for rule in rules if any(leg.watching for leg in rule.legs)),
            paused=sum(1 for rule in rules if all(leg.state is State.PAUSED for leg in rule.legs)),
            waiting=sum(
                1 for firing in self.alert_store.outbox() if mine and firing.startswith(mine)
            ),
            last_tick=tick.last_tick,
            held=tick.held,
        )
        by_feed: dict[Feed, list[AlertRule]] = {}
        for rule in rules:
            by_feed.setdefault(rule.spec.feed, []).append(rule)
        lasts = self.alert_store.lasts(list(by_feed))
        holds = self.alert_store.holds()
        symbols = [s for feed in by_feed for s in feed.symbols]
        freshness = {
            f.symbol: f for f in self.market.prices.freshness(list(dict.fromkeys(symbols)))
        }
        feeds = [
            FeedHealth(
                f"{reading[0].spec.target.name}, {feed.kind} ({feed.basis})",
                len(reading),
                last.at if (last := lasts.get(feed.key)) else None,
                [freshness[s] for s in feed.symbols if s in freshness],
                holds.get(feed.key),
            )
            for feed, reading in sorted(by_feed.items(), key=lambda item: item[0].key)
        ]
        return counted, feeds

    def _data_groups(self) -> list[DataGroup]:
        """The freshness of the universe's groups of symbols: public data, the same for all."""
        freshness = {
            s.symbol: s
            for s in self.market.prices.freshness([s for _, g in STATUS_GROUPS for s in g])
        }
        return [DataGroup(name, [freshness[s] for s in group]) for name, group in STATUS_GROUPS]

    def source_health(self) -> list[SeriesHealth]:
        """Each series' sources and which answered last; empty on CSV files (one source)."""
        prices = self.market.prices
        if not isinstance(prices, SeriesPrices):
            return []
        try:
            return prices.health([s for _, group in STATUS_GROUPS for s in group])
        except (redis.RedisError, OSError):
            return []

    @cached_property
    def job_records(self) -> JobRecords:
        return JobRecords(lambda: self.redis, self.keys)

    def _clock_status(self) -> ClockStatus:
        holder, left = lease_holder(self.redis, self.keys.clock_lease())
        return ClockStatus(holder, self.clock.now() + left if left is not None else None)

    def summaries_status(self) -> SummariesStatus | None:
        return _unless_down(self.summary_store.status)

    def alerts_status(self) -> AlertsStatus | None:
        return _unless_down(self.alert_store.status)


def _clock_of(settings: Settings) -> Clock:
    if settings.fixed_now:
        return FixedClock(settings.fixed_now)
    if settings.time_offset_seconds:
        return ShiftedClock(timedelta(seconds=settings.time_offset_seconds))
    return SystemClock()


def _unless_down(read: Callable[[], R]) -> R | None:
    """What `read` finds in Redis, or None while Redis is unavailable."""
    try:
        return read()
    except (redis.RedisError, OSError):
        return None


def _text(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw
