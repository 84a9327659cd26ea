"""Alert rules, their index and their outbox in Redis. Key names come from `bot.store.keys`.

Each leg of a rule sits in one sorted set of its feed, scored by the level it waits for: armed
legs by threshold (`cross`), fired legs by re-arm level (`band`). A tick that moved a feed from
one value to another finds every leg it can affect with one range query per set:
O(log n + k), whatever the number of rules. Every change of rules, index, outbox and the feed's
last observation is written in one MULTI/EXEC, so a crash never leaves half of one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

import redis
from redis.client import Pipeline
from redis.lock import Lock

from bot.alerts.machine import Leg, Observation, Repeat, Side, State
from bot.alerts.rules import AlertRule, Basis, Direction, Feed, Kind, Owner, RuleSpec, Target
from bot.reports import AlertMessage, AlertsStatus, WatchedLevel
from bot.store.keys import Keys

SIDES = (Side.UP, Side.DOWN)
SENT_CLAIM_SECONDS = 30 * 24 * 3600
"""How long a firing's claim is kept: far longer than any retry or restart."""


def _text(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw


def _json_default(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot store {value!r}")


def dump_rule(rule: AlertRule) -> str:
    return json.dumps(asdict(rule), default=_json_default, separators=(",", ":"))


def load_rule(raw: bytes | str) -> AlertRule:
    data = json.loads(raw)
    spec, owner = data["spec"], data["owner"]
    target = spec.pop("target")
    return AlertRule(
        id=data["id"],
        spec=RuleSpec(
            kind=Kind(spec.pop("kind")),
            target=Target(tuple(target["symbols"]), target["key"]),
            direction=Direction(spec.pop("direction")),
            basis=Basis(spec.pop("basis")),
            repeat=Repeat(spec.pop("repeat")),
            **spec,
        ),
        owner=Owner(**{**owner, "created_at": datetime.fromisoformat(owner["created_at"])}),
        legs=tuple(_load_leg(leg) for leg in data["legs"]),
    )


def _load_leg(data: dict[str, Any]) -> Leg:
    return Leg(
        side=Side(data["side"]),
        threshold=data["threshold"],
        rearm_at=data["rearm_at"],
        repeat=Repeat(data["repeat"]),
        cooldown_sessions=data["cooldown_sessions"],
        state=State(data["state"]),
        quiet_until=_day(data["quiet_until"]),
        fired=data["fired"],
        last_fired=_day(data["last_fired"]),
    )


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _observation(raw: Mapping[bytes | str, bytes | str]) -> Observation | None:
    if not raw:
        return None
    fields = {_text(k): _text(v) for k, v in raw.items()}
    price = fields.get("price")
    return Observation(
        datetime.fromisoformat(fields["at"]),
        date.fromisoformat(fields["session"]),
        float(fields["value"]),
        float(price) if price else None,
    )


class AlertStore:
    def __init__(self, redis_client: Callable[[], redis.Redis], keys: Keys) -> None:
        self._redis = redis_client
        self.keys = keys

    @property
    def redis(self) -> redis.Redis:
        return self._redis()

    def lock(self, wait_seconds: float = 10.0) -> Lock:
        """Held while rules are evaluated or changed: a rule is never added halfway through a
        tick of its feed, and two evaluators never walk the same observations."""
        lock: Lock = self.redis.lock(
            self.keys.alerts_lock(), timeout=60, blocking_timeout=wait_seconds
        )
        return lock

    def next_id(self) -> int:
        return int(self.redis.incr(self.keys.alert_next_id()))

    def rule(self, rule_id: int) -> AlertRule | None:
        raw = self.redis.get(self.keys.alert_rule(rule_id))
        return load_rule(raw) if raw else None

    def rules(self, ids: Iterable[int]) -> list[AlertRule]:
        ids = list(ids)
        if not ids:
            return []
        raws = self.redis.mget([self.keys.alert_rule(i) for i in ids])
        return [load_rule(raw) for raw in raws if raw]

    def channel_rules(self, channel: str) -> list[AlertRule]:
        ids = sorted(int(_text(i)) for i in self.redis.smembers(self.keys.alert_channel(channel)))
        return self.rules(ids)

    def feeds(self) -> list[Feed]:
        return sorted(
            (Feed.parse(_text(f)) for f in self.redis.smembers(self.keys.alert_feeds())),
            key=lambda feed: feed.key,
        )

    def lasts(self, feeds: Sequence[Feed]) -> dict[str, Observation | None]:
        pipe = self.redis.pipeline(transaction=False)
        for feed in feeds:
            pipe.hgetall(self.keys.alert_last(feed.key))
        return {
            feed.key: _observation(raw) for feed, raw in zip(feeds, pipe.execute(), strict=True)
        }

    def candidates(self, spans: Mapping[str, tuple[float, float]]) -> dict[str, list[AlertRule]]:
        """Per feed, the rules with a leg waiting at a level within [low, high]."""
        pipe = self.redis.pipeline(transaction=False)
        order = []
        for feed, (low, high) in spans.items():
            for watching in ("cross", "band"):
                for side in SIDES:
                    pipe.zrangebyscore(self.keys.alert_index(watching, side, feed), low, high)
                    order.append(feed)
        found: dict[str, set[int]] = {feed: set() for feed in spans}
        for feed, members in zip(order, pipe.execute(), strict=True):
            found[feed].update(int(_text(m)) for m in members)
        rules = {r.id: r for r in self.rules({i for ids in found.values() for i in ids})}
        return {feed: [rules[i] for i in sorted(ids) if i in rules] for feed, ids in found.items()}

    def save(
        self,
        rules: Iterable[AlertRule] = (),
        outbox: Mapping[str, str] | None = None,
        lasts: Mapping[str, Observation] | None = None,
        pipe: Pipeline | None = None,
    ) -> None:
        """Writes rules (and their places in the index), outbox entries and feeds' last
        observations in one transaction."""
        own = pipe is None
        pipe = pipe if pipe is not None else self.redis.pipeline(transaction=True)
        for rule in rules:
            feed = rule.spec.feed.key
            pipe.set(self.keys.alert_rule(rule.id), dump_rule(rule))
            pipe.sadd(self.keys.alert_channel(rule.owner.channel), rule.id)
            pipe.sadd(self.keys.alert_feeds(), feed)
            self._index(pipe, rule)
        if outbox:
            pipe.hset(self.keys.alert_outbox(), mapping={k: v for k, v in outbox.items()})
        for feed_key, observation in (lasts or {}).items():
            pipe.hset(
                self.keys.alert_last(feed_key),
                mapping={
                    "at": observation.at.isoformat(),
                    "session": observation.session.isoformat(),
                    "value": repr(observation.value),
                    "price": repr(observation.price) if observation.price is not None else "",
                },
            )
        if own:
            pipe.execute()

    def _index(self, pipe: Pipeline, rule: AlertRule) -> None:
        feed = rule.spec.feed.key
        for leg in rule.legs:
            for watching in ("cross", "band"):
                pipe.zrem(self.keys.alert_index(watching, leg.side, feed), rule.id)
            if leg.watching == "cross":
                pipe.zadd(
                    self.keys.alert_index("cross", leg.side, feed), {str(rule.id): leg.threshold}
                )
            elif leg.watching == "band":
                pipe.zadd(
                    self.keys.alert_index("band", leg.side, feed), {str(rule.id): leg.rearm_at}
                )

    def delete(self, rules: Iterable[AlertRule]) -> None:
        pipe = self.redis.pipeline(transaction=True)
        for rule in rules:
            feed = rule.spec.feed.key
            for watching in ("cross", "band"):
                for side in SIDES:
                    pipe.zrem(self.keys.alert_index(watching, side, feed), rule.id)
            pipe.delete(self.keys.alert_rule(rule.id))
            pipe.srem(self.keys.alert_channel(rule.owner.channel), rule.id)
        pipe.execute()

    def outbox(self) -> dict[str, str]:
        return {_text(k): _text(v) for k, v in self.redis.hgetall(self.keys.alert_outbox()).items()}

    def claim(self, firing: str, owner: str) -> bool:
        """Takes the right to post `firing`; False when someone already has (exactly once)."""
        return bool(
            self.redis.set(self.keys.alert_sent(firing), owner, nx=True, ex=SENT_CLAIM_SECONDS)
        )

    def claimed_by(self, firing: str) -> str | None:
        raw = self.redis.get(self.keys.alert_sent(firing))
        return _text(raw) if raw else None

    def release(self, firing: str) -> None:
        """Gives a claim back after a post that failed for a passing reason."""
        self.redis.delete(self.keys.alert_sent(firing))

    def mark_sent(self, firing: str, outcome: str) -> None:
        pipe = self.redis.pipeline(transaction=True)
        pipe.set(self.keys.alert_sent(firing), outcome, ex=SENT_CLAIM_SECONDS)
        pipe.hdel(self.keys.alert_outbox(), firing)
        pipe.execute()

    def subscribers(self, workspace: str) -> set[str]:
        return {_text(c) for c in self.redis.smembers(self.keys.alert_subscribers(workspace))}

    def record_tick(self, at: datetime, held: str, feeds: int) -> None:
        self.redis.hset(
            self.keys.alert_ticks(),
            mapping={"at": at.isoformat(), "held": held, "feeds": str(feeds)},
        )

    def status(self) -> AlertsStatus:
        feeds = self.feeds()
        pipe = self.redis.pipeline(transaction=False)
        pipe.hgetall(self.keys.alert_ticks())
        pipe.hlen(self.keys.alert_outbox())
        for feed in feeds:
            for watching in ("cross", "band"):
                for side in SIDES:
                    pipe.zcard(self.keys.alert_index(watching, side, feed.key))
        tick, waiting, *counts = pipe.execute()
        fields = {_text(k): _text(v) for k, v in tick.items()}
        at = fields.get("at")
        return AlertsStatus(
            watching=sum(int(c) for c in counts),
            last_tick=datetime.fromisoformat(at) if at else None,
            held=fields.get("held", ""),
            waiting=int(waiting),
        )


def dump_message(message: AlertMessage) -> str:
    return json.dumps(asdict(message), default=_json_default, separators=(",", ":"))


def load_message(raw: str) -> AlertMessage:
    data = json.loads(raw)
    level = data.pop("next_level")
    return AlertMessage(
        **{
            **data,
            "at": datetime.fromisoformat(data["at"]),
            "session": date.fromisoformat(data["session"]),
            "next_level": WatchedLevel(**level) if level else None,
        }
    )
