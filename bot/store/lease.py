"""Which clock is active: a lease in Redis, held by renewing it, taken over when it runs out.

The lease is a plain key that Redis expires (`SET … PX`, renewed with `PEXPIRE` by its holder
only), so Redis's own clock decides when it has run out: a host whose clock is skewed, or a
process run with `SMALLCAPS_NOW` against the same Redis, can neither keep a lease past its time
nor take one early.
"""

from __future__ import annotations

from datetime import timedelta

import redis

from bot.store.keys import Keys

LEASE = timedelta(seconds=30)
"""A clock that has not renewed its lease for this long is taken to be dead."""

_HOLD = """
if redis.call('TYPE', KEYS[1]).ok == 'hash' then
  redis.call('DEL', KEYS[1])  -- a lease written by an earlier version, in its own time
end
local owner = redis.call('GET', KEYS[1])
if not owner then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if owner == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
"""

_RELEASE = """
if redis.call('TYPE', KEYS[1]).ok == 'string' and redis.call('GET', KEYS[1]) == ARGV[1] then
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

    def hold(self) -> bool:
        """Takes or renews the lease; False while another clock holds it."""
        milliseconds = max(int(self.lease.total_seconds() * 1000), 1)
        return bool(self.redis.eval(_HOLD, 1, self.key, self.owner, str(milliseconds)))

    def release(self) -> None:
        """Hands the lease back at a clean stop, so a standby takes over at once."""
        self.redis.eval(_RELEASE, 1, self.key, self.owner)

    def holder(self) -> str | None:
        """The clock that holds the lease, if one does."""
        return lease_holder(self.redis, self.key)[0]


def lease_holder(client: redis.Redis, key: str) -> tuple[str | None, timedelta | None]:
    """Who holds the lease at `key`, and for how much longer unless it renews it (Redis's
    time)."""
    pipe = client.pipeline(transaction=True)
    pipe.type(key)
    pipe.get(key)
    pipe.pttl(key)
    kind, owner, left = pipe.execute()
    kind = kind.decode() if isinstance(kind, bytes) else kind
    if kind != "string" or owner is None:
        return None, None
    owner = owner.decode() if isinstance(owner, bytes) else owner
    return owner, timedelta(milliseconds=left) if left and left > 0 else None
