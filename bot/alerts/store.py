"""Alert rules, their index and their outbox in Redis. Key names come from `bot.store.keys`.

Each leg of a rule sits in one sorted set of its feed, scored by the level it waits for: armed
legs by threshold (`cross`), fired legs by re-arm level (`band`). A tick that moved a feed from
one value to another finds every leg it can affect with one range query per set:
O(log n + k), whatever the number of rules. Every change of rules, index, outbox and the feed's
last observation is written in one MULTI/EXEC, so a crash never leaves half of one.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager

import redis
from redis.client import Pipeline
from redis.exceptions import LockError, LockNotOwnedError, WatchError
from redis.lock import Lock

from bot.alerts.encoding import (
    dump_observation,
    dump_rule,
    load_observation,
    load_rule,
    text,
)
from bot.alerts.machine import SIDES, Observation, State
from bot.alerts.outbox import FiringClaims
from bot.alerts.rules import AlertRule, Feed
from bot.alerts.tick_records import TickRecords
from bot.store.key_checks import checked_feed
from bot.store.keys import Keys
from bot.store.replication import Replicas

log = logging.getLogger(__name__)

LOCK_SECONDS = 60
"""The alerts lock's life: a holder slower than this loses it, and its writes are refused."""

_PRUNE = """
if redis.call('EXISTS', KEYS[4]) == 1 and redis.call('SCARD', KEYS[1]) == 0 then
  redis.call('SREM', KEYS[2], ARGV[1])
  redis.call('HDEL', KEYS[3], ARGV[1])
end
"""
"""Drops a feed with no live rule left from the watched feeds, with its last observation."""


class LockLost(Exception):
    """The alerts lock ran out (or was taken) before its holder wrote: nothing was written."""


def is_live(rule: AlertRule) -> bool:
    """A rule that can still fire, now or once resumed: any leg not retired."""
    return any(leg.state is not State.RETIRED for leg in rule.legs)


