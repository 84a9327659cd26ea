"""What a workspace makes never reaches another through shared answers: a shared question is
computed from market data alone, and what depends on a workspace is never shared."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import pytest
import redis

from bot.asker import Asker
from bot.commands import COMMANDS, parse
from bot.commands.base import Context
from bot.config import Settings
from bot.errors import CommandError
from bot.render.text import render_text
from bot.services import Services
from bot.store.keys import Keys
from tests.factories import StreakMarket, write_streak_market

A = Asker("TA1", "CA1", "UA1")
B = Asker("TB1", "CB1", "UB1")
SECRET = "Aonly"
"""A label only workspace A gave its watched level."""


@pytest.fixture
def facts(csv_dir: Path) -> StreakMarket:
    return write_streak_market(csv_dir)


@pytest.fixture
def services(
    csv_dir: Path, facts: StreakMarket, redis_server: redis.Redis, keys: Keys, tmp_path: Path
) -> Services:
    settings = Settings(data=f"csv:{csv_dir}", key_prefix=keys.prefix, home=tmp_path)
    return Services(settings, clock=facts.clock, redis_client=redis_server)


class Untouchable:
    """A part of the bot that holds a workspace's state: a shared question must not read it."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __getattr__(self, attribute: str) -> NoReturn:
        raise AssertionError(f"a shared question read {self.name}.{attribute}")

    def __call__(self, *args: Any) -> NoReturn:
        raise AssertionError(f"a shared question called {self.name}")


def test_a_shared_question_reads_market_data_alone(services: Services) -> None:
    """Each command's shared queries, asked as its help's example and bare, computed with every
    workspace part of the bot out of reach and nobody asking."""
    today = date(2025, 10, 17)
    asked: set[type] = set()
    for command in COMMANDS:
        for text in dict.fromkeys((command.name, command.topic.example)):
            try:
                query = parse(text, today).query
            except CommandError:  # `alert` alone says what to add
                continue
            if not isinstance(query, command.shared):
                continue
            context = Context(
                services.market,
                services.clock,
                Untouchable("watched levels"),  # type: ignore[arg-type]
                Untouchable("alerts"),  # type: ignore[arg-type]
                Untouchable("subscriptions"),  # type: ignore[arg-type]
                Untouchable("status"),
                None,
                services.answerer.limits,
            )
            try:
                command.compute(context, query, today)
            except AssertionError:
                raise
            except Exception:  # no data for it in this market: what it read is what counts
                pass
            asked.add(type(query))
    declared = {query for command in COMMANDS for query in command.shared}
    assert asked == declared  # every shared query was asked


def test_workspace_b_never_gets_workspace_as_levels(services: Services) -> None:
    answer = services.answerer.answer
    answer(f"levels set 2345.67 {SECRET}", asker=A)
    assert SECRET in render_text(answer("levels", asker=A))
    assert SECRET not in render_text(answer("levels", asker=B))
    assert SECRET in render_text(answer("levels", asker=A))


def test_nothing_of_workspace_a_reaches_workspace_b(services: Services) -> None:
    """A has watched levels, an alert rule and a daily summary; every question A asks first and
    B asks after reads nothing of A's."""
    answer = services.answerer.answer
    answer(f"levels set 2345.67 {SECRET}", asker=A)
    answer("alert add rut above 2345.67", asker=A)
    answer("subscribe daily 17:00", asker=A)
    questions = [
        *(command.topic.example for command in COMMANDS),
        "levels",
        "alert list",
        "subscriptions",
        "status",
    ]
    for question in questions:
        for asker in (A, B):
            try:
                text = render_text(answer(question, asker=asker))
            except Exception as error:  # a refusal says nothing of A either
                text = str(error)
            if asker is B:
                for mark in (SECRET, "2,345.67", A.workspace, A.channel, A.user):
                    assert mark not in text, (question, mark)
