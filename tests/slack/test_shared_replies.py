"""What is shown of a shared answer is made once for everyone who asks it alike: its Block Kit
message (`answer_reply`) and its chart (`answer_png`); an answer of one workspace's is made
each time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import redis

from bot.asker import Asker
from bot.config import Settings
from bot.market.data import MarketData
from bot.render import chart
from bot.services import Services
from bot.slack import replies
from bot.slack.views.answers import answer_message
from bot.slack.views.buttons import ask_value
from bot.store.keys import Keys
from tests.factories import write_streak_market

A = Asker("TA2", "CA2", "UA2")
B = Asker("TB2", "CB2", "UB2")


@pytest.fixture
def services(csv_dir: Path, redis_server: redis.Redis, keys: Keys, tmp_path: Path) -> Services:
    facts = write_streak_market(csv_dir)
    settings = Settings(data=f"csv:{csv_dir}", key_prefix=keys.prefix, home=tmp_path)
    return Services(settings, clock=facts.clock, redis_client=redis_server)


def counted(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[object]:
    """Counts the calls of `module.name` from now on."""
    calls: list[object] = []
    made: Callable[..., Any] = getattr(module, name)

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return made(*args, **kwargs)

    monkeypatch.setattr(module, name, counting)
    return calls


def test_a_shared_answers_message_is_made_once_for_every_workspace(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = counted(monkeypatch, replies, "answer_message")
    first = services.answerer.answer("streak", asker=A)
    message = replies.answer_reply(first, "streak")
    again = replies.answer_reply(services.answerer.answer("streak", asker=B), "streak")
    assert len(made) == 1 and again == message
    expected = answer_message(first, share_value=ask_value("streak", first.as_of))
    assert message == expected
    # asked in other words, the message's share button asks them: made for them
    other = replies.answer_reply(services.answerer.answer("STREAK", asker=B), "STREAK")
    assert len(made) == 2 and other != message


def test_a_workspaces_own_answer_is_made_each_time(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = counted(monkeypatch, replies, "answer_message")
    for asker in (A, A, B):
        replies.answer_reply(services.answerer.answer("levels", asker=asker), "levels")
    assert len(made) == 3


def test_a_shared_chart_is_drawn_once(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = counted(monkeypatch, chart, "chart_png")
    pngs = [
        chart.answer_png(services.answerer.answer("chart rut vs spx 1y", asker=asker))
        for asker in (A, B, A)
    ]
    assert len(drawn) == 1 and pngs[0] == pngs[1] == pngs[2]
    assert pngs[0].startswith(b"\x89PNG")


def test_a_chart_computed_without_sharing_is_drawn_each_time(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn = counted(monkeypatch, chart, "chart_png")
    unshared = Services(
        services.settings,
        clock=services.clock,
        redis_client=services.redis,
        market=MarketData(services.market.prices, services.market.funds),  # no version
    )
    for _ in range(2):
        chart.answer_png(unshared.answerer.answer("chart rut vs spx 1y"))
    assert len(drawn) == 2