class AlertStore(FiringClaims, TickRecords):
    def __init__(self, redis_client: Callable[[], redis.Redis], keys: Keys) -> None:
        self._redis = redis_client
        self.keys = keys
        self.replicas = Replicas()

    @contextmanager
    def lock(self, wait_seconds: float = 10.0) -> Iterator[Lock]:
        """Held while rules are evaluated or changed: a rule is never added halfway through a
        tick of its feed, and two evaluators never walk the same observations. It runs out
        after LOCK_SECONDS; writes made under it pass it as their `fence`, so a holder that
        outlived it writes nothing."""
        lock: Lock = self.redis.lock(
            self.keys.alerts_lock(), timeout=LOCK_SECONDS, blocking_timeout=wait_seconds
        )
        if not lock.acquire():
            raise LockError(f"the alerts lock was busy for {wait_seconds:g} s")
        try:
            yield lock
        finally:
            try:
                lock.release()
            except LockNotOwnedError:
                log.warning("the alerts lock ran out before its holder was done")

    def transaction(self, fence: Lock | None, queue: Callable[[Pipeline], None]) -> None:
        """Runs what `queue` adds to a transaction; with a `fence`, only while that lock is
        still its holder's (Redis's own expiry decides, not any process's clock): a holder
        that lost it writes nothing and gets `LockLost`."""
        name = fence.name if fence is not None else None
        with self.redis.pipeline(transaction=True) as pipe:
            if fence is not None:
                pipe.watch(fence.name)  # type: ignore[no-untyped-call]
                token = getattr(fence.local, "token", None)
                held = pipe.get(fence.name)
                if token is None or held is None or text(held) != text(token):
                    raise LockLost(f"the lock {fence.name} is no longer held")
                pipe.multi()
            queue(pipe)
            try:
                pipe.execute()
            except WatchError as error:
                raise LockLost(f"the lock {name} changed hands") from error

    def _queue_prune(self, pipe: Pipeline, feed: str) -> None:
        pipe.eval(
            _PRUNE,
            4,
            self.keys.alert_live(feed),
            self.keys.alert_feeds(),
            self.keys.alert_lasts(),
            self.keys.alert_feeds_indexed(),
            feed,
        )

    def index_live_rules(self) -> int:
        """Gives every live rule its place in `alerts:live:<FEED>`, once (after an upgrade from
        a version without them), then lets feeds be pruned; feeds left without a live rule go.
        The caller holds the lock. Returns how many rules were indexed."""
        r = self.redis
        if r.exists(self.keys.alert_feeds_indexed()):
            return 0
        ids = [int(text(k).rsplit(":", 1)[1]) for k in r.scan_iter(self.keys.alert_rule_all())]
        rules = self.rules(ids)
        live = [rule for rule in rules if is_live(rule)]
        pipe = r.pipeline(transaction=True)
        for rule in live:
            pipe.sadd(self.keys.alert_live(rule.spec.feed.key), rule.id)
            pipe.sadd(self.keys.alert_feeds(), rule.spec.feed.key)
        pipe.set(self.keys.alert_feeds_indexed(), "1")
        for feed in {text(f) for f in r.smembers(self.keys.alert_feeds())}:
            self._queue_prune(pipe, feed)
        pipe.execute()
        return len(live)

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
        ids = sorted(int(text(i)) for i in self.redis.smembers(self.keys.alert_channel(channel)))
        return self.rules(ids)

    def workspace_rules(self, workspace: str, channels: Iterable[str]) -> list[AlertRule]:
        """The rules `workspace` made in `channels` (a channel shared between workspaces holds
        others' too), read in two round trips however many channels."""
        pipe = self.redis.pipeline(transaction=False)
        for channel in channels:
            pipe.smembers(self.keys.alert_channel(channel))
        ids = sorted({int(text(i)) for members in pipe.execute() for i in members})
        return [rule for rule in self.rules(ids) if rule.owner.workspace == workspace]

    def feeds(self) -> list[Feed]:
        return sorted(
            (Feed.parse(text(f)) for f in self.redis.smembers(self.keys.alert_feeds())),
            key=lambda feed: feed.key,
        )

    def lasts(self, feeds: Sequence[Feed]) -> dict[str, Observation | None]:
        if not feeds:
            return {}
        raws = self.redis.hmget(self.keys.alert_lasts(), [checked_feed(f.key) for f in feeds])
        return {feed.key: load_observation(raw) for feed, raw in zip(feeds, raws, strict=True)}

    def candidates(self, spans: Mapping[str, tuple[float, float]]) -> dict[str, list[AlertRule]]:
        """Per feed, the rules with a leg waiting at a level within [low, high]. A feed that did
        not move (low == high) crosses nothing and reaches no band it had not reached. On a
        daily measure every fired leg is a candidate: a new session re-arms it, wherever it
        waits."""
        pipe = self.redis.pipeline(transaction=False)
        order = []
        for feed, (low, high) in spans.items():
            daily = Feed.parse(feed).measure.daily
            if low == high and not daily:
                continue
            for watching in ("cross", "band"):
                lowest: float | str = "-inf" if daily and watching == "band" else low
                for side in SIDES:
                    pipe.zrangebyscore(self.keys.alert_index(watching, side, feed), lowest, high)
                    order.append(feed)
        found: dict[str, set[int]] = {feed: set() for feed in spans}
        for feed, members in zip(order, pipe.execute(), strict=True):
            found[feed].update(int(text(m)) for m in members)
        rules = {r.id: r for r in self.rules({i for ids in found.values() for i in ids})}
        return {feed: [rules[i] for i in sorted(ids) if i in rules] for feed, ids in found.items()}

    def save(
        self,
        rules: Iterable[AlertRule] = (),
        outbox: Mapping[str, str] | None = None,
        lasts: Mapping[str, Observation] | None = None,
        new: bool = False,
        fence: Lock | None = None,
    ) -> None:
        """Writes rules and their places in the index, outbox entries and feeds' last
        observations in one transaction (refused if `fence`, the lock held, was lost); `new`
        rules also join their channel. A live rule's feed is watched; a feed whose last live
        rule retired is not."""
        rules = list(rules)

        def queue(pipe: Pipeline) -> None:
            if rules:
                pipe.mset({self.keys.alert_rule(r.id): dump_rule(r) for r in rules})
            # One command a key, however many rules: a crash day changes thousands at once.
            live: dict[str, dict[str, bool]] = {}
            removals: dict[str, list[str]] = {}
            additions: dict[str, dict[str, float]] = {}
            index = functools.cache(self.keys.alert_index)
            for rule in rules:
                feed, member = rule.spec.feed.key, str(rule.id)
                if new:
                    pipe.sadd(self.keys.alert_channel(rule.owner.channel), rule.id)
                    pipe.sadd(
                        self.keys.workspace_channels(rule.owner.workspace), rule.owner.channel
                    )
                    pipe.incr(self.keys.alert_count())
                live.setdefault(feed, {})[member] = is_live(rule)
                for leg in rule.legs:
                    watching = leg.watching
                    cross, band = index("cross", leg.side, feed), index("band", leg.side, feed)
                    if watching == "cross":
                        additions.setdefault(cross, {})[member] = leg.threshold
                    else:
                        removals.setdefault(cross, []).append(member)
                    if watching == "band":
                        additions.setdefault(band, {})[member] = leg.rearm_at
                    else:
                        removals.setdefault(band, []).append(member)
            watched: list[str] = []
            retired: set[str] = set()
            for feed, states in live.items():
                on = [member for member, is_on in states.items() if is_on]
                off = [member for member, is_on in states.items() if not is_on]
                if on:
                    pipe.sadd(self.keys.alert_live(feed), *on)
                    watched.append(feed)
                if off:
                    pipe.srem(self.keys.alert_live(feed), *off)
                    retired.add(feed)
            if watched:
                pipe.sadd(self.keys.alert_feeds(), *watched)
            for key, members in removals.items():
                pipe.zrem(key, *members)
            for key, mapping in additions.items():
                pipe.zadd(key, mapping)
            if outbox:
                pipe.hset(self.keys.alert_outbox(), mapping={k: v for k, v in outbox.items()})
            if lasts:
                pipe.hset(
                    self.keys.alert_lasts(),
                    mapping={checked_feed(k): dump_observation(o) for k, o in lasts.items()},
                )
            for feed in sorted(retired):
                self._queue_prune(pipe, feed)

        self.transaction(fence, queue)

    def delete(self, rules: Iterable[AlertRule], fence: Lock | None = None) -> None:
        """Deletes `rules` in one transaction (refused if `fence`, the lock held, was lost)."""
        rules = list(rules)
        self.transaction(fence, lambda pipe: self.queue_delete(pipe, rules))

    def queue_delete(self, pipe: Pipeline, rules: Iterable[AlertRule]) -> None:
        """Queues the deletion of `rules` and their places in every index on `pipe`; a feed
        left without a live rule is no longer watched."""
        feeds = set()
        for rule in rules:
            feed = rule.spec.feed.key
            for watching in ("cross", "band"):
                for side in SIDES:
                    pipe.zrem(self.keys.alert_index(watching, side, feed), rule.id)
            pipe.delete(self.keys.alert_rule(rule.id))
            pipe.srem(self.keys.alert_channel(rule.owner.channel), rule.id)
            pipe.srem(self.keys.alert_live(feed), rule.id)
            pipe.decr(self.keys.alert_count())
            feeds.add(feed)
        for feed in sorted(feeds):
            self._queue_prune(pipe, feed)

    def workspace_channels(self, workspace: str) -> list[str]:
        """The channels `workspace` gave alert rules or a summary."""
        channels = self.redis.smembers(self.keys.workspace_channels(workspace))
        return sorted(text(c) for c in channels)

    def subscribe(self, workspace: str, channel: str) -> None:
        """`channel` gets the built-in alerts."""
        self.redis.sadd(self.keys.alert_subscribers(workspace), channel)

    def unsubscribe(self, workspace: str, channel: str) -> None:
        self.redis.srem(self.keys.alert_subscribers(workspace), channel)

    def subscribers(self, workspace: str) -> set[str]:
        return {text(c) for c in self.redis.smembers(self.keys.alert_subscribers(workspace))}
