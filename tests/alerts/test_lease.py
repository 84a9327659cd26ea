"""One active clock: a second stands by and takes over when the first stops renewing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import redis

from bot.store.keys import Keys
from jobs.lease import LEASE, ClockLease

START = datetime(2026, 1, 22, 15, 0, tzinfo=UTC)


def test_the_second_clock_takes_over_when_the_first_stops(
    redis_server: redis.Redis, keys: Keys
) -> None:
    first = ClockLease(redis_server, keys, "clock-a")
    second = ClockLease(redis_server, keys, "clock-b")
    assert first.hold(START)
    assert not second.hold(START + timedelta(seconds=1))
    # The first renews every 10 seconds: the second keeps standing by.
    for seconds in (10, 20, 30, 40):
        assert first.hold(START + timedelta(seconds=seconds))
        assert not second.hold(START + timedelta(seconds=seconds + 1))
    # The first stops renewing; once its lease has run out the second takes over.
    last_renewal = START + timedelta(seconds=40)
    assert not second.hold(last_renewal + LEASE - timedelta(seconds=1))
    assert second.hold(last_renewal + LEASE + timedelta(seconds=1))
    assert second.holder() == "clock-b"
    # The first comes back: it is the standby now.
    assert not first.hold(last_renewal + LEASE + timedelta(seconds=2))


def test_a_clean_stop_hands_the_lease_over_at_once(redis_server: redis.Redis, keys: Keys) -> None:
    first = ClockLease(redis_server, keys, "clock-a")
    second = ClockLease(redis_server, keys, "clock-b")
    assert first.hold(START)
    second.release()  # not the holder: changes nothing
    assert not second.hold(START)
    first.release()
    assert second.hold(START + timedelta(seconds=1))
