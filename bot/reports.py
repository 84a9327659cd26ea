"""What every answer shares: its source, its dating and the answer itself.

Each command's own figures (`StreakReport`, `LevelsReport`, ...) are plain data defined beside
what computes them (`bot/analytics/`, `bot/alerts/reports.py`, ...); `Report` is any of them.
Percentages are in percent (6.59 means +6.59%), "pts" are percentage points, dates are sessions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, ClassVar, Protocol

from bot.analytics.relative import ChartReport


@dataclass(frozen=True)
class Source:
    """Where an answer's prices came from and how fresh they were."""

    label: str
    fetched_at: datetime | None = None
    stale: bool = False
    age: timedelta | None = None
    """How old the prices were when the answer was computed."""
    due_at: datetime | None = None
    """When one of the prices is first due to be fetched again (None: never by itself): until
    then they change only when their data is written."""


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
    past_period: bool = False
    """The answer measures a period over before the date asked (a past year): `expected` is
    that period's last session."""

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
    chart: ChartReport | None = None
    """The picture that goes with the figures (small vs large rebased), where there is one."""
    shared_as: str | None = None
    """The name of a shared answer (`bot/shared_answers.py`): the same in every workspace and
    process that got it, for the same code, data and question; None when computed for one."""


class Report(Protocol):
    """Any command's figures: a plain dataclass, defined beside what computes it. The registry
    (`bot/commands/`) knows which command presents which report, so a new command adds none
    here."""

    __dataclass_fields__: ClassVar[dict[str, Any]]
