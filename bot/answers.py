"""Answering a command: read the text (or take the typed query a menu or form chose), find its
command, compute its report, date the answer.

Every front end (the one-shot `ask`, the console, Slack) goes through `Answerer.answer`; each
command's computing lives in its own module under `bot/commands/`. A question a command
declares shared (market data alone) is computed without knowing who asks, once per data
version for every workspace (`bot/shared_answers.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from bot.alerts.service import Alerts
from bot.asker import Asker
from bot.clock import EXCHANGE_TZ, Clock
from bot.commands import Question, command_for, parse
from bot.commands.base import Command, Context
from bot.dating import dating
from bot.days import check_day
from bot.errors import CommandError
from bot.limits import Limits
from bot.market.data import MarketData
from bot.reports import Answer
from bot.shared_answers import SharedAnswers
from bot.status import StatusReport, WorkspaceStatusReport
from bot.summaries.subscriptions import Subscriptions
from bot.trading_calendar import last_close
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
        shared: SharedAnswers | None = None,
    ) -> None:
        """`shared` keeps the answers every workspace shares (None: each is computed)."""
        self.limits = limits or Limits()
        self.shared = shared
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
        now = self.clock.now()
        today = now.astimezone(EXCHANGE_TZ).date()
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
        requested = parsed.as_of or as_of
        if not isinstance(parsed.query, command.shared):
            return self._computed(command, parsed, day, requested, now, asker)[0]
        if self.shared is None:
            return self._computed(command, parsed, day, requested, now, None)[0]
        # Everything the answer depends on besides the data: its dating reads `now` only
        # through today and the last close.
        question = (parsed.name, parsed.query, day, requested, today, last_close(now))
        answer = self.shared.answer(
            question, lambda: self._computed(command, parsed, day, requested, now, None)
        )
        return _aged(answer, now)

    def _computed(
        self,
        command: Command,
        parsed: Question,
        day: date,
        requested: date | None,
        now: datetime,
        asker: Asker | None,
    ) -> tuple[Answer, datetime | None]:
        """The answer, and when the prices it read are first due to be fetched again."""
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
        session = computed.session
        dates = (
            dating(requested, now, session, day, context.used, computed.period_end)
            if session
            else None
        )
        answer = Answer(
            parsed.name, session, computed.source, computed.report, dates, computed.chart
        )
        return answer, context.due_at


def _aged(answer: Answer, now: datetime) -> Answer:
    """A shared answer as read at `now`: its prices' age counted to now."""
    source = answer.source
    if source is None or source.fetched_at is None:
        return answer
    return replace(answer, source=replace(source, age=now - source.fetched_at))
