"""Posting from the outbox: claimed before posting, so never twice side by side; retried with
back-off when nothing was sent; posted again (at least once) when the outcome is unknown;
failed for good only visibly: recorded for `status`, logged and counted."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import redis

from bot.alerts.delivery import RETRY_FOR, STUCK_AFTER, PostFailed, backoff, deliver
from bot.alerts.reports import AlertMessage
from bot.alerts.rules import RUSSELL, Direction, Kind, Owner, RuleSpec
from bot.failed_posts import FailedPosts
from bot.metrics import POSTS_FAILED
from tests.alerts.conftest import AlertsWorld, after_close, trading_days

DAYS = trading_days("2026-01-05", 3)


class RecordingPoster:
    def __init__(self, failures: list[Exception] | None = None) -> None:
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


def test_a_passing_failure_is_retried_after_a_back_off_and_posted_once(
    fired: AlertsWorld,
) -> None:
    poster = RecordingPoster([PostFailed("ratelimited", permanent=False)])
    now = fired.clock.now()
    assert deliver(fired.store, poster, now) == 0
    assert len(fired.store.outbox()) == 1  # still waiting
    assert deliver(fired.store, poster, now + backoff(1) - timedelta(seconds=1)) == 0
    assert deliver(fired.store, poster, now + backoff(1)) == 1
    assert len(poster.posted) == 1
    assert deliver(fired.store, poster, now + backoff(1)) == 0
    assert fired.store.retries() == {}


def test_a_failure_before_the_post_is_retried_never_abandoned(
    fired: AlertsWorld, caplog: pytest.LogCaptureFixture
) -> None:
    """Redis failing while the workspace's token is loaded: nothing was sent, so the claim is
    given back at once (not left "posting" to be abandoned) and the alert posted later."""
    poster = RecordingPoster([redis.ConnectionError("Redis went away")])
    now = fired.clock.now()
    assert deliver(fired.store, poster, now) == 0
    (firing,) = fired.store.outbox()
    assert fired.store.claimed_by(firing) is None
    assert fired.store.retries()[firing].reason == "ConnectionError: Redis went away"
    later = now + STUCK_AFTER + timedelta(minutes=1)
    assert deliver(fired.store, poster, later) == 1
    assert [m.value for m in poster.posted] == [2760]
    assert "Redis went away" in caplog.text


def test_an_unknown_outcome_is_posted_again_at_least_once(fired: AlertsWorld) -> None:
    poster = RecordingPoster([PostFailed("no answer from Slack", False, unknown=True)])
    now = fired.clock.now()
    assert deliver(fired.store, poster, now) == 0
    assert deliver(fired.store, poster, now + backoff(1)) == 1
    assert len(poster.posted) == 1


def test_a_post_failing_for_a_day_is_failed_for_good_and_shown(
    fired: AlertsWorld, caplog: pytest.LogCaptureFixture
) -> None:
    poster = RecordingPoster([PostFailed("internal_error", permanent=False)] * 100)
    failed_before = POSTS_FAILED.labels("alert")._value.get()
    start = fired.clock.now()
    at, tries = start, 0
    while fired.store.outbox():
        tries += 1
        assert deliver(fired.store, poster, at) == 0
        at += backoff(tries)
    assert at - backoff(tries) >= start + RETRY_FOR
    assert poster.posted == []
    shown = FailedPosts(lambda: fired.client, fired.keys).status()
    assert shown.by_workspace == {"T1": 1}
    (post,) = shown.recent
    assert (post.kind, post.channel) == ("alert", "C1")
    assert "gave up after" in post.reason and "internal_error" in post.reason
    assert POSTS_FAILED.labels("alert")._value.get() == failed_before + 1
    assert "given up for good" in caplog.text
    assert shown.of("T2").total == 0 and shown.of("T1").total == 1


def test_a_lasting_failure_is_failed_for_good_and_shown(
    fired: AlertsWorld, caplog: pytest.LogCaptureFixture
) -> None:
    poster = RecordingPoster([PostFailed("channel_not_found", permanent=True)])
    assert deliver(fired.store, poster, fired.clock.now()) == 0
    assert fired.store.outbox() == {}
    assert "channel_not_found" in caplog.text
    assert deliver(fired.store, poster, fired.clock.now()) == 0
    assert poster.posted == []
    shown = FailedPosts(lambda: fired.client, fired.keys).status()
    assert [p.reason for p in shown.recent] == ["channel_not_found"]


def test_a_claim_left_by_a_dead_poster_is_posted_again_at_least_once(fired: AlertsWorld) -> None:
    (firing,) = fired.store.outbox()
    assert fired.store.claim(firing, f"posting other:1 {fired.clock.now().isoformat()}")
    poster = RecordingPoster()
    assert deliver(fired.store, poster, fired.clock.now()) == 0
    assert len(fired.store.outbox()) == 1  # the other process may still be posting
    later = fired.clock.now() + STUCK_AFTER + timedelta(seconds=1)
    racing = [fired.process() for _ in range(2)]
    assert sorted(deliver(p.store, poster, later) for p in racing) == [0, 1]
    assert fired.store.outbox() == {}
    assert [m.value for m in poster.posted] == [2760]
