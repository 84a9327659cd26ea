"""Daily summary subscriptions, their schedule and their idempotency claims in Redis.

The schedule is data, not one APScheduler job per channel: a sorted set scores every subscribed
channel by when the dispatcher should next act on it. A dispatcher claims the due ones
atomically (a Lua script moves them past the claim's end), so two dispatchers never take the
same channel at once; one that dies lets its claim lapse, and the channel is due again. Each
post is guarded by its own claim per (channel, session), taken with `SET NX` before posting,
so no summary is posted twice whatever the number of dispatchers, retries or restarts. With
replicas, a replica holds the claim before the post and each step after it
(`bot.store.replication`), so no failover loses them either.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import redis
from redis.client import Pipeline

from bot.status import SummariesStatus
from bot.store.keys import Keys
from bot.store.replication import NotReplicated, Replicas
from bot.summaries.schedule import DailyTime

SENT_CLAIM_SECONDS = 8 * 24 * 3600
"""How long a (channel, session) claim is kept: longer than a long weekend and any retry."""

_CLAIM_DUE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, channel in ipairs(due) do redis.call('ZADD', KEYS[1], 'XX', ARGV[2], channel) end
return due
"""

_RESCHEDULE = """
local current = redis.call('GET', KEYS[1])
if not current or cjson.decode(current)['created_at'] ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
return 1
"""

_COMPARE_AND_SET = """
local current = redis.call('GET', KEYS[1])
if current ~= ARGV[1] then
  -- already moved by this very call, sent again after a lost connection: done
  if current == ARGV[2] or (ARGV[2] == '' and not current) then return 1 end
  return 0
end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
end
return 1
"""

_GIVE_BACK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
"""


@dataclass(frozen=True)
class Subscription:
    channel: str
    workspace: str
    when: DailyTime
    created_by: str
    created_at: datetime
    due: datetime
    """When the next summary is due (UTC)."""
    attempts: int = 0
    """Failed attempts at posting that summary so far."""


@dataclass(frozen=True)
class Claim:
    """Where one channel's summary of one session stands."""

    step: str
    """posting, posted (the message is in, the chart not yet), charting, sent, failed, skipped
    or abandoned."""
    by: str
    at: datetime
    ts: str | None = None
    """The posted message's id, once there is one."""
    note: str | None = None
    raw: str = ""
    """The stored text, which a compare-and-set must find unchanged."""

    def dump(self) -> str:
        data = {"step": self.step, "by": self.by, "at": self.at.isoformat(), "ts": self.ts}
        if self.note:
            data["note"] = self.note
        return json.dumps(data, separators=(",", ":"))


