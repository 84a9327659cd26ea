"""How often a person, and a workspace, may make the bot ask an upstream source (Yahoo, Stooq,
FRED): a command whose data is not fresh in the cache, such as any symbol nobody asked for
lately, counts once, however many series it fetches.

Counted in Redis, so the limits hold across web processes: fixed windows of `WINDOW` seconds
of the injected clock, the person's and the workspace's counts checked and taken together in
one script, so a refused command takes nothing. A refused command stores nothing either (the
price layer asks before it fetches): the person just asks again when the window ends. Only
what a person asks through `asked_by` counts; the clock's refreshes and summaries do not.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import redis
from redis.commands.core import Script

from bot.asker import Asker
from bot.clock import Clock
from bot.errors import UserFacingError
from bot.render.numbers import counted
from bot.store.keys import Keys

WINDOW = 60
"""Seconds a window lasts: the limits are per minute."""

_TAKE = """
local user = tonumber(redis.call('GET', KEYS[1]) or '0')
local workspace = tonumber(redis.call('GET', KEYS[2]) or '0')
if user >= tonumber(ARGV[1]) then return 1 end
if workspace >= tonumber(ARGV[2]) then return 2 end
for _, key in ipairs(KEYS) do
  redis.call('INCR', key)
  redis.call('EXPIRE', key, ARGV[3])
end
return 0
"""
"""KEYS: the person's and the workspace's counters; ARGV: their limits and the counters'
lifetime. Returns 0 when the command may go on (both counted), 1 when the person is at the
limit, 2 when the workspace is."""


class SlowDown(UserFacingError):
    """Too many commands that ask an upstream source, this minute."""


@dataclass
class _Turn:
    asker: Asker
    counted: bool = False


_ASKING: ContextVar[_Turn | None] = ContextVar("asking", default=None)


@contextmanager
def asked_by(asker: Asker | None) -> Iterator[None]:
    """While this runs, what asks an upstream source is `asker`'s command (counted once)."""
    token = _ASKING.set(_Turn(asker) if asker is not None else None)
    try:
        yield
    finally:
        _ASKING.reset(token)


class UpstreamRate:
    def __init__(
        self,
        redis_client: Callable[[], redis.Redis],
        keys: Keys,
        clock: Clock,
        per_user: int,
        per_workspace: int,
    ) -> None:
        self._redis = redis_client
        self.keys = keys
        self.clock = clock
        self.per_user = per_user
        self.per_workspace = per_workspace
        self._script: Script | None = None

    def charge(self) -> None:
        """Counts the command being answered, once, against its person's and workspace's
        limits; raises `SlowDown` (and counts nothing) when either is reached."""
        turn = _ASKING.get()
        if turn is None or turn.counted:
            return
        self.take(turn.asker)
        turn.counted = True

    def take(self, asker: Asker) -> None:
        now = self.clock.now().timestamp()
        window = int(now // WINDOW) * WINDOW
        keys = [
            self.keys.upstream_rate(asker.workspace, window, asker.user),
            self.keys.upstream_rate(asker.workspace, window),
        ]
        if self._script is None:  # registered on first use: Redis is connected when needed
            self._script = self._redis().register_script(_TAKE)
        refused = int(self._script(keys, [self.per_user, self.per_workspace, 2 * WINDOW]))
        if refused:
            wait = max(1, math.ceil(window + WINDOW - now))
            who, limit = (
                ("you", self.per_user) if refused == 1 else ("this workspace", self.per_workspace)
            )
            raise SlowDown(
                f"slow down: {who} asked for {counted(limit, 'answer')} this minute that needed "
                "fresh data "
                f"from the data sources, the most allowed; try again in {wait} s "
                "(nothing was changed)"
            )
