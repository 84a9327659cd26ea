"""Reports: the figures of one answer as plain data. Rendered as text, JSON and (later) Block Kit.

Percentages are in percent (6.59 means +6.59%), "pts" are percentage points, dates are sessions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta


@dataclass(frozen=True)
class Run:
    """A run of consecutive sessions in which A's daily return beat B's."""

    start: date
    end: date
    length: int


@dataclass(frozen=True)
class LongestSince:
    date: date
    length: int


@dataclass(frozen=True)
class StreakReport:
    a: str
    b: str
    session: date
    length: int
    start: date | None
    end: date | None
    a_return_pct: float | None
    b_return_pct: float | None
    spread_pts: float | None
    longest_since: LongestSince | None
    previous: Run | None
    percentile: float | None
    runs_on_record: int
    first_session: date


@dataclass(frozen=True)
class YearRank:
    """Where a year-to-date return ranks among all years at the same point of the year."""

    rank: int
    years: int
    percentile: float


@dataclass(frozen=True)
class ReturnRow:
    key: str
    symbol: str
    name: str
    return_pct: float | None
    vol_pct: float | None
    rank: YearRank | None = None
    note: str | None = None


@dataclass(frozen=True)
class ReturnsReport:
    period: str
    start: date
    end: date
    rows: list[ReturnRow]
    spread_pts: float | None


@dataclass(frozen=True)
class Forward:
    a: float
    b: float


@dataclass(frozen=True)
class Episode:
    start: date
    end: date
    length: int
    forward: dict[str, Forward | None]


@dataclass(frozen=True)
class HorizonSummary:
    horizon: str
    known: int
    a_led: int
    a_led_pct: float | None
    avg_a_pct: float | None
    avg_b_pct: float | None
    avg_spread_pts: float | None


@dataclass(frozen=True)
class PrecedentsReport:
    a: str
    b: str
    session: date
    min_length: int
    horizon: str
    episodes: list[Episode]
    summary: list[HorizonSummary]
    current: Run | None


@dataclass(frozen=True)
class SizeRow:
    segment: str
    key: str
    symbol: str
    name: str
    return_pct: float | None
    note: str | None = None


@dataclass(frozen=True)
class SizesReport:
    period: str
    start: date | None
    """None when no segment has any price: every row is n/a with its note."""
    end: date | None
    rows: list[SizeRow]
    rank_correlation: float | None
    order: str


@dataclass(frozen=True)
class Level:
    label: str
    value: float
    distance_pts: float
    distance_pct: float
    on: date | None = None
    """When a high or low was set; for a watched level, the last session that closed across
    it (None: never)."""
    watched: bool = False
    """One of the workspace's watched levels (`levels set`)."""


@dataclass(frozen=True)
class WatchedLevel:
    value: float
    label: str


@dataclass(frozen=True)
class WatchedLevelsReport:
    """A workspace's watched levels after a change: `action` is "set" or "removed"."""

    key: str
    action: str
    value: float
    label: str | None
    watched: list[WatchedLevel]


@dataclass(frozen=True)
class LevelsReport:
    key: str
    symbol: str
    session: date
    current: float
    levels: list[Level]
    support: Level | None
    """The nearest level below the close."""
    resistance: Level | None
    """The nearest level above the close."""


@dataclass(frozen=True)
class SectorRow:
    sector: str
    small: str
    large: str
    small_pct: float | None
    large_pct: float | None
    divergence_pts: float | None


@dataclass(frozen=True)
class SectorsReport:
    period: str
    start: date | None
    """None when no sector fund has any price: the table is all n/a and `missing` says why."""
    end: date | None
    rows: list[SectorRow]
    leaders: list[str]
    laggards: list[str]
    missing: list[str] = field(default_factory=list)
    """The funds with no prices, by symbol."""


@dataclass(frozen=True)
class ValuationRow:
    metric: str
    small: float | None
    large: float | None
    discount_pct: float | None
    percentile: float | None


@dataclass(frozen=True)
class ValuationReport:
    small: str
    large: str
    session: date | None
    """The last day recorded of both funds; None when none is."""
    rows: list[ValuationRow]
    recorded_days: int


@dataclass(frozen=True)
class FlowRow:
    symbol: str
    name: str
    assets: float | None
    flow_1d: float | None
    flow_5d: float | None
    days_recorded: int
    first_recorded: date | None
    last_recorded: date | None
    note: str | None = None


@dataclass(frozen=True)
class FlowsReport:
    """Implied net flows in dollars, from the fund assets the bot has recorded."""

    session: date
    rows: list[FlowRow]


@dataclass(frozen=True)
class MacroRow:
    key: str
    name: str
    value: float | None
    unit: str
    change_1d: float | None
    change_5d: float | None
    change_1m: float | None
    change_unit: str
    note: str | None = None


@dataclass(frozen=True)
class MacroReport:
    session: date
    rows: list[MacroRow]


@dataclass(frozen=True)
class ChartReport:
    """The points of a relative-performance chart: rebased lines and the A/B ratio."""

    a: str
    b: str
    period: str
    start: date
    end: date
    dates: list[date]
    a_rebased: list[float]
    b_rebased: list[float]
    ratio: list[float]
    ratio_average: list[float | None]
    a_return_pct: float
    b_return_pct: float


@dataclass(frozen=True)
class Usage:
    command: str
    summary: str
    forms: list[str]
    details: list[str]
    example: str


@dataclass(frozen=True)
class HelpReport:
    topic: str | None
    usages: list[Usage]
    general: list[str] = field(default_factory=list)
    """What holds for every command: dates, and which words are names."""


