"""The connection through a failover, on real servers: a write that meets the old primary, now
a read-only replica, is sent again to the new one and the pool leaves the old one; a claim no
replica acknowledges is given back, not acted on; a primary with no replica left is not
waited on."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from bot.alerts.store import AlertStore
from bot.store.keys import Keys
from bot.store.lease import ClockLease
from bot.store.replication import NotReplicated, Replicas
from bot.store.server import connect
from bot.summaries.store import SummaryStore
from tests.redis_topology import SERVICE, Topology, wait_until
from tests.store.test_replication import NOW, SESSION

pytestmark = pytest.mark.slow  # starts redis-server processes of its own

KEYS = Keys("drill:")


@pytest.fixture
def topology(tmp_path: Path) -> Iterator[Topology]:
    servers = Topology(tmp_path / "redis", replicas=1, sentinels=1).start()
    yield servers
    servers.stop()


def pooled(client: redis.Redis, count: int) -> None:
    """`count` connections made and back in the pool, idle, as a busy process leaves them."""
    pool = client.connection_pool
    taken = [pool.get_connection() for _ in range(count)]
    for connection in taken:
        pool.release(connection)


@pytest.mark.parametrize("write", ["command", "script"])
def test_a_write_on_the_demoted_primary_goes_to_the_new_one(
    topology: Topology, tmp_path: Path, write: str
) -> None:
    client = connect(None, tmp_path / "home", topology.settings(), patience=10)
    pooled(client, 4)
    old, new = topology.primary, topology.replicas[0]
    assert old.clients() == 4

    topology.sentinels[0].client().execute_command("SENTINEL", "FAILOVER", SERVICE)
    wait_until(lambda: topology.named_primary() == new.address, 20, "the replica's promotion")
    # the sentinels would demote the old primary within 10 s; an operator does it at once
    old.client().replicaof(*new.address)
    wait_until(lambda: old.role() == "replica", 20, "the old primary's demotion")
    assert old.clients() == 4  # the pool's connections are still there, idle

    # READONLY: a command's comes as ReadOnlyError, a script's as a script error
    if write == "command":
        assert client.set("drill:k", "v")
    else:
        assert ClockLease(client, KEYS, "clock-a").hold()
    assert new.client().exists("drill:k", KEYS.clock_lease()) == 1
    wait_until(lambda: old.clients() == 0, 5, "the pool to drop its connections to the replica")
    assert client.get("drill:k") == (b"v" if write == "command" else None)  # read from `new`


def test_a_write_on_a_plain_server_made_a_replica_is_tried_until_it_is_a_primary_again(
    topology: Topology, tmp_path: Path
) -> None:
    """REDIS_URL names one server: an operator demotes it (REPLICAOF), then promotes it back
    (REPLICAOF NO ONE); a write meanwhile waits for it, and no pooled connection stays stuck."""
    old, other = topology.primary, topology.replicas[0]
    client = connect(f"redis://127.0.0.1:{old.port}/0", tmp_path / "home", patience=10)
    pooled(client, 3)
    other.client().replicaof("NO", "ONE")
    old.client().replicaof("127.0.0.1", other.port)
    with pytest.raises(redis.ReadOnlyError):
        old.client().set("drill:k", "v")
    threading.Timer(0.5, lambda: old.client().replicaof("NO", "ONE")).start()
    started = time.monotonic()
    assert client.set("drill:k", "v")
    assert 0.4 < time.monotonic() - started < 3
    assert old.client().get("drill:k") == b"v"


def test_a_claim_no_replica_acknowledges_is_given_back(topology: Topology, tmp_path: Path) -> None:
    client = connect(f"redis://127.0.0.1:{topology.primary.port}/0", tmp_path / "home")
    alerts, summaries = AlertStore(lambda: client, KEYS), SummaryStore(lambda: client, KEYS)
    alerts.replicas = summaries.replicas = Replicas(wait_ms=300)
    replica = topology.replicas[0]
    assert replica.process is not None
    assert alerts.claim("1-up-1", f"posting host:1/a {NOW.isoformat()}")  # acknowledged
    assert alerts.replicas.seen == 1

    os.kill(replica.process.pid, signal.SIGSTOP)  # connected, silent: acknowledges nothing
    try:
        with pytest.raises(NotReplicated):
            alerts.claim("1-up-2", f"posting host:1/b {NOW.isoformat()}")
        assert alerts.claimed_by("1-up-2") is None  # given back: the next delivery tries it
        with pytest.raises(NotReplicated):
            summaries.take("C1", SESSION, "host:1/c", NOW)
        assert summaries.claim("C1", SESSION) is None
    finally:
        os.kill(replica.process.pid, signal.SIGCONT)
    assert alerts.claim("1-up-2", f"posting host:1/b {NOW.isoformat()}")
    assert summaries.take("C1", SESSION, "host:1/c", NOW)[0]

    # Its replica gone for good, the primary has nothing to wait for: claims go through.
    replica.kill()
    wait_until(lambda: client.info("replication")["connected_slaves"] == 0, 10, "the replica to go")
    assert alerts.claim("1-up-3", f"posting host:1/d {NOW.isoformat()}")  # waits once, 300 ms
    assert alerts.replicas.seen == 0
    started = time.monotonic()
    assert alerts.claim("1-up-4", f"posting host:1/e {NOW.isoformat()}")
    assert alerts.claim("1-up-5", f"posting host:1/f {NOW.isoformat()}")
    assert time.monotonic() - started < 0.1  # and no more
