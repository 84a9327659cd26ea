"""Alerts as plain data: a rule as parsed, a rule as `alert list` shows it, the answers to `alert
...` commands, and one firing as it is posted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.analytics.levels import WatchedLevel
from bot.analytics.streak import LongestSince


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
    held: str | None = None
    """Why the last evaluation held this rule's feed (its prices missing or stale), if it
    did: the rule fires nothing until they are fresh."""


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
    change: float | None = None
    """For a rule read either way, the day's figure that fired it, with its sign: the move
    in %, the small-minus-large spread in pts, the change in cuts priced."""


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
    workspace: str = ""
    """The workspace of the rule's channel: whose token posts it."""
    figure: float | None = None
    """For a rule read either way, `value` with its sign: a fall of 2.33% is -2.33."""
    source: str = ""
    """Where the prices came from when not from the first source ("Russell 2000 from Stooq
    after 2026-11-27"), else empty."""
