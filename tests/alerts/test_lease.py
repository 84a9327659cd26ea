"""One active clock: a second stands by and takes over when the first stops renewing. The
lease runs on Redis's own time, whatever clock each process believes in."""

from __future__ import annotations

import time
from datetime import timedelta

import redis

from bot.store.keys import Keys
from bot.store.lease import ClockLease, lease_holder

SHORT = timedelta(milliseconds=400)


def test_the_second_clock_takes_over_when_the_first_stops(
    redis_server: redis.Redis, keys: Keys
) -> None:
    first = ClockLease(redis_server, keys, "clock-a", SHORT)
    second = ClockLease(redis_server, keys, "clock-b", SHORT)
    assert first.hold()
    assert not second.hold()
    # The first renews well within its lease: the second keeps standing by.
    for _ in range(4):
        time.sleep(0.15)
        assert first.hold()
        assert not second.hold()
    # The first stops renewing; once its lease has run out (in Redis's time) the second takes
    # over.
    time.sleep(0.5)
    assert second.hold()
    assert second.holder() == "clock-b"
    # The first comes back: it is the standby now.
    assert not first.hold()


def test_a_clean_stop_hands_the_lease_over_at_once(redis_server: redis.Redis, keys: Keys) -> None:
    first = ClockLease(redis_server, keys, "clock-a")
    second = ClockLease(redis_server, keys, "clock-b")
    assert first.hold()
    second.release()  # not the holder: changes nothing
    assert not second.hold()
    first.release()
    assert second.hold()


def test_a_lease_is_not_kept_by_a_clock_that_believes_it_is_earlier(
    redis_server: redis.Redis, keys: Keys
) -> None:
    """The lease used to compare each process's own time: a host whose clock ran behind (or
    SMALLCAPS_NOW pointed at production's Redis) kept the lease, and one ahead took it early.
    Redis's expiry decides now: nothing a process believes about the time reaches it."""
    first = ClockLease(redis_server, keys, "clock-a", SHORT)
    assert first.hold()
    left = lease_holder(redis_server, keys.clock_lease())[1]
    assert left is not None and timedelta(0) < left <= SHORT
    time.sleep(0.5)
    assert lease_holder(redis_server, keys.clock_lease()) == (None, None)
    assert ClockLease(redis_server, keys, "clock-b", SHORT).hold()


def test_a_lease_written_by_the_earlier_version_is_replaced(
    redis_server: redis.Redis, keys: Keys
) -> None:
    redis_server.hset(keys.clock_lease(), mapping={"owner": "old", "until": "9999999999"})
    lease = ClockLease(redis_server, keys, "clock-a")
    assert lease.hold()
    assert lease.holder() == "clock-a"
