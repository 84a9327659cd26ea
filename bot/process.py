"""What every entry point (`python -m bot`, `python -m jobs`) does first: logging, settings from
the environment, and SIGTERM as a normal exit."""

from __future__ import annotations

import signal
import sys
from collections.abc import Mapping

from bot.config import ConfigError, Settings
from bot.logs import configure, secrets_of
from bot.metrics import SOURCE_HEALTH
from bot.services import Services


def start(level: int, quieter: Mapping[str, int]) -> Services | None:
    """The services from the environment, or None after printing why the settings are wrong.

    Logs go to stderr: JSON lines unless stderr is a terminal, with the tokens masked.
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
    services = Services(settings)
    SOURCE_HEALTH.read = services.status.source_health
    return services
