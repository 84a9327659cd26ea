"""Time, injected: every piece of logic that needs "now" is handed a clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

EXCHANGE_TZ = ZoneInfo("America/New_York")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True)
class ShiftedClock:
    """The real time moved by `offset`: a day replayed as it runs, on every process alike."""

    offset: timedelta

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


@dataclass
class FixedClock:
    """A clock that says what it is told: for tests, replays and as-of answers."""

    at: datetime

    def now(self) -> datetime:
        return self.at


def exchange_today(clock: Clock) -> date:
    """Today's date in New York, where the sessions are counted."""
    return clock.now().astimezone(EXCHANGE_TZ).date()
