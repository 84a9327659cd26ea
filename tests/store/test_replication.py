"""Claims that bear being sent twice, and a single server that is never waited on.

A claim's pipeline is sent again whole when its connection is lost (a failover): the claim
then finds itself already there, and must still be the sender's. A server with no replica
(the embedded one, a plain `REDIS_URL`) has nothing to wait for: no claim waits for `WAIT`.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

import redis

from bot.alerts.store import AlertStore
from bot.store.keys import Keys
from bot.summaries.store import Claim, SummaryStore

NOW = datetime(2026, 1, 23, 21, 31, tzinfo=UTC)
SESSION = date(2026, 1, 23)


def test_a_firings_claim_sent_twice_is_still_its_senders(
    redis_server: redis.Redis, keys: Keys
) -> None:
    store = AlertStore(lambda: redis_server, keys)
    mine = f"posting host:1/a1b2c3 {NOW.isoformat()}"
    assert store.claim("7-up-1", mine)
    assert store.claim("7-up-1", mine)  # the same claim again: its first answer was lost
    assert not store.claim("7-up-1", f"posting host:2/d4e5f6 {NOW.isoformat()}")
    assert store.claimed_by("7-up-1") == mine


def test_a_take_over_sent_twice_is_still_its_senders(redis_server: redis.Redis, keys: Keys) -> None:
    store = AlertStore(lambda: redis_server, keys)
    stuck = f"posting host:1/a1b2c3 {NOW.isoformat()}"
    assert store.claim("7-up-1", stuck)
    new = f"posting host:2/d4e5f6 {NOW.isoformat()}"
    assert store.take_over("7-up-1", stuck, new)
    assert store.take_over("7-up-1", stuck, new)
    assert not store.take_over("7-up-1", stuck, f"posting host:3/0a0b0c {NOW.isoformat()}")
    assert store.claimed_by("7-up-1") == new


def test_a_summarys_claim_and_its_steps_sent_twice_are_still_their_senders(
    redis_server: redis.Redis, keys: Keys
) -> None:
    store = SummaryStore(lambda: redis_server, keys)
    mine, claim = store.take("C1", SESSION, "host:1/a1b2c3", NOW)
    again, same = store.take("C1", SESSION, "host:1/a1b2c3", NOW)
    assert mine and again and same == claim
    theirs, where = store.take("C1", SESSION, "host:2/d4e5f6", NOW)
    assert not theirs and where.by == "host:1/a1b2c3"
    posted = Claim("posted", "host:1/a1b2c3", NOW, "1769203860.000100")
    assert store.settle("C1", SESSION, claim, posted) is not None
    assert store.settle("C1", SESSION, claim, posted) is not None  # its first answer was lost
    assert store.claim("C1", SESSION).step == "posted"  # type: ignore[union-attr]
    other = Claim("failed", "host:2/d4e5f6", NOW, None, "gone")
    assert store.settle("C1", SESSION, claim, other) is None  # not the sender's: refused
    back = store.settle("C1", SESSION, store.claim("C1", SESSION), None)  # type: ignore[arg-type]
    assert back is not None and store.claim("C1", SESSION) is None


def test_a_server_with_no_replica_is_never_waited_on(redis_server: redis.Redis, keys: Keys) -> None:
    store = AlertStore(lambda: redis_server, keys)
    started = time.monotonic()
    for n in range(20):
        assert store.claim(f"7-up-{n}", f"posting host:1/a1b2c3 {NOW.isoformat()}")
        store.mark_sent(f"7-up-{n}", f"sent {NOW.isoformat()}")
    assert store.replicas.seen == 0
    assert time.monotonic() - started < 0.5  # 40 writes, no WAIT of 1 s among them
