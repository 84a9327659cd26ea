"""Answering a command: read the text (or take the typed query a menu or form chose), find its
command, compute its report, date the answer.

Every front end (the one-shot `ask`, the console, Slack) goes through `Answerer.answer`; each
command's computing lives in its own module under `bot/commands/`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from bot.alerts.service import Alerts
from bot.asker import Asker
from bot.clock import Clock, exchange_today
from bot.commands import Question, command_for, parse
from bot.commands.base import Context
from bot.dating import dating
from bot.days import check_day
from bot.errors import CommandError
from bot.limits import Limits
from bot.market.data import MarketData
from bot.reports import Answer
from bot.status import StatusReport, WorkspaceStatusReport
from bot.summaries.subscriptions import Subscriptions
from bot.watched_levels import WatchedLevelsStore


class Answerer:
    def __init__(
        self,
        market: MarketData,
        clock: Clock,
        status: Callable[[Asker | None], StatusReport | WorkspaceStatusReport],
        watched: WatchedLevelsStore,
        alerts: Alerts,
        subscriptions: Subscriptions,
        limits: Limits | None = None,
    ) -> None:
        self.limits = limits or Limits()
        self.market = market
        self.clock = clock
        self.status = status
        self.watched = watched
        self.alerts = alerts
        self.subscriptions = subscriptions

    def answer(
        self, text_or_query: str | Any, as_of: date | None = None, asker: Asker | None = None
    ) -> Answer:
        """The answer to a text as typed, or to a command's query as a menu or form chose it, as
        it would have been given on `as_of` (default: today), for `asker` (whose workspace's
        watched levels apply, and whose channel's alerts)."""
        today = exchange_today(self.clock)
        if isinstance(text_or_query, str):
            parsed = parse(text_or_query, today)
        else:
            parsed = Question(command_for(text_or_query).name, text_or_query)
        command = command_for(parsed.query)
        if isinstance(parsed.query, command.changes) and (parsed.as_of or as_of):
            raise CommandError(
                f"`{parsed.name}` changes what happens from now on: drop the as-of date",
                command.topic.example,
            )
        if as_of and parsed.as_of and as_of != parsed.as_of:
            raise CommandError(
                f"'as of {parsed.as_of}' and 'as of {as_of}' both give the as-of date: keep one",
                "streak as of 2026-01-20",
            )
        day = check_day(parsed.as_of or as_of or today, f"{parsed.name} as of {today}")
        if day > today:
            raise CommandError(
                f"{day.isoformat()} is in the future: ask about a past date",
                f"{parsed.name} as of {today.isoformat()}",
            )
        context = Context(
            self.market,
            self.clock,
            self.watched,
            self.alerts,
            self.subscriptions,
            self.status,
            asker,
            self.limits,
        )
        computed = command.compute(context, parsed.query, day)
        requested = parsed.as_of or as_of
        session = computed.session
        dates = (
            dating(requested, self.clock.now(), session, day, context.used, computed.period_end)
            if session
            else None
        )
        return Answer(parsed.name, session, computed.source, computed.report, dates, computed.chart)
