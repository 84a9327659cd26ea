"""Redis with Sentinel: where the sentinels are, the name they watch the primary by, how to log
in to both, read from `REDIS_SENTINELS` and its companions; and the client of whichever server
is the primary now.

The client asks the sentinels for the primary when it connects, and again whenever a
connection fails or finds the server read-only (a primary demoted to a replica): after a
failover every pooled connection moves to the new primary. Each change of primary is logged.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis
from redis.connection import SSLConnection
from redis.exceptions import ReadOnlyError, ResponseError
from redis.sentinel import MasterNotFoundError, Sentinel, SentinelManagedConnection

log = logging.getLogger(__name__)

SENTINEL_TIMEOUT = 0.5
"""Seconds to connect to a sentinel and for its answer: a sentinel that takes longer is passed
over for the next one."""

ONLY_WITH_SENTINELS = (
    "REDIS_SENTINEL_MASTER",
    "REDIS_SENTINEL_PASSWORD",
    "REDIS_USERNAME",
    "REDIS_PASSWORD",
    "REDIS_TLS",
    "REDIS_TLS_CA_FILE",
)
_ADDRESS = re.compile(r"(?:\[(?P<ipv6>[0-9A-Fa-f:.]+)\]|(?P<host>[A-Za-z0-9_.\-]+)):(?P<port>\d+)")
_NAME = re.compile(r"[A-Za-z0-9_.\-]{1,64}")
_YES, _NO = ("yes", "true", "1", "on"), ("no", "false", "0", "off", "")


@dataclass(frozen=True)
class Sentinels:
    addresses: tuple[tuple[str, int], ...]
    """The sentinels, (host, port) each; asked in turn."""
    master: str
    """The name the sentinels watch the primary by (`sentinel monitor <name> …`)."""
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    """The primary's and replicas' login (`requirepass`, or an ACL user's)."""
    sentinel_password: str | None = field(default=None, repr=False)
    """The sentinels' own `requirepass`, when they have one."""
    tls: bool = False
    tls_ca_file: Path | None = None
    """The CA certificates to check the servers' against; unset: the system's."""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Sentinels | None:
        """The settings in `env`, None when REDIS_SENTINELS is not set; ValueError, saying which
        variable and why, when they are wrong."""
        listed = env.get("REDIS_SENTINELS", "").strip()
        if not listed:
            stray = [name for name in ONLY_WITH_SENTINELS if env.get(name)]
            if stray:
                raise ValueError(
                    f"{stray[0]} is for Redis with Sentinel: set REDIS_SENTINELS too (a single "
                    "server takes all of it in REDIS_URL: rediss://user:password@host:6379/0)"
                )
            return None
        addresses = tuple(_address(entry.strip()) for entry in listed.split(","))
        master = env.get("REDIS_SENTINEL_MASTER", "").strip()
        if not master:
            raise ValueError(
                "REDIS_SENTINELS also needs REDIS_SENTINEL_MASTER: the name the sentinels watch "
                "the primary by (`sentinel monitor <name> …` in sentinel.conf)"
            )
        if not _NAME.fullmatch(master):
            raise ValueError(
                f"REDIS_SENTINEL_MASTER={master!r}: a sentinel's name for its primary is letters, "
                "digits, '_', '.' or '-'"
            )
        tls = env.get("REDIS_TLS", "").strip().lower()
        if tls not in _YES + _NO:
            raise ValueError(f"REDIS_TLS={tls!r}: use yes or no")
        ca_file = env.get("REDIS_TLS_CA_FILE") or None
        if ca_file and tls not in _YES:
            raise ValueError("REDIS_TLS_CA_FILE is for TLS: set REDIS_TLS=yes too")
        if ca_file and not Path(ca_file).is_file():
            raise ValueError(f"REDIS_TLS_CA_FILE={ca_file!r}: no such file")
        return cls(
            addresses=addresses,
            master=master,
            username=env.get("REDIS_USERNAME") or None,
            password=env.get("REDIS_PASSWORD") or None,
            sentinel_password=env.get("REDIS_SENTINEL_PASSWORD") or None,
            tls=tls in _YES,
            tls_ca_file=Path(ca_file) if ca_file else None,
        )

    def primary(self, options: Mapping[str, Any]) -> redis.Redis:
        """A client of whichever server the sentinels name the primary, with `options` (the
        timeouts and retries of `bot.store.server`)."""
        tls: dict[str, Any] = {}
        if self.tls:
            tls = {"ssl": True, "ssl_ca_certs": str(self.tls_ca_file) if self.tls_ca_file else None}
        connection = PrimaryTLSConnection if self.tls else PrimaryConnection
        sentinel = WatchedSentinel(
            list(self.addresses),
            sentinel_kwargs={
                "password": self.sentinel_password,
                "socket_connect_timeout": SENTINEL_TIMEOUT,
                "socket_timeout": SENTINEL_TIMEOUT,
                **tls,
            },
            username=self.username,
            password=self.password,
            **tls,
            **options,
        )
        client: redis.Redis = sentinel.master_for(self.master, connection_class=connection)
        return client

    def where(self) -> str:
        """For the operator's eyes: `primary "drill" of sentinels 10.0.0.5:26379, …`."""
        listed = ", ".join(f"{host}:{port}" for host, port in self.addresses)
        return f'primary "{self.master}" of sentinels {listed}'


class WatchedSentinel(Sentinel):
    """redis-py's Sentinel, logging each primary it is told of that differs from the last: the
    moment this process saw a failover."""

    _last: tuple[str, int] | None = None

    def discover_master(self, service_name: str) -> tuple[str, int]:
        address: tuple[str, int] = super().discover_master(service_name)
        if address != self._last:
            if self._last is not None:
                log.warning(
                    'Redis: the sentinels name a new primary of "%s": %s:%s (was %s:%s)',
                    service_name, *address, *self._last,
                )  # fmt: skip
            self._last = address
        return address


class PrimaryConnection(SentinelManagedConnection):
    """redis-py's connection to the sentinels' primary, asking them where it is each time it
    opens a socket. redis-py (8.x) reopens a connection dropped mid-command where it was, and
    after a failover that is the old primary: every retry of the command would go there."""

    def _connect(self) -> Any:
        if self.connection_pool.is_master:
            self.host, self.port = self.connection_pool.get_master_address()
        return super()._connect()  # type: ignore[no-untyped-call]


class PrimaryTLSConnection(PrimaryConnection, SSLConnection):
    pass


def is_failover(error: BaseException) -> bool:
    """An error that says a failover is under way: no sentinel names a primary yet, or the
    server still taken for the primary has become a replica (READONLY)."""
    return (
        isinstance(error, MasterNotFoundError | ReadOnlyError)
        or (isinstance(error, ResponseError) and "READONLY" in str(error))
        or "previous master is now a slave" in str(error)
    )


def _address(entry: str) -> tuple[str, int]:
    found = _ADDRESS.fullmatch(entry)
    if found is None or not 0 < int(found["port"]) < 65536:
        raise ValueError(
            f"REDIS_SENTINELS: {entry!r} is not host:port (e.g. 10.0.0.5:26379 or "
            "[::1]:26379), comma-separated"
        )
    return found["ipv6"] or found["host"], int(found["port"])
