"""What the last alert tick did (its time, the feeds it held and why, how many feeds it read)
and the alerts' figures `status` shows. `AlertStore` has these."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime

import redis

from bot.alerts.encoding import dump, text
from bot.alerts.machine import SIDES
from bot.alerts.rules import Feed
from bot.status import AlertsStatus
from bot.store.keys import Keys


class TickRecords:
    """The last tick's record and the alerts' status, on the store's Redis and keys."""

    _redis: Callable[[], redis.Redis]
    keys: Keys

    def feeds(self) -> list[Feed]:
        raise NotImplementedError

    def record_tick(self, at: datetime, held: str, holds: Mapping[str, str], feeds: int) -> None:
        self._redis().hset(
            self.keys.alert_ticks(),
            mapping={
                "at": at.isoformat(),
                "held": held,
                "holds": dump(dict(holds)),
                "feeds": str(feeds),
            },
        )

    def holds(self) -> dict[str, str]:
        """The feeds the last tick held, and why."""
        raw = self._redis().hget(self.keys.alert_ticks(), "holds")
        return _holds(raw)

    def status(self) -> AlertsStatus:
        feeds = self.feeds()
        pipe = self._redis().pipeline(transaction=False)
        pipe.hgetall(self.keys.alert_ticks())
        pipe.hlen(self.keys.alert_outbox())
        pipe.get(self.keys.alert_count())
        for feed in feeds:
            for watching in ("cross", "band"):
                for side in SIDES:
                    pipe.zcard(self.keys.alert_index(watching, side, feed.key))
        tick, waiting, rules, *counts = pipe.execute()
        fields = {text(k): text(v) for k, v in tick.items()}
        at = fields.get("at")
        return AlertsStatus(
            rules=max(int(rules or 0), 0),
            watching=sum(int(c) for c in counts),
            last_tick=datetime.fromisoformat(at) if at else None,
            held=fields.get("held", ""),
            waiting=int(waiting),
            holds=_holds(fields.get("holds")),
        )


def _holds(raw: bytes | str | None) -> dict[str, str]:
    if not raw:
        return {}
    return {str(k): str(v) for k, v in json.loads(raw).items()}
