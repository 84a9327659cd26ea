"""What `help` says: the shape of one command's help (`Topic`), what holds for every command, and
the report `help` answers with. Each command declares its own topic in `bot/commands/<name>.py`.

The grammar takes its examples from the topics, so an error's "Try:" and `help` never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.analytics.returns import PERIODS
from bot.limits import Limits
from bot.names import RULE


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


PERIOD_LIST = " ".join(PERIODS)
"""Every period a table or chart takes, in order."""

PERIODS_LINE = f"Periods: {PERIOD_LIST}, or a calendar year such as 2013."
AS_OF_LINE = "Any question takes `as of YYYY-MM-DD` (or `--as-of YYYY-MM-DD`)."


@dataclass(frozen=True)
class Topic:
    """One command as `help <command>` explains it."""

    summary: str
    forms: tuple[str, ...]
    """How it is typed, one form a line: `streak [A vs B]`."""
    details: tuple[str, ...] = ()
    """Its periods, options and their bounds."""
    example: str = ""
    limits: Callable[[Limits], str] | None = None
    """Its line on the bounds in force, when it has one (not the defaults: the bot's)."""


def rate_line(limits: Limits) -> str:
    """What `help` says of the rate of answers that reach a data source."""
    return (
        "Answers that need fresh data from the sources (a symbol nobody asked for lately, say): "
        f"{limits.upstream_per_user} a minute per person, {limits.upstream_per_workspace} per "
        "workspace; past that, the bot says how many seconds to wait."
    )


GENERAL = (AS_OF_LINE, RULE)
"""What `help` says about every command, besides the rate of answers (`rate_line`)."""
