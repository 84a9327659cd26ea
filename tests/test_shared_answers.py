"""Answers shared by every workspace: computed once per data version, for every process, never
mixed with what belongs to a workspace, and never a reason to fail while Redis is away."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

import pytest
import redis
from prometheus_client import REGISTRY

from bot.answers import Answerer
from bot.asker import Asker
from bot.clock import EXCHANGE_TZ, FixedClock
from bot.commands.returns import ReturnsQuery
from bot.config import Settings
from bot.market.csv_files import CsvDirectory
from bot.market.data import MarketData
from bot.market.prices import PriceSet, SymbolFreshness
from bot.render.json import render_json
from bot.reports import Answer
from bot.services import Services
from bot.shared_answers import AWAY, SharedAnswers
from bot.store.keys import Keys
from bot.store.server import client_options
from tests.factories import StreakMarket, write_streak_market

QUESTIONS = ("streak", "returns ytd", "precedents", "sizes", "chart rut vs spx 1y")
A = Asker("TA", "CA1", "UA1")
B = Asker("TB", "CB1", "UB1")


def computed() -> float:
    """How many shared answers this process has computed so far."""
    return REGISTRY.get_sample_value("smallcaps_shared_answers_total", {"outcome": "computed"}) or 0


class CountedPrices:
    """The files, counting reads (one a streak computed), slowly when told."""

    def __init__(self, files: CsvDirectory, delay: float = 0.0) -> None:
        self.files = files
        self.label = files.label
        self.delay = delay
        self.reads = 0
        self._lock = threading.Lock()

    def closes(self, symbols: Sequence[str]) -> PriceSet:
        with self._lock:
            self.reads += 1
        time.sleep(self.delay)
        return self.files.closes(symbols)

    def freshness(self, symbols: Sequence[str]) -> list[SymbolFreshness]:
        return self.files.freshness(symbols)


@pytest.fixture
def facts(csv_dir: Path) -> StreakMarket:
    return write_streak_market(csv_dir)


def process(
    csv_dir: Path,
    redis_client: redis.Redis,
    keys: Keys,
    clock: FixedClock,
    home: Path,
    delay: float = 0.0,
) -> tuple[Services, CountedPrices]:
    """One web process on the files, its price reads counted."""
    files = CsvDirectory(csv_dir, clock)
    prices = CountedPrices(files, delay)
    settings = Settings(data=f"csv:{csv_dir}", key_prefix=keys.prefix, home=home)
    market = MarketData(prices, files, files.version)
    return Services(settings, clock=clock, redis_client=redis_client, market=market), prices


def shown(answer: Answer) -> dict[str, object]:
    return render_json(answer)


def test_a_question_asked_again_anywhere_is_not_computed_again(
    csv_dir: Path, facts: StreakMarket, redis_server: redis.Redis, keys: Keys, tmp_path: Path
) -> None:
    web, prices = process(csv_dir, redis_server, keys, facts.clock, tmp_path)
    other, other_prices = process(csv_dir, redis_server, keys, facts.clock, tmp_path)
    before = computed()
    first = web.answerer.answer("streak", asker=A)
    assert (computed() - before, prices.reads) == (1, 1)

    again = [
        web.answerer.answer("STREAK", asker=B),  # the query, not the text
        web.answerer.answer("streak"),
        other.answerer.answer("streak", asker=B),  # another process: from Redis
        other.answerer.answer("streak", asker=A),  # and then its own copy
    ]
    assert computed() - before == 1
    assert (prices.reads, other_prices.reads) == (1, 0)
    assert all(shown(answer) == shown(first) for answer in again)


def test_a_cold_answer_is_the_answer_computed_without_sharing(
    csv_dir: Path, facts: StreakMarket, redis_server: redis.Redis, keys: Keys, tmp_path: Path
) -> None:
    web, _ = process(csv_dir, redis_server, keys, facts.clock, tmp_path)
    unshared = Answerer(
        web.market,
        web.clock,
        web.status.for_asker,
        web.watched,
        web.alerts,
        web.subscriptions,
        web.answerer.limits,
    )
    for question in QUESTIONS:
        cold = web.answerer.answer(question, asker=A)
        warm = web.answerer.answer(question, asker=B)
        assert shown(cold) == shown(warm) == shown(unshared.answer(question, asker=A)), question


def test_concurrent_questions_in_two_processes_are_computed_once(
    csv_dir: Path, facts: StreakMarket, redis_server: redis.Redis, keys: Keys, tmp_path: Path
) -> None:
    one, one_prices = process(csv_dir, redis_server, keys, facts.clock, tmp_path, delay=0.3)
    two, two_prices = process(csv_dir, redis_server, keys, facts.clock, tmp_path, delay=0.3)
    before = computed()
    askers = [Asker(f"T{n}", f"C{n}", f"U{n}") for n in range(16)]
    with ThreadPoolExecutor(16) as pool:
        answers = list(
            pool.map(
                lambda n: (one, two)[n % 2].answerer.answer("returns ytd", asker=askers[n]),
                range(16),
            )
        )
    assert computed() - before == 1
    assert one_prices.reads + two_prices.reads == 1
    assert len({str(shown(answer)) for answer in answers}) == 1


def test_new_files_are_answered_at_once(
    csv_dir: Path, facts: StreakMarket, redis_server: redis.Redis, keys: Keys, tmp_path: Path
) -> None:
    web, _ = process(csv_dir, redis_server, keys, facts.clock, tmp_path)
    assert web.answerer.answer("streak").report.length == 6  # type: ignore[attr-defined]
    rut = csv_dir / "^RUT.csv"
    rows = rut.read_text().splitlines()
    last = rows[-1].split(",")
    last[4] = "1.0"  # the last session's close collapses: the streak ends
    rut.write_text("\n".join([*rows[:-1], ",".join(last)]) + "\n")
    assert web.answerer.answer("streak").report.length == 0  # type: ignore[attr-defined]


def test_before_and_after_the_close_are_two_answers(
    csv_dir: Path, facts: StreakMarket, redis_server: redis.Redis, keys: Keys, tmp_path: Path
) -> None:
    """At 15:50 the day's session has not closed: the answer is about the one before, and the
    answer at 16:10 (same files, same question) is not served from the afternoon's."""
    clock = FixedClock(datetime.combine(facts.last, clock_time(15, 50), EXCHANGE_TZ))
    web, _ = process(csv_dir, redis_server, keys, clock, tmp_path)
    afternoon = web.answerer.answer("streak")
    clock.at = datetime.combine(facts.last, clock_time(16, 10), EXCHANGE_TZ)
    evening = web.answerer.answer("streak")
    assert afternoon.as_of is not None and afternoon.as_of < facts.last
    assert afternoon.dating is not None and afternoon.dating.expected == afternoon.as_of
    assert evening.as_of == facts.last and evening.dating is not None
    assert evening.dating.expected == facts.last


