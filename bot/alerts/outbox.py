"""What a firing goes through between the tick that queued it and its post: the outbox, the
claim taken before posting (exactly one poster at a time), the retries of a post that surely
did not go out, and the claim's final outcome. `AlertStore` has these; `bot.alerts.delivery`
uses them."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import redis

from bot.alerts.encoding import dump, text
from bot.store.keys import Keys

SENT_CLAIM_SECONDS = 30 * 24 * 3600
"""How long a firing's claim is kept: far longer than any retry or restart."""


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

    @property
    def redis(self) -> redis.Redis:
        return self._redis()

    def outbox(self) -> dict[str, str]:
        return {text(k): text(v) for k, v in self.redis.hgetall(self.keys.alert_outbox()).items()}

    def claim(self, firing: str, owner: str) -> bool:
        """Takes the right to post `firing`; False when someone already has."""
        return bool(
            self.redis.set(self.keys.alert_sent(firing), owner, nx=True, ex=SENT_CLAIM_SECONDS)
        )

    def claimed_by(self, firing: str) -> str | None:
        raw = self.redis.get(self.keys.alert_sent(firing))
        return text(raw) if raw else None

    def take_over(self, firing: str, old: str, new: str) -> bool:
        """Moves the claim of `firing` from `old` (a poster that stopped) to `new`, only if it
        is still `old`: of two processes taking it over, one does."""
        key = self.keys.alert_sent(firing)
        with self.redis.pipeline(transaction=True) as pipe:
            try:
                pipe.watch(key)  # type: ignore[no-untyped-call]
                raw = pipe.get(key)
                if raw is None or text(raw) != old:
                    return False
                pipe.multi()
                pipe.set(key, new, ex=SENT_CLAIM_SECONDS)
                pipe.execute()
            except redis.WatchError:
                return False
        return True

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
        pipe = self.redis.pipeline(transaction=True)
        pipe.set(self.keys.alert_sent(firing), outcome, ex=SENT_CLAIM_SECONDS)
        pipe.hdel(self.keys.alert_outbox(), firing)
        pipe.hdel(self.keys.alert_retries(), firing)
        pipe.execute()
