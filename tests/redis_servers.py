"""Stopping a real redis-server the way an operator or a stopping host would."""

from __future__ import annotations

import contextlib
import time

import psutil
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry


def process_gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def stop_server(client: redis.Redis, save: bool) -> None:
    """SHUTDOWN the server of `client`, as an operator (or a stopping host) would.

    The server closes the connection instead of answering, so the command is sent by a client
    that does not retry, and the ConnectionError that may surface is expected.
    """
    pid = int(client.info()["process_id"])
    admin = redis.Redis(
        unix_socket_path=client.connection_pool.connection_kwargs["path"],
        retry=Retry(NoBackoff(), 0),
    )
    with contextlib.suppress(redis.ConnectionError):
        admin.shutdown(save=save, nosave=not save)
    admin.close()
    client.connection_pool.disconnect()
    deadline = time.monotonic() + 10
    while not process_gone(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert process_gone(pid), f"redis-server {pid} did not stop"