def test_an_unreadable_shared_answer_is_computed_again(
    csv_dir: Path, facts: StreakMarket, redis_server: redis.Redis, keys: Keys, tmp_path: Path
) -> None:
    web, _ = process(csv_dir, redis_server, keys, facts.clock, tmp_path)
    first = web.answerer.answer("streak")
    stored = list(redis_server.scan_iter(match=f"{keys.prefix}answers:*"))
    assert len(stored) == 1
    redis_server.set(stored[0], b"not a pickle")
    other, prices = process(csv_dir, redis_server, keys, facts.clock, tmp_path)
    assert shown(other.answerer.answer("streak")) == shown(first)
    assert prices.reads == 1
    assert redis_server.get(stored[0]) != b"not a pickle"  # written over


def test_with_redis_away_answers_are_computed_as_before(
    csv_dir: Path, facts: StreakMarket, tmp_path: Path
) -> None:
    unreachable = redis.Redis(unix_socket_path=str(tmp_path / "no-such.sock"), **client_options())
    web, prices = process(csv_dir, unreachable, Keys(), facts.clock, tmp_path)
    answers = [web.answerer.answer("streak", asker=A) for _ in range(2)]
    assert answers[0].report.length == 6  # type: ignore[attr-defined]
    assert shown(answers[0]) == shown(answers[1])
    assert prices.reads == 2


def test_the_age_of_the_prices_is_counted_when_asked(
    csv_dir: Path, facts: StreakMarket, redis_server: redis.Redis, keys: Keys, tmp_path: Path
) -> None:
    clock = facts.clock
    fetched = (clock.at - timedelta(hours=1)).timestamp()
    for path in csv_dir.iterdir():  # fetched before the clock's now, as files are
        os.utime(path, (fetched, fetched))
    web, _ = process(csv_dir, redis_server, keys, clock, tmp_path)
    first = web.answerer.answer("streak")
    clock.at += timedelta(minutes=10)
    later = web.answerer.answer("streak")
    assert first.source is not None and later.source is not None
    assert first.source.age == timedelta(hours=1)
    assert later.source.age == timedelta(hours=1, minutes=10)


def test_after_redis_fails_it_is_left_alone_a_while(tmp_path: Path, facts: StreakMarket) -> None:
    """Each command to a Redis that is down waits out the connection's patience: one question
    pays it, and the next ones are computed at once until `AWAY` has passed."""
    unreachable = redis.Redis(unix_socket_path=str(tmp_path / "no-such.sock"), **client_options())
    asked: list[None] = []

    def client() -> redis.Redis:
        asked.append(None)
        return unreachable

    clock = facts.clock
    shared = SharedAnswers(client, Keys(), clock, lambda: "csv:same")
    answer = Answer("streak", None, None, ReturnsQuery())  # type: ignore[arg-type]
    for _ in range(3):
        assert shared.answer(("streak",), lambda: (answer, None)) is answer
    assert len(asked) == 1
    clock.at += AWAY
    shared.answer(("streak",), lambda: (answer, None))
    assert len(asked) == 2
