"""`unsubscribe daily`, `unsubscribe alerts`: stop a channel's daily summary or its built-in
alerts (the changes read as `subscribe`'s and `alert`'s do)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.commands.base import Command, Computed, Context
from bot.commands.subscribe import DAILY, nothing_or
from bot.errors import CommandError
from bot.help import Topic


@dataclass(frozen=True)
class DailyUnsubscribeQuery:
    pass


@dataclass(frozen=True)
class AlertsUnsubscribeQuery:
    pass


def parse(words: list[str], today: date | None) -> DailyUnsubscribeQuery | AlertsUnsubscribeQuery:
    kind = words[0].lower() if words else ""
    if kind == "alerts" and len(words) == 1:
        return AlertsUnsubscribeQuery()
    if kind in DAILY:
        if len(words) > 1:
            raise CommandError("`unsubscribe daily` takes nothing more", "unsubscribe daily")
        return DailyUnsubscribeQuery()
    raise CommandError(
        f"`unsubscribe` takes `daily` or `alerts`, not {nothing_or(words)}", "unsubscribe daily"
    )


def compute(
    ctx: Context, query: DailyUnsubscribeQuery | AlertsUnsubscribeQuery, on: date
) -> Computed:
    where = ctx.channel("subscriptions")
    if isinstance(query, AlertsUnsubscribeQuery):
        return Computed(ctx.alerts.unsubscribe(where.channel, where.workspace))
    return Computed(ctx.subscriptions.unsubscribe(where))


COMMAND = Command(
    name="unsubscribe",
    parse=parse,
    queries=(DailyUnsubscribeQuery, AlertsUnsubscribeQuery),
    compute=compute,
    presenters={},
    topic=Topic(
        "stop this channel's daily summary or its built-in alerts",
        ("unsubscribe daily", "unsubscribe alerts"),
        (),
        "unsubscribe daily",
    ),
    changes=(DailyUnsubscribeQuery, AlertsUnsubscribeQuery),
)
