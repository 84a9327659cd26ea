"""What a command is: its name, how its words are read, how it computes its report from the
bot's parts, how that reads, and what `help` says of it.

Each command module (`bot/commands/levels.py`, ...) declares one `Command`; what every command's
words share (dates, names, periods) is in `bot/grammar.py`, the renderers in `bot/render/`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from bot.analytics.relative import ChartReport, relative_performance
from bot.analytics.series import History
from bot.asker import Asker
from bot.errors import CommandError, UserFacingError
from bot.grammar import Parser
from bot.help import Topic
from bot.limits import Limits
from bot.render.layout import Document
from bot.reports import Report, Source
from bot.universe import Instrument

if TYPE_CHECKING:
    from bot.alerts.service import Alerts
    from bot.clock import Clock
    from bot.market.data import MarketData
    from bot.status import StatusReport, WorkspaceStatusReport
    from bot.summaries.subscriptions import Subscriptions
    from bot.watched_levels import WatchedLevelsStore


@dataclass
class Context:
    """The bot's parts a command computes with, who asks, the histories it read (which the
    answer's dating checks) and when the prices it read are first due to be fetched again.

    Commands read prices through `histories` (or `read`, for prices that do not date the
    answer), never `market.histories`: an answer shared across workspaces holds only until
    `due_at`."""

    market: MarketData
    clock: Clock
    watched: WatchedLevelsStore
    alerts: Alerts
    subscriptions: Subscriptions
    status: Callable[[Asker | None], StatusReport | WorkspaceStatusReport]
    """The status `asker` may see: the operator's, or their workspace's own."""
    asker: Asker | None
    limits: Limits = field(default_factory=Limits)
    """The bounds in force, which `help` states."""
    used: list[History] = field(default_factory=list)
    due_at: datetime | None = None

    @property
    def workspace(self) -> str | None:
        return self.asker.workspace if self.asker else None

    def histories(self, instruments: Sequence[Instrument]) -> tuple[list[History], Source]:
        """The instruments' histories, which date the answer."""
        histories, source = self.read(instruments)
        self.used.extend(histories)
        return histories, source

    def read(self, instruments: Sequence[Instrument]) -> tuple[list[History], Source]:
        """The instruments' histories, noting when they are first due to be fetched again."""
        histories, source = self.market.histories(instruments)
        if source.due_at is not None:
            self.due_at = min(source.due_at, self.due_at or source.due_at)
        return histories, source

    def channel(self, what: str) -> Asker:
        """The asker, for what belongs to a channel; an error where there is none."""
        if self.asker is None:
            raise CommandError(
                f"{what} belong to a channel: use them in Slack or the console", "help"
            )
        return self.asker


@dataclass(frozen=True)
class Computed:
    """A command's report, the session it describes (None for answers about no session) and
    where its prices came from."""

    report: Report
    session: date | None = None
    source: Source | None = None
    chart: ChartReport | None = None
    """The picture that goes with the figures, where there is one."""
    period_end: date | None = None
    """The last day of the period measured, when the answer measures one (a year's 12-31): a
    period over before the date asked is answered as of its own last session, not "data ends"."""


def rebased(a: History, b: History, on: date, period: str) -> ChartReport | None:
    """A and B rebased to 100 over `period`, when both have prices for it (else no picture)."""
    if a.closes is None or b.closes is None or a.closes.empty or b.closes.empty:
        return None
    try:
        return relative_performance(a.closes, b.closes, on, period, a.key, b.key)
    except UserFacingError:
        return None


@dataclass(frozen=True)
class Choice:
    """Something to ask next from an answer, offered as a button: another period, a chart."""

    label: str
    text: str
    """The command it asks, as a person would type it."""
    chart: bool = False
    """It draws a chart into the channel rather than answering in place."""


def no_choices(report: Any) -> list[Choice]:
    return []


PERIOD_CHOICES = ("1d", "5d", "ytd", "1y")
"""The periods an answer offers to switch to."""


def periods(current: str, text: Callable[[str], str]) -> list[Choice]:
    """A choice of each other period: `text(period)` asks for it."""
    return [Choice(p.upper(), text(p)) for p in PERIOD_CHOICES if p != current]


@dataclass(frozen=True)
class Presenter:
    """How one kind of report reads: its one-sentence headline, its document, and what it
    offers to ask next."""

    headline: Callable[[Any], str]
    document: Callable[[Any], Document]
    choices: Callable[[Any], list[Choice]] = no_choices


@dataclass(frozen=True)
class Command:
    """One command: its name, how its words read into its queries, how it answers them, how its
    reports read, and its help."""

    name: str
    parse: Parser
    queries: tuple[type, ...]
    compute: Callable[[Context, Any, date], Computed]
    presenters: dict[type, Presenter]
    topic: Topic
    synonyms: tuple[str, ...] = ()
    """Other words for its name (`perf` for `returns`)."""
    changes: tuple[type, ...] = ()
    """Queries that change state: they act now, never as of a past date."""
    shared: tuple[type, ...] = ()
    """Queries whose answer depends on market data alone, never on who asks (no workspace's
    levels, rules, channels or status): computed once per data version and served to every
    workspace and process (`bot/shared_answers.py`)."""
