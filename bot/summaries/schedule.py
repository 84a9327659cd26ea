"""When a channel's daily summary is due, and which session it describes. Pure: time goes in.

A summary is due at the channel's local time on each local day that is an NYSE trading day,
and describes the newest session that had closed by then, in exchange time, whatever the
channel's zone: a Tokyo morning summary describes the previous New York session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import EXCHANGE_TZ
from bot.trading_calendar import is_trading_day, last_close, session_close

DEFAULT_AT = time(16, 30)
DEFAULT_ZONE = "America/New_York"
REGULAR_CLOSE = time(16, 0)
_LOOKAHEAD_DAYS = 15
"""A trading day comes within this many days of any moment (the longest NYSE closure the
calendar knows, the 1933 bank holiday, was seven weekdays)."""


@dataclass(frozen=True)
class DailyTime:
    """A time of day in an IANA zone: when a channel wants its summary."""

    at: time = DEFAULT_AT
    zone: str = DEFAULT_ZONE

    def describe(self) -> str:
        return f"{self.at:%H:%M} {self.zone}"


def next_due(when: DailyTime, after: datetime) -> datetime:
    """The first moment after `after` that is `when.at` in `when.zone` on a local day that is
    an NYSE trading day, in UTC. Daylight saving is the zone's own: 09:15 London stays 09:15
    London on both sides of a change."""
    zone = ZoneInfo(when.zone)
    first = after.astimezone(zone).date()
    for offset in range(_LOOKAHEAD_DAYS):
        day = first + timedelta(days=offset)
        if not is_trading_day(day):
            continue
        due = datetime.combine(day, when.at, tzinfo=zone).astimezone(UTC)
        if due > after:
            return due
    raise ValueError(f"no trading day within {_LOOKAHEAD_DAYS} days of {after.isoformat()}")


def session_at(moment: datetime) -> date | None:
    """The session a summary due at `moment` describes: the newest that had closed by then."""
    return last_close(moment)


def early_close(session: date) -> datetime | None:
    """When `session` closed, if that was before the regular 16:00 New York close."""
    closed = session_close(session)
    return closed if closed.astimezone(EXCHANGE_TZ).time() < REGULAR_CLOSE else None


def local(moment: datetime, zone: str) -> str:
    """`moment` as the channel reads it: "Tue 2026-11-24 09:15 Europe/London"."""
    return f"{moment.astimezone(ZoneInfo(zone)):%a %Y-%m-%d %H:%M} {zone}"
