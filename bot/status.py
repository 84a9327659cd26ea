"""What `status` reports, as plain data (built by the stores that know each): to an operator,
data freshness by group, Redis, alerts, summaries, the clock and its jobs; to a workspace, the
market data and its own rules, feeds and summaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.market.prices import SymbolFreshness


@dataclass(frozen=True)
class AlertsStatus:
    rules: int
    """Alert rules in every channel, built-in ones included."""
    watching: int
    """Legs of rules that can still fire (a `crosses` rule has two)."""
    last_tick: datetime | None
    held: str
    """Why the last evaluation could fire nothing (stale data), or empty."""
    waiting: int
    """Firings not yet posted."""
    holds: dict[str, str] = field(default_factory=dict)
    """The feeds the last evaluation held (their own prices missing or stale), and why."""


@dataclass(frozen=True)
class FailedPost:
    """A post given up for good: an alert or a daily summary that will not be posted."""

    kind: str
    """alert or summary."""
    workspace: str
    channel: str
    at: datetime
    reason: str


@dataclass(frozen=True)
class FailedPostsStatus:
    by_workspace: dict[str, int]
    """Posts given up for good, by workspace, since the record began."""
    recent: list[FailedPost]
    """The newest of them, newest first."""
    unreadable_installations: int = 0
    """Installations no key of SMALLCAPS_TOKEN_KEY opens: their posts wait for the key."""

    @property
    def total(self) -> int:
        return sum(self.by_workspace.values())

    def of(self, workspace: str) -> FailedPostsStatus:
        """What one workspace may see: its own failed posts only."""
        return FailedPostsStatus(
            {w: n for w, n in self.by_workspace.items() if w == workspace},
            [post for post in self.recent if post.workspace == workspace],
        )


@dataclass(frozen=True)
class SummariesStatus:
    subscribed: int
    """Channels with a daily summary."""
    next_due: datetime | None
    last_run: datetime | None
    last_figures: dict[str, int] = field(default_factory=dict)
    """What the last dispatch did: posted, skipped, retrying, unsubscribed, rendered."""


@dataclass(frozen=True)
class DataGroup:
    """The freshness of one group of symbols (indices, ETFs, sectors, macro)."""

    name: str
    symbols: list[SymbolFreshness]


@dataclass(frozen=True)
class SourceHealth:
    """One source's record for one series, for `status` and `/metrics`."""

    source: str
    """The source's label: "Yahoo Finance, delayed", "Stooq", "FRED"."""
    code: str
    last_success: datetime | None
    failures: int
    """Refreshes failed in a row."""
    error: str | None
    retry_at: datetime | None


@dataclass(frozen=True)
class SeriesHealth:
    series: str
    sources: list[SourceHealth]
    answered_by: str | None
    """The source that answered last, by label; None before any answer was recorded."""
    since: datetime | None


@dataclass(frozen=True)
class JobStatus:
    """One clock job's record."""

    name: str
    runs: int
    failures: int
    last_success: datetime | None
    last_error_at: datetime | None
    last_error: str = ""


@dataclass(frozen=True)
class ClockStatus:
    """Which clock process holds the lease, and until when unless it renews it."""

    holder: str | None
    until: datetime | None


@dataclass(frozen=True)
class StatusReport:
    source: str
    redis: str
    symbols: list[SymbolFreshness] = field(default_factory=list)
    alerts: AlertsStatus | None = None
    summaries: SummariesStatus | None = None
    groups: list[DataGroup] = field(default_factory=list)
    jobs: list[JobStatus] | None = None
    """None when Redis, where they are recorded, is unavailable."""
    clock: ClockStatus | None = None
    sources: list[SeriesHealth] = field(default_factory=list)
    """Each series' sources and which answered last (live data only)."""
    failed_posts: FailedPostsStatus | None = None
    """None when Redis, where they are recorded, is unavailable."""


@dataclass(frozen=True)
class FeedHealth:
    """One feed a workspace's rules read: how many of its rules read it, its newest
    observation, and the freshness of its symbols."""

    name: str
    rules: int
    last_observed: datetime | None
    symbols: list[SymbolFreshness]
    held: str | None = None
    """Why the last evaluation held this feed (its own prices missing or stale), if it did."""


@dataclass(frozen=True)
class WorkspaceRules:
    """A workspace's own alert rules, in its own channels."""

    rules: int
    channels: int
    watching: int
    """Its rules that can still fire (not paused, not retired)."""
    paused: int
    waiting: int
    """Its firings not yet posted."""
    last_tick: datetime | None
    held: str


@dataclass(frozen=True)
class ChannelSummary:
    channel: str
    next_due: datetime


@dataclass(frozen=True)
class WorkspaceStatusReport:
    """`status` as a workspace sees it: the public market data, its own rules, feeds and daily
    summaries; nothing of the processes, Redis or other workspaces."""

    source: str
    groups: list[DataGroup] = field(default_factory=list)
    alerts: WorkspaceRules | None = None
    """None when the state store cannot be read."""
    feeds: list[FeedHealth] = field(default_factory=list)
    summaries: list[ChannelSummary] | None = None
    """Its channels' daily summaries; None when the state store cannot be read."""
    failed_posts: FailedPostsStatus | None = None
    """Its own posts given up for good; None when the state store cannot be read."""
