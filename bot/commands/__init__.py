"""Every command, each in its own module: how it computes its report, its headline and its
document. `command_for` finds the one answering a query, `presenter` how a report reads."""

from __future__ import annotations

from typing import Any

from bot.commands import (
    alert,
    chart,
    fed,
    flows,
    help,
    levels,
    macro,
    precedents,
    returns,
    sectors,
    sizes,
    status,
    streak,
    subscriptions,
    valuation,
)
from bot.commands.base import Command, Presenter

COMMANDS: tuple[Command, ...] = tuple(
    module.COMMAND
    for module in (
        streak,
        returns,
        precedents,
        sizes,
        levels,
        sectors,
        chart,
        valuation,
        flows,
        macro,
        fed,
        status,
        alert,
        subscriptions,
        help,
    )
)

_BY_QUERY = {query: command for command in COMMANDS for query in command.queries}
_BY_REPORT = {kind: p for command in COMMANDS for kind, p in command.presenters.items()}


def command_for(query: Any) -> Command:
    return _BY_QUERY[type(query)]


def presenter(report: Any) -> Presenter:
    return _BY_REPORT[type(report)]
