"""What every entry point (`python -m bot`, `python -m jobs`) does first: logging, settings from
the environment, and SIGTERM as a normal exit."""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Mapping

from bot.config import ConfigError, Settings
from bot.logs import configure, secrets_of
from bot.metrics import SOURCE_HEALTH
from bot.services import Services
from bot.store.server import ANSWERING_PATIENCE

log = logging.getLogger(__name__)


def start(level: int, quieter: Mapping[str, int], clock: bool = False) -> Services | None:
    """The services from the environment, or None after printing why the settings are wrong.

    Logs go to stderr: JSON lines unless stderr is a terminal, with the tokens masked. The
    clock's Redis commands keep trying through a failover (SMALLCAPS_REDIS_RETRY_SECONDS);
    every other process's give up quickly, to answer people in time.
    """
    try:
        settings = Settings.from_env()
    except ConfigError as error:
        print(f"smallcaps: {error}", file=sys.stderr)
        return None
    configure(level, quieter, secrets=secrets_of(settings))
    # A stop request (Heroku, systemd, a container) or a closed terminal (SIGHUP) exits
    # normally, so exit hooks run: the embedded Redis saves and stops instead of outliving the
    # process, and the console keeps its history.
    for stop in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop, lambda signum, frame: sys.exit(0))
    patience = settings.redis_retry_seconds if clock else ANSWERING_PATIENCE
    services = Services(settings, redis_patience=patience)
    SOURCE_HEALTH.read = services.status.source_health
    return services


def warn_of_embedded_state(settings: Settings, process: str) -> None:
    """A web or clock process with no Redis setting keeps its state in an embedded Redis of its
    own: another machine's processes, or ones with another SMALLCAPS_HOME, never see it."""
    if settings.redis_url or settings.sentinels:
        return
    log.warning(
        "%s process without REDIS_URL or REDIS_SENTINELS: its state is in an embedded Redis "
        "under %s, shared only with processes on this machine with the same SMALLCAPS_HOME; "
        "web and clock processes elsewhere will not see it",
        process,
        settings.home.resolve(),
    )
