"""`status` and readiness, computed: the operator's view (processes, Redis, every store), a
workspace's own view, whether this process is ready to serve, and where its data and state are."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

import redis

from bot.alerts.machine import State
from bot.alerts.rules import AlertRule, Feed
from bot.alerts.store import AlertStore
from bot.asker import Asker
from bot.clock import Clock
from bot.config import Settings
from bot.failed_posts import FailedPosts
from bot.job_records import JobRecords
from bot.market.data import MarketData
from bot.market.series import SeriesPrices
from bot.operators import Operators
from bot.status import (
    ChannelSummary,
    ClockStatus,
    DataGroup,
    FeedHealth,
    SeriesHealth,
    StatusReport,
    WorkspaceRules,
    WorkspaceStatusReport,
)
from bot.store.keys import Keys
from bot.store.lease import lease_holder
from bot.summaries.store import SummaryStore
from bot.universe import ETFS, FED, INDICES, MACRO, RUT, SECTORS, SPX, VALUATION_PAIR
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


class Status:
    """What `status`, `/ready` and the console's first line show, each part read from the store
    that knows it; each part says "unknown" rather than fail while Redis is unavailable."""

    def __init__(
        self,
        settings: Settings,
        redis_client: Callable[[], redis.Redis],
        keys: Keys,
        clock: Clock,
        market: MarketData,
        alert_store: AlertStore,
        summary_store: SummaryStore,
        workspaces: Workspaces,
        job_records: JobRecords,
        failed_posts: FailedPosts,
        operators: Operators,
    ) -> None:
        self.settings = settings
        self._redis = redis_client
        self.keys = keys
        self.clock = clock
        self.market = market
        self.alert_store = alert_store
        self.summary_store = summary_store
        self.workspaces = workspaces
        self.job_records = job_records
        self.failed_posts = failed_posts
        self.operators = operators

    def for_asker(self, asker: Asker | None) -> StatusReport | WorkspaceStatusReport:
        """The operator's status for an operator, else the asker's own workspace's."""
        if asker is None or self.operators.include(asker):
            return self.of_operator()
        return self.of_workspace(asker.workspace)

    def of_operator(self) -> StatusReport:
        """Everything an operator asks first."""
        groups = self._data_groups()
        freshness = {s.symbol: s for group in groups for s in group.symbols}
        return StatusReport(
            source=self.market.label,
            redis=self.redis_health(),
            symbols=[freshness[s] for s in STATUS_SYMBOLS],
            alerts=_unless_down(self.alert_store.status),
            summaries=_unless_down(self.summary_store.status),
            groups=groups,
            jobs=_unless_down(self.job_records.all),
            clock=_unless_down(self._clock),
            sources=self.source_health(),
            failed_posts=_unless_down(self.failed_posts.status),
        )

    def of_workspace(self, workspace: str) -> WorkspaceStatusReport:
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
            failed_posts=_unless_down(lambda: self.failed_posts.of(workspace)),
        )

    def readiness(self) -> tuple[bool, dict[str, str]]:
        """Ready to serve: Redis answers and the data cache has prices; never asks Yahoo."""
        redis_state = self.redis_health()
        fresh = []
        if redis_state.startswith("ok"):
            fresh = [s for s in self.market.prices.freshness((RUT.symbol,)) if s.last_session]
        data_state = f"ok ({fresh[0].last_session})" if fresh else "no cached prices"
        checks = {"app": "ok", "redis": redis_state, "data": data_state}
        return redis_state.startswith("ok") and bool(fresh), checks

    def redis_health(self) -> str:
        where = f"embedded, {self.settings.home}"
        if self.settings.sentinels:
            where = "REDIS_SENTINELS"
        elif self.settings.redis_url:
            where = "REDIS_URL"
        try:
            self._redis().ping()
        except (redis.RedisError, OSError) as error:
            return f"unreachable ({where}): {error}"
        return f"ok ({where})"

    def source_health(self) -> list[SeriesHealth]:
        """Each series' sources and which answered last; empty on CSV files (one source)."""
        prices = self.market.prices
        if not isinstance(prices, SeriesPrices):
            return []
        try:
            return prices.health([s for _, group in STATUS_GROUPS for s in group])
        except (redis.RedisError, OSError):
            return []

    def where(self) -> str:
        """Where the data comes from and the state is kept, for the operator's eyes (the
        console's first line): "data: CSV files in /srv/market · state: embedded Redis in
        .smallcaps"."""
        csv_dir = self.settings.csv_dir
        data = f"CSV files in {csv_dir}" if csv_dir else self.market.label
        url = self.settings.redis_url
        if self.settings.sentinels:
            state = f"Redis, the {self.settings.sentinels.where()} (REDIS_SENTINELS)"
        elif url:
            parts = urlsplit(url)
            place = f"{parts.scheme}://{parts.hostname or ''}:{parts.port or 6379}{parts.path}"
            state = f"Redis at {place} (REDIS_URL)"
        else:
            state = f"embedded Redis in {self.settings.home}"
        return f"data: {data} · state: {state}"

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

    def _clock(self) -> ClockStatus:
        holder, left = lease_holder(self._redis(), self.keys.clock_lease())
        return ClockStatus(holder, self.clock.now() + left if left is not None else None)


def _unless_down(read: Callable[[], R]) -> R | None:
    """What `read` finds in Redis, or None while Redis is unavailable."""
    try:
        return read()
    except (redis.RedisError, OSError):
        return None
