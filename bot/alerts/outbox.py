"""What a firing goes through between the tick that queued it and its post: the outbox, the
claim taken before posting (exactly one poster at a time), the retries of a post that surely
did not go out, and the claim's final outcome. `AlertStore` has these; `bot.alerts.delivery`
uses them.

A claim, and the outcome that replaces it, are held by a replica before the post goes out or
the caller moves on (`bot.store.replication`): a failover loses neither."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import redis
from redis.client import Pipeline

from bot.alerts.encoding import dump, text
from bot.store.keys import Keys
from bot.store.replication import NotReplicated, Replicas

SENT_CLAIM_SECONDS = 30 * 24 * 3600
"""How long a firing's claim is kept: far longer than any retry or restart."""

_TAKE_OVER = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
"""

_GIVE_BACK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
"""

_MARK_SENT = """
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('HDEL', KEYS[2], ARGV[3])
redis.call('HDEL', KEYS[3], ARGV[3])
"""


@dataclass(frozen=True)
class Retry:
    """A firing whose post failed for a passing reason: tries so far, since when, next try."""

    tries: int
    since: datetime
    next: datetime
    reason: str

    def dump(self) -> str:
        return dump(self)

    @classmethod
    def load(cls, raw: bytes | str) -> Retry:
        data = json.loads(raw)
        return cls(
            data["tries"],
            datetime.fromisoformat(data["since"]),
            datetime.fromisoformat(data["next"]),
            data["reason"],
        )


class FiringClaims:
    """The outbox and the claims of firings, on the store's Redis and keys."""

    _redis: Callable[[], redis.Redis]
    keys: Keys
    replicas: Replicas

    @property
    def redis(self) -> redis.Redis:
        return self._redis()

    def outbox(self) -> dict[str, str]:
        return {text(k): text(v) for k, v in self.redis.hgetall(self.keys.alert_outbox()).items()}

    def claim(self, firing: str, owner: str) -> bool:
        """Takes the right to post `firing`; False when someone already has. True only once a
        replica holds the claim: NotReplicated when none acknowledged it (the claim is given
        back). `owner` must be unique to this call: a claim sent again after a lost
        connection finds itself there and is still taken."""
        key = self.keys.alert_sent(firing)

        def write(pipe: Pipeline) -> None:
            pipe.set(key, owner, nx=True, ex=SENT_CLAIM_SECONDS)
            pipe.get(key)

        return self._acknowledged(firing, owner, write)

    def claimed_by(self, firing: str) -> str | None:
        raw = self.redis.get(self.keys.alert_sent(firing))
        return text(raw) if raw else None

    def take_over(self, firing: str, old: str, new: str) -> bool:
        """Moves the claim of `firing` from `old` (a poster that stopped) to `new`, only if it
        is still `old`: of two processes taking it over, one does. Held by a replica as
        `claim` is."""
        key = self.keys.alert_sent(firing)
        script = self.redis.register_script(_TAKE_OVER)

        def write(pipe: Pipeline) -> None:
            script(keys=[key], args=[old, new, SENT_CLAIM_SECONDS], client=pipe)
            pipe.get(key)

        return self._acknowledged(firing, new, write)

    def _acknowledged(self, firing: str, owner: str, write: Callable[[Pipeline], None]) -> bool:
        try:
            _, holder = self.replicas.acknowledged(self.redis, write)
        except NotReplicated:
            self.redis.eval(_GIVE_BACK, 1, self.keys.alert_sent(firing), owner)
            raise
        return holder is not None and text(holder) == owner

    def retries(self) -> dict[str, Retry]:
        """Firings whose post failed for a passing reason, and when each is tried again."""
        raws = self.redis.hgetall(self.keys.alert_retries())
        return {text(firing): Retry.load(raw) for firing, raw in raws.items()}

    def release(self, firing: str, retry: Retry) -> None:
        """Gives a claim back after a post that surely did not go out, to be tried again at
        `retry.next`."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.delete(self.keys.alert_sent(firing))
        pipe.hset(self.keys.alert_retries(), firing, retry.dump())
        pipe.execute()

    def mark_sent(self, firing: str, outcome: str) -> None:
        """Replaces the claim by its outcome and drops the firing from the outbox, in one
        script; written again until a replica has it (`Replicas.recorded`)."""
        keys = [self.keys.alert_sent(firing), self.keys.alert_outbox(), self.keys.alert_retries()]
        script = self.redis.register_script(_MARK_SENT)
        self.replicas.recorded(
            self.redis,
            lambda pipe: script(keys=keys, args=[outcome, SENT_CLAIM_SECONDS, firing], client=pipe),
        )
