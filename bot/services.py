"""The composition root: the bot's parts built once from settings, in order, and frozen. Every
store is handed the one Redis connection's `client`, which connects on first use."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any, TypeVar

import redis

from bot.alerts.evaluation import Evaluator
from bot.alerts.service import Alerts
from bot.alerts.store import AlertStore
from bot.answers import Answerer
from bot.clock import Clock, FixedClock, ShiftedClock, SystemClock
from bot.config import Settings
from bot.failed_posts import FailedPosts
from bot.job_records import JobRecords
from bot.limits import Limits
from bot.market.cache import CachedPrices
from bot.market.csv_files import CsvDirectory
from bot.market.data import MarketData
from bot.market.expiry import PriceExpiry
from bot.market.fred import FredSeries
from bot.market.funds import RecordedFunds
from bot.market.prices import Upstream
from bot.market.series import SeriesPrices
from bot.market.stooq import StooqPrices
from bot.market.version import MarketVersion
from bot.market.yahoo import YahooFunds, YahooPrices
from bot.operators import Operators
from bot.shared_answers import SharedAnswers
from bot.status_report import Status
from bot.store.keys import Keys
from bot.store.server import ANSWERING_PATIENCE, Connection
from bot.summaries.dispatch import Dispatcher
from bot.summaries.outcomes import SummaryPoster
from bot.summaries.store import SummaryStore
from bot.summaries.subscriptions import Subscriptions
from bot.upstream_rate import UpstreamRate
from bot.watched_levels import WatchedLevelsStore
from bot.workspaces import Workspaces

R = TypeVar("R")


class Services:
    """The stores, the market data and the use cases the front ends call (`answerer`, `alerts`,
    `subscriptions`, `workspaces`, `status`, `dispatcher`); built once, never reassigned."""

    settings: Settings
    clock: Clock
    keys: Keys
    connection: Connection
    alert_store: AlertStore
    watched: WatchedLevelsStore
    summary_store: SummaryStore
    job_records: JobRecords
    failed_posts: FailedPosts
    upstream_rate: UpstreamRate
    market: MarketData
    evaluator: Evaluator
    alerts: Alerts
    subscriptions: Subscriptions
    workspaces: Workspaces
    operators: Operators
    status: Status
    answerer: Answerer

    def __init__(
        self,
        settings: Settings,
        clock: Clock | None = None,
        redis_client: redis.Redis | None = None,
        yahoo_prices: YahooPrices | None = None,
        yahoo_funds: YahooFunds | None = None,
        market: MarketData | None = None,
        second_sources: Sequence[Upstream] | None = None,
        redis_patience: float = ANSWERING_PATIENCE,
    ) -> None:
        """`redis_client`, the sources and `market` replace what settings would build (tests,
        benchmarks); Redis is connected only when something first needs it, and a command that
        fails for a passing reason keeps trying for `redis_patience` seconds."""
        self.settings = settings
        self.clock = clock or _clock_of(settings)
        self.keys = Keys(settings.key_prefix)
        self.connection = Connection(
            settings.redis_url, settings.home, redis_client, settings.sentinels, redis_patience
        )
        state = self.connection.client

        self.alert_store = AlertStore(state, self.keys)
        self.watched = WatchedLevelsStore(state, self.keys)
        self.summary_store = SummaryStore(state, self.keys)
        self.job_records = JobRecords(state, self.keys)
        self.failed_posts = FailedPosts(state, self.keys)
        self.upstream_rate = UpstreamRate(
            state,
            self.keys,
            self.clock,
            settings.upstream_per_user,
            settings.upstream_per_workspace,
        )
        self.market = market or _market(
            settings,
            state,
            self.keys,
            self.clock,
            self.upstream_rate,
            self.alert_store,
            yahoo_prices or YahooPrices(),
            yahoo_funds or YahooFunds(),
            second_sources
            if second_sources is not None
            else (StooqPrices(settings.stooq_api_key), FredSeries(settings.fred_api_key)),
        )

        freshness = timedelta(seconds=settings.freshness_seconds)
        self.evaluator = Evaluator(self.alert_store, self.market.prices, self.watched, freshness)
        self.alerts = Alerts(
            self.alert_store,
            self.evaluator,
            self.market.prices,
            self.watched,
            self.clock,
            per_workspace=settings.rules_per_workspace,
            symbols_per_workspace=settings.symbols_per_workspace,
        )
        self.subscriptions = Subscriptions(self.summary_store, self.alerts, self.clock)
        self.workspaces = Workspaces(state, self.keys, self.alerts, self.subscriptions)
        self.operators = Operators(settings.operators)
        self.status = Status(
            settings,
            state,
            self.keys,
            self.clock,
            self.market,
            self.alert_store,
            self.summary_store,
            self.workspaces,
            self.job_records,
            self.failed_posts,
            self.operators,
        )
        limits = Limits(
            self.alerts.limit,
            settings.rules_per_workspace,
            settings.symbols_per_workspace,
            settings.upstream_per_user,
            settings.upstream_per_workspace,
        )
        self.answerer = Answerer(
            self.market,
            self.clock,
            self.status.for_asker,
            self.watched,
            self.alerts,
            self.subscriptions,
            limits,
            SharedAnswers(state, self.keys, self.clock, self.market.version),
        )
        self._built = True

    def __setattr__(self, name: str, value: Any) -> None:
        if getattr(self, "_built", False):
            raise AttributeError(f"the services are built once: {name} cannot be replaced")
        super().__setattr__(name, value)

    @property
    def redis(self) -> redis.Redis:
        """This process's Redis client (connecting now if nothing has yet)."""
        return self.connection.client()

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
        self.connection.close()


def _market(
    settings: Settings,
    state: Callable[[], redis.Redis],
    keys: Keys,
    clock: Clock,
    upstream_rate: UpstreamRate,
    alert_store: AlertStore,
    yahoo_prices: YahooPrices,
    yahoo_funds: YahooFunds,
    second_sources: Sequence[Upstream],
) -> MarketData:
    """CSV files when `SMALLCAPS_CSV_DIR` is set; otherwise each source's prices cached in
    Redis, a series from the first source that answers, and the funds Yahoo reports."""
    if settings.csv_dir is not None:
        files = CsvDirectory(settings.csv_dir, clock, settings.symbols_in_memory)
        return MarketData(files, files, files.version)
    interval = timedelta(seconds=settings.refresh_seconds)
    in_memory = settings.symbols_in_memory
    version = MarketVersion(state, keys)

    def watched_series() -> list[str]:
        """The series alert rules watch (read from `alerts:feeds`): their prices never expire."""
        return [s for feed in alert_store.feeds() for s in feed.symbols]

    expiry = PriceExpiry(keys, timedelta(seconds=settings.symbol_ttl_seconds), watched_series)
    caches = [
        CachedPrices(
            upstream,
            state,
            keys,
            clock,
            interval,
            expiry=expiry,
            in_memory=in_memory,
            before_upstream=upstream_rate.charge,
            version=version,
        )
        for upstream in (yahoo_prices, *second_sources)
    ]
    prices = SeriesPrices(caches, state, keys, clock, interval, in_memory)
    funds = RecordedFunds(yahoo_funds, state, keys, clock, version)
    return MarketData(prices, funds, version.current)


def _clock_of(settings: Settings) -> Clock:
    if settings.fixed_now:
        return FixedClock(settings.fixed_now)
    if settings.time_offset_seconds:
        return ShiftedClock(timedelta(seconds=settings.time_offset_seconds))
    return SystemClock()
