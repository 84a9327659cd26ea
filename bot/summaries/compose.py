"""What a daily summary says: the answers of a few commands, as of the session it describes.

Each section is the same answer `/smallcaps <command> as of <session>` gives, so the summary
and the commands never disagree. A section whose data is missing says why; the rest stand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from bot.asker import Asker
from bot.errors import UserFacingError
from bot.reports import Answer
from bot.summaries.schedule import early_close


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


Ask = Callable[[str, date, Asker], Answer]
"""`Answerer.answer`, as the summary uses it."""

SECTIONS = (
    ("Returns", "returns ytd"),
    ("Streak", "streak"),
    ("Sizes", "sizes 1d"),
    ("Levels", "levels rut"),
    ("Valuation", "valuation"),
    ("Sectors", "sectors 1d"),
)
CHART = "chart 1y"


def compose(ask: Ask, session: date, asker: Asker) -> SummaryReport:
    """The summary of `session` for `asker`'s workspace (whose watched levels it shows)."""
    parts = [_part(ask, name, text, session, asker) for name, text in SECTIONS]
    chart = _part(ask, "Chart", CHART, session, asker)
    return SummaryReport(session, early_close(session), parts, chart.answer)


def _part(ask: Ask, name: str, text: str, session: date, asker: Asker) -> SummaryPart:
    try:
        return SummaryPart(name, ask(text, session, asker))
    except UserFacingError as error:
        return SummaryPart(name, None, error.message)


def newest_session(summary: SummaryReport) -> date | None:
    """The newest session any section has prices for: the summary is ready when that is the
    session it describes."""
    days = [p.answer.as_of for p in summary.parts if p.answer and p.answer.as_of]
    return max(days, default=None)
