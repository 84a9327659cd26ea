"""Posting from the outbox: claimed before posting, so never twice; retried when Slack fails
for a passing reason; dropped with a log line when it fails for good."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from bot.alerts.delivery import STUCK_AFTER, PostFailed, deliver
from bot.alerts.reports import AlertMessage
from bot.alerts.rules import RUSSELL, Direction, Kind, Owner, RuleSpec
from tests.alerts.conftest import AlertsWorld, after_close, trading_days

DAYS = trading_days("2026-01-05", 3)


class RecordingPoster:
    def __init__(self, failures: list[PostFailed] | None = None) -> None:
        self.posted: list[AlertMessage] = []
        self.failures = list(failures or [])
        self._lock = threading.Lock()

    def post(self, message: AlertMessage) -> None:
        with self._lock:
            if self.failures:
                raise self.failures.pop(0)
            self.posted.append(message)


@pytest.fixture
def fired(world: AlertsWorld) -> AlertsWorld:
    """A world with one firing waiting in the outbox."""
    for n, values in ((2, [2700, 2740]), (3, [2700, 2740, 2760])):
        world.prices.set("^RUT", DAYS[:n], values)
        world.prices.set("^GSPC", DAYS[:n], [6000.0] * n)
        world.clock.at = after_close(DAYS[n - 1])
        if n == 2:
            owner = Owner("C1", "T1", "U1", world.clock.now())
            world.alerts.add(RuleSpec(Kind.LEVEL, RUSSELL, Direction.ABOVE, 2750.0), owner)
    assert len(world.evaluator.tick(world.clock.now()).queued) == 1
    return world


def test_three_posters_racing_post_once(fired: AlertsWorld) -> None:
    poster = RecordingPoster()
    processes = [fired.process() for _ in range(3)]
    start = threading.Barrier(3)
    counts: list[int] = []

    def run(process: AlertsWorld) -> None:
        start.wait()
        counts.append(deliver(process.store, poster, fired.clock.now()))

    threads = [threading.Thread(target=run, args=(p,)) for p in processes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counts) == [0, 0, 1]
    assert [m.value for m in poster.posted] == [2760]
    assert fired.store.outbox() == {}
    assert deliver(fired.store, poster, fired.clock.now()) == 0


def test_a_passing_failure_is_retried_and_posted_once(fired: AlertsWorld) -> None:
    poster = RecordingPoster([PostFailed("ratelimited", permanent=False)])
    assert deliver(fired.store, poster, fired.clock.now()) == 0
    assert len(fired.store.outbox()) == 1  # still waiting
    assert deliver(fired.store, poster, fired.clock.now()) == 1
    assert len(poster.posted) == 1
    assert deliver(fired.store, poster, fired.clock.now()) == 0


def test_a_lasting_failure_is_dropped_and_logged(
    fired: AlertsWorld, caplog: pytest.LogCaptureFixture
) -> None:
    poster = RecordingPoster([PostFailed("channel_not_found", permanent=True)])
    assert deliver(fired.store, poster, fired.clock.now()) == 0
    assert fired.store.outbox() == {}
    assert "channel_not_found" in caplog.text
    assert deliver(fired.store, poster, fired.clock.now()) == 0
    assert poster.posted == []


def test_a_claim_left_by_a_dead_poster_is_not_posted_again(fired: AlertsWorld) -> None:
    (firing,) = fired.store.outbox()
    assert fired.store.claim(firing, f"posting other:1 {fired.clock.now().isoformat()}")
    poster = RecordingPoster()
    assert deliver(fired.store, poster, fired.clock.now()) == 0
    assert len(fired.store.outbox()) == 1  # the other process may still be posting
    later = fired.clock.now() + STUCK_AFTER + timedelta(seconds=1)
    assert deliver(fired.store, poster, later) == 0
    assert fired.store.outbox() == {}
    assert poster.posted == []
