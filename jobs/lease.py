"""Which clock is active: a lease in Redis, held by renewing it, taken over when it runs out.

The lease's expiry is written in the injected clock's time, so a test can let it run out
without waiting; Redis also expires the key (in real time) in case no clock ever returns.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import redis

from bot.store.keys import Keys

LEASE = timedelta(seconds=30)
"""A clock that has not renewed its lease for this long is taken to be dead."""

_HOLD = """
local owner = redis.call('HGET', KEYS[1], 'owner')
local expires = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
if owner and owner ~= ARGV[1] and expires > tonumber(ARGV[2]) then
  return 0
end
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'until', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
"""

_RELEASE = """
if redis.call('HGET', KEYS[1], 'owner') == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class ClockLease:
    def __init__(
        self, redis_client: redis.Redis, keys: Keys, owner: str, lease: timedelta = LEASE
    ) -> None:
        self.redis = redis_client
        self.key = keys.clock_lease()
        self.owner = owner
        self.lease = lease

    def hold(self, now: datetime) -> bool:
        """Takes or renews the lease; False while another live clock holds it."""
        until = now + self.lease
        held = self.redis.eval(
            _HOLD,
            1,
            self.key,
            self.owner,
            repr(now.timestamp()),
            repr(until.timestamp()),
            str(int(self.lease.total_seconds()) * 4),
        )
        return bool(held)

    def release(self) -> None:
        """Hands the lease back at a clean stop, so a standby takes over at once."""
        self.redis.eval(_RELEASE, 1, self.key, self.owner)

    def holder(self) -> str | None:
        owner = self.redis.hget(self.key, "owner")
        return owner.decode() if isinstance(owner, bytes) else owner