def _text(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw


def dump_subscription(sub: Subscription) -> str:
    return json.dumps(
        {
            "channel": sub.channel,
            "workspace": sub.workspace,
            "at": sub.when.at.strftime("%H:%M"),
            "zone": sub.when.zone,
            "created_by": sub.created_by,
            "created_at": sub.created_at.isoformat(),
            "due": sub.due.isoformat(),
            "attempts": sub.attempts,
        },
        separators=(",", ":"),
    )


def load_subscription(raw: bytes | str) -> Subscription:
    data = json.loads(raw)
    return Subscription(
        channel=data["channel"],
        workspace=data["workspace"],
        when=DailyTime(time.fromisoformat(data["at"]), data["zone"]),
        created_by=data["created_by"],
        created_at=datetime.fromisoformat(data["created_at"]),
        due=datetime.fromisoformat(data["due"]),
        attempts=int(data.get("attempts", 0)),
    )


def load_claim(raw: bytes | str) -> Claim:
    text = _text(raw)
    data = json.loads(text)
    return Claim(
        data["step"], data["by"], datetime.fromisoformat(data["at"]), data.get("ts"),
        data.get("note"), text,
    )  # fmt: skip


def _score(moment: datetime) -> float:
    return moment.timestamp()


class SummaryStore:
    def __init__(self, redis_client: Callable[[], redis.Redis], keys: Keys) -> None:
        self._redis = redis_client
        self.keys = keys
        self.replicas = Replicas()

    @property
    def redis(self) -> redis.Redis:
        return self._redis()

    def subscription(self, channel: str) -> Subscription | None:
        raw = self.redis.get(self.keys.daily_subscription(channel))
        return None if raw is None else load_subscription(raw)

    def save(self, sub: Subscription) -> None:
        """Writes the subscription and schedules it at its due time, in one transaction."""
        with self.redis.pipeline() as pipe:
            pipe.set(self.keys.daily_subscription(sub.channel), dump_subscription(sub))
            pipe.zadd(self.keys.daily_due(), {sub.channel: _score(sub.due)})
            pipe.sadd(self.keys.workspace_channels(sub.workspace), sub.channel)
            pipe.execute()

    def remove(self, channel: str) -> bool:
        with self.redis.pipeline() as pipe:
            pipe.delete(self.keys.daily_subscription(channel))
            pipe.zrem(self.keys.daily_due(), channel)
            deleted, _ = pipe.execute()
        return bool(deleted)

    def count(self) -> int:
        return int(self.redis.zcard(self.keys.daily_due()))

    def claim_due(self, now: datetime, hold: timedelta, limit: int) -> list[Subscription]:
        """Takes up to `limit` subscriptions due at `now`: they are this caller's until
        `now + hold`, when they fall due again if the caller did not reschedule them."""
        script = self.redis.register_script(_CLAIM_DUE)
        due_key = self.keys.daily_due()
        channels = [
            _text(c) for c in script(keys=[due_key], args=[_score(now), _score(now + hold), limit])
        ]
        if not channels:
            return []
        raws = self.redis.mget([self.keys.daily_subscription(c) for c in channels])
        gone = [c for c, raw in zip(channels, raws, strict=True) if raw is None]
        if gone:
            self.redis.zrem(due_key, *gone)
        return [load_subscription(raw) for raw in raws if raw is not None]

    def reschedule(self, plans: Sequence[tuple[Subscription, datetime]]) -> int:
        """Writes each subscription back with its next act-at time, unless it was removed or
        replaced meanwhile (then the newer one stands). Returns how many were written."""
        if not plans:
            return 0
        script = self.redis.register_script(_RESCHEDULE)
        due_key = self.keys.daily_due()
        with self.redis.pipeline(transaction=False) as pipe:
            for sub, act_at in plans:
                script(
                    keys=[self.keys.daily_subscription(sub.channel), due_key],
                    args=[
                        sub.created_at.isoformat(),
                        dump_subscription(sub),
                        _score(act_at),
                        sub.channel,
                    ],
                    client=pipe,
                )
            return sum(int(n) for n in pipe.execute())

    def take(self, channel: str, session: date, by: str, now: datetime) -> tuple[bool, Claim]:
        """Claims one channel's summary of one session: (True, the claim) when it is this
        caller's to post, once a replica holds it (NotReplicated when none acknowledged it: the
        claim is given back); else (False, where it stands)."""
        key = self.keys.daily_sent(channel, session)
        claim = Claim("posting", by, now)
        mine = claim.dump()

        def write(pipe: Pipeline) -> None:
            pipe.set(key, mine, nx=True, ex=SENT_CLAIM_SECONDS)
            pipe.get(key)

        try:
            _, raw = self.replicas.acknowledged(self.redis, write)
        except NotReplicated:
            self.redis.eval(_GIVE_BACK, 1, key, mine)
            raise
        if raw is None:  # released between the two commands: try once more
            return self.take(channel, session, by, now)
        if _text(raw) == mine:  # taken by this call (maybe sent twice, after a lost connection)
            return True, replace(claim, raw=mine)
        return False, load_claim(raw)

    def settle(self, channel: str, session: date, old: Claim, new: Claim | None) -> Claim | None:
        """Moves a claim from `old` to `new` (None gives it back), only if it is still `old`;
        returns the new claim, or None when someone else changed it first. Written again until
        a replica has it (`Replicas.recorded`)."""
        script = self.redis.register_script(_COMPARE_AND_SET)
        value = new.dump() if new else ""
        key = self.keys.daily_sent(channel, session)
        (done,) = self.replicas.recorded(
            self.redis, lambda pipe: script(keys=[key], args=[old.raw, value], client=pipe)
        )
        if not done:
            return None
        return replace(new, raw=value) if new else old

    def claim(self, channel: str, session: date) -> Claim | None:
        raw = self.redis.get(self.keys.daily_sent(channel, session))
        return None if raw is None else load_claim(raw)

    def record_run(self, now: datetime, figures: dict[str, int]) -> None:
        self.redis.hset(
            self.keys.daily_runs(), mapping={"at": now.isoformat(), "figures": json.dumps(figures)}
        )

    def status(self) -> SummariesStatus:
        with self.redis.pipeline(transaction=False) as pipe:
            pipe.zcard(self.keys.daily_due())
            pipe.zrange(self.keys.daily_due(), 0, 0, withscores=True)
            pipe.hgetall(self.keys.daily_runs())
            count, first, runs = pipe.execute()
        run: dict[str, Any] = {_text(k): _text(v) for k, v in runs.items()}
        return SummariesStatus(
            subscribed=int(count),
            next_due=datetime.fromtimestamp(first[0][1], UTC) if first else None,
            last_run=datetime.fromisoformat(run["at"]) if "at" in run else None,
            last_figures=json.loads(run["figures"]) if "figures" in run else {},
        )
