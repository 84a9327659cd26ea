"""Writes that must outlive a failover: a claim that guards a post, and the record that it was
posted, are acknowledged by a replica (`WAIT 1`) before anyone acts on them.

Redis replicates asynchronously: a primary that answers a write and dies before its replica
has it takes the write along, and Sentinel promotes a replica that never saw it. A claim lost
so lets a second poster claim the same firing, and a lost "sent" makes it look unfinished; so
both wait for a replica first. The replication stream is one ordered log, so a replica that
acknowledged a claim also holds every write made before it (the firing queued, the rule fired).

Only a primary with replicas is waited on: `INFO replication` rides along with every such
write and says how many it has, so a single server (`REDIS_URL`, the embedded one) or a
primary whose replica is gone (after a failover, until the old primary returns as a replica)
never waits: nothing could be promoted over it that lacks the write.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import redis
from redis.client import Pipeline

log = logging.getLogger(__name__)

WAIT_MS = 1000
"""How long a write waits for a replica's acknowledgement (one normally comes within a
millisecond on a local network)."""
RECORD_TRIES = 3
"""Times a record of what was done is written again when no replica acknowledged it."""


class NotReplicated(Exception):
    """The primary has a replica and none acknowledged the write within WAIT_MS: a failover
    now could lose it, so what it guards must not happen yet."""


class Replicas:
    """The primary's replicas, as last seen: writes that guard a post wait for one of them."""

    def __init__(self, wait_ms: int = WAIT_MS) -> None:
        self.wait_ms = wait_ms
        self.seen: int | None = None
        """Replicas the primary had at the last write; None before the first."""

    def acknowledged(self, client: redis.Redis, write: Callable[[Pipeline], object]) -> list[Any]:
        """The results of the commands `write` puts in a pipeline, once a replica (if the
        primary has any) acknowledged them; NotReplicated when none did. The pipeline is not a
        transaction: a lost connection sends all of it again, so its commands must bear that
        (a claim reads back its holder to know it took it itself)."""
        results, missing = self._write(client, write)
        if missing:
            raise NotReplicated(missing)
        return results

    def recorded(self, client: redis.Redis, write: Callable[[Pipeline], object]) -> list[Any]:
        """`acknowledged` for a record of something already done, which cannot be taken back:
        written again (the commands must bear it) up to RECORD_TRIES times until a replica has
        it, then left on the primary alone, with a warning."""
        for _ in range(RECORD_TRIES):
            results, missing = self._write(client, write)
            if not missing:
                return results
        log.warning("a record of a post is on the primary only: %s", missing)
        return results

    def _write(
        self, client: redis.Redis, write: Callable[[Pipeline], object]
    ) -> tuple[list[Any], str]:
        """The commands' results, and why they may be on the primary alone ("" when a replica
        acknowledged them or the primary has none)."""
        if self.seen is None:
            self.seen = _replicas(client.info("replication"))
        with client.pipeline(transaction=False) as pipe:
            write(pipe)
            count = len(pipe)
            waiting = self.seen > 0
            if waiting:
                pipe.wait(1, self.wait_ms)
            pipe.info("replication")
            results = pipe.execute()
        self.seen = _replicas(results[-1])
        acknowledged = int(results[count]) if waiting else 0
        if self.seen and acknowledged < 1:
            return results[:count], (
                f"none of {self.seen} replicas acknowledged it within {self.wait_ms} ms"
            )
        return results[:count], ""


def _replicas(info: dict[str, Any]) -> int:
    return int(info.get("connected_slaves", 0))
