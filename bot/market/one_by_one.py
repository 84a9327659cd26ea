"""What the sources asked one series at a time (Stooq, FRED) share: why a series has nothing,
and the loop that asks each in turn and stops once asking more is pointless."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date

import pandas as pd
import requests

from bot.clock import Clock, SystemClock
from bot.errors import UnreachableError, UpstreamError

log = logging.getLogger(__name__)


class Failed(Exception):
    """Why one series has nothing; `stop` when asking further series is pointless (a used-up
    limit, a refused key, a web page instead of data, no connection)."""

    def __init__(self, reason: str, *, stop: bool = False, unreachable: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.stop = stop or unreachable
        self.unreachable = unreachable


class KeyedSource:
    """A source asked over HTTP with an optional key, through a `requests` session (tests
    give one that answers from recordings), dated by a clock."""

    def __init__(
        self,
        api_key: str | None = None,
        session: requests.Session | None = None,
        timeout: float = 20.0,
        clock: Clock | None = None,
    ) -> None:
        self._api_key = api_key or None
        self._session = session or requests.Session()
        self._timeout = timeout
        self._clock = clock or SystemClock()

    def _hide_key(self, text: str) -> str:
        return text.replace(self._api_key, "***") if self._api_key else text


def unreachable_cause(text: str) -> str:
    """A few words on why a source could not be reached, from what `requests` said."""
    lowered = text.lower()
    if "timed out" in lowered or "timeout" in lowered:
        return "timed out"
    if "resolve" in lowered or "name or service" in lowered or "getaddrinfo" in lowered:
        return "name not found"
    if "refused" in lowered:
        return "connection refused"
    if "ssl" in lowered or "certificate" in lowered:
        return "secure connection failed"
    return "no connection"


def ask_each(
    source: str,
    codes: Sequence[str],
    start: date | None,
    read: Callable[[str, date | None], pd.Series],
    empty: Callable[[str], str],
) -> tuple[dict[str, pd.Series], dict[str, str]]:
    """Each code's values from `start` on, asked in order with `read` (which raises `Failed`).

    Once a failure says to stop, the codes not yet asked get the same reason without a
    request. `empty(code)` says why a code whose answer had no value from `start` has none.
    Raises UnreachableError when no code could reach the source, UpstreamError when no code has
    a single value.
    """
    found: dict[str, pd.Series] = {}
    missing: dict[str, str] = {}
    unreachable: set[str] = set()
    stopped: Failed | None = None
    for code in dict.fromkeys(codes):
        if stopped is not None:
            missing[code] = stopped.reason
            if stopped.unreachable:
                unreachable.add(code)
            continue
        try:
            values = read(code, start)
        except Failed as failed:
            log.warning("%s has nothing for %s: %s", source, code, failed.reason)
            stopped = failed if failed.stop else None
            missing[code] = failed.reason
            if failed.unreachable:
                unreachable.add(code)
            continue
        if start is not None:
            values = values[values.index >= pd.Timestamp(start)]
        if values.empty:
            missing[code] = empty(code)
        else:
            found[code] = values
    if found or not missing:
        return found, missing
    reasons = list(dict.fromkeys(missing.values()))
    message = "; ".join(reasons[:2]) + ("; …" if len(reasons) > 2 else "")
    if unreachable == set(missing):
        raise UnreachableError(message)
    raise UpstreamError(message)