@dataclass(frozen=True)
class SymbolFreshness:
    symbol: str
    last_session: date | None
    fetched_at: datetime | None
    error: str | None = None
    failures: int = 0
    """Refreshes failed in a row."""
    retry_at: datetime | None = None
    """When a failing symbol is asked for again (the back-off)."""


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


@dataclass(frozen=True)
class RuleFigures:
    """A rule as parsed: what `alert test` replays and `--json` shows."""

    kind: str
    target: str
    symbols: list[str]
    direction: str
    level: float
    basis: str
    repeat: str
    band_pct: float
    cooldown_sessions: int
    text: str


@dataclass(frozen=True)
class AlertRuleLine:
    """One rule as `alert list` shows it."""

    id: int
    rule: RuleFigures
    state: str
    """armed, fired (waits to re-arm at `rearm_at`), re-arming, paused or retired."""
    fired: int
    last_fired: date | None
    rearm_at: float | None
    created_by: str
    builtin: bool
    rearm_side: str | None = None
    """The side of the fired leg that waits to re-arm (`up`, `down`), if one does."""
    quiet_until: date | None = None
    """The first session it may fire in again, when a cooldown of more than a session (or a
    band reached early) holds it."""


@dataclass(frozen=True)
class AlertListReport:
    channel: str
    rules: list[AlertRuleLine]
    limit: int


@dataclass(frozen=True)
class AlertChangeReport:
    """A rule added, removed, paused or resumed, or the built-in alerts (un)subscribed."""

    action: str
    rules: list[AlertRuleLine]
    present: str | None = None
    """Where the target stands now: "already above 2,750.00 (...): I will alert on the next
    cross"."""


@dataclass(frozen=True)
class ReplayFiring:
    date: date
    price: float


@dataclass(frozen=True)
class AlertTestReport:
    rule: RuleFigures
    since: date
    until: date
    firings: list[ReplayFiring]
    note: str | None = None
    """How the replay differs from live evaluation (intraday rules replay on closes)."""


@dataclass(frozen=True)
class AlertMessage:
    """One firing, as it is posted: the rule, the level, the price and time, the move that
    caused it and its context."""

    firing: str
    rule_id: int
    channel: str
    rule: str
    target: str
    kind: str
    side: str
    level: float
    unit: str
    value: float
    previous: float
    price: float | None
    previous_price: float | None
    at: datetime
    session: date
    late: bool
    retired: bool
    rearm_at: float | None
    streak: int | None = None
    next_level: WatchedLevel | None = None
    quiet_until: date | None = None
    """The first session the rule may fire in again, when its cooldown is longer than one."""
    longest_since: LongestSince | None = None
    """For a longest-since alert: the earlier run the streak beat (None: longest on record)."""


@dataclass(frozen=True)
class DailySubscriptionLine:
    """A channel's daily summary as `subscriptions` shows it."""

    at: str
    """"09:15"."""
    zone: str
    next_due: datetime
    next_session: date | None
    """The session the next summary describes, when that session is already on the calendar."""
    created_by: str
    created_at: datetime


@dataclass(frozen=True)
class DailyChangeReport:
    """A daily summary subscribed, moved to another time, or unsubscribed."""

    action: str
    subscription: DailySubscriptionLine
    previous: str | None = None
    """The time it had before a change: "16:30 America/New_York"."""


@dataclass(frozen=True)
class SubscriptionsReport:
    channel: str
    daily: DailySubscriptionLine | None
    builtin_alerts: bool
    alerts: AlertListReport


Report = (
    StreakReport
    | ReturnsReport
    | PrecedentsReport
    | SizesReport
    | LevelsReport
    | SectorsReport
    | ValuationReport
    | FlowsReport
    | MacroReport
    | ChartReport
    | WatchedLevelsReport
    | HelpReport
    | StatusReport
    | AlertListReport
    | AlertChangeReport
    | AlertTestReport
    | DailyChangeReport
    | SubscriptionsReport
)


@dataclass(frozen=True)
class Source:
    """Where an answer's prices came from and how fresh they were."""

    label: str
    fetched_at: datetime | None = None
    stale: bool = False
    age: timedelta | None = None
    """How old the prices were when the answer was computed."""


@dataclass(frozen=True)
class ShortSeries:
    """A series whose data ends before the session an answer should describe."""

    name: str
    symbol: str
    last: date


@dataclass(frozen=True)
class Dating:
    """The date asked, the session that date calls for, and why the answer may differ."""

    requested: date | None
    """The as-of date asked for; None when the question was about now."""
    expected: date | None
    """The session the answer should describe: the newest closed one for now, else the last
    session on or before the date asked (None before the calendar's first session)."""
    answered: date
    no_session: str | None = None
    """Why the date asked is no session ("a Saturday", "an NYSE holiday"), if it is not."""
    short: list[ShortSeries] = field(default_factory=list)

    @property
    def moved(self) -> bool:
        """Whether the answer describes another session than the one asked for, or leans on
        data that ends before it."""
        return bool(self.no_session or self.short or self.answered != self.expected)


@dataclass(frozen=True)
class Answer:
    """One answered command: what was asked, the session it describes, its source and figures."""

    command: str
    as_of: date | None
    source: Source | None
    report: Report
    dating: Dating | None = None
    """How the session answered relates to the date asked (None for answers about no session)."""


@dataclass(frozen=True)
class SummaryPart:
    """One section of a daily summary: its answer, or why it is missing."""

    name: str
    answer: Answer | None
    missing: str | None = None


@dataclass(frozen=True)
class SummaryReport:
    """The daily summary of one session: the same for every channel of a workspace."""

    session: date
    early_close: datetime | None
    """When the session closed, if early (13:00 New York on half days)."""
    parts: list[SummaryPart]
    chart: Answer | None
    """The chart answer (a ChartReport), drawn once and attached to every channel's summary."""
