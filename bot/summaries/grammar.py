"""The words of `subscribe`, `unsubscribe` and `subscriptions`, read into typed queries.

subscribe daily [at HH:MM] [ZONE]      (default 16:30 America/New_York; any IANA zone)
unsubscribe daily
subscribe alerts | unsubscribe alerts
subscriptions
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from functools import cache
from zoneinfo import available_timezones

from bot.alerts.grammar import AlertsSubscriptionQuery
from bot.errors import CommandError, shown
from bot.summaries.schedule import DEFAULT_AT, DEFAULT_ZONE, DailyTime


@dataclass(frozen=True)
class DailySubscribeQuery:
    when: DailyTime


@dataclass(frozen=True)
class DailyUnsubscribeQuery:
    pass


@dataclass(frozen=True)
class SubscriptionsQuery:
    pass


SubscriptionQuery = (
    DailySubscribeQuery | DailyUnsubscribeQuery | SubscriptionsQuery | AlertsSubscriptionQuery
)

EXAMPLE = "subscribe daily at 09:15 Europe/London"
_DAILY = ("daily", "summary", "summaries")
_TIME = re.compile(r"(\d{1,2})(?::(\d{2}))?(am|pm)?", re.ASCII)
ALIASES = {
    "et": "America/New_York",
    "est": "America/New_York",
    "edt": "America/New_York",
    "new_york": "America/New_York",
    "ct": "America/Chicago",
    "pt": "America/Los_Angeles",
    "london": "Europe/London",
    "tokyo": "Asia/Tokyo",
    "utc": "UTC",
    "gmt": "UTC",
}
"""Short names people type, besides the IANA names themselves."""


def parse_subscription(subscribe: bool) -> Callable[[list[str], date | None], SubscriptionQuery]:
    verb = "subscribe" if subscribe else "unsubscribe"

    def parse(words: list[str], today: date | None) -> SubscriptionQuery:
        kind = words[0].lower() if words else ""
        if kind == "alerts" and len(words) == 1:
            return AlertsSubscriptionQuery(subscribe)
        if kind in _DAILY:
            if subscribe:
                return DailySubscribeQuery(daily_time(words[1:]))
            if len(words) > 1:
                raise CommandError("`unsubscribe daily` takes nothing more", "unsubscribe daily")
            return DailyUnsubscribeQuery()
        got = shown(" ".join(words)) if words else "nothing"
        example = EXAMPLE if subscribe else "unsubscribe daily"
        raise CommandError(f"`{verb}` takes `daily` or `alerts`, not {got}", example)

    return parse


def parse_subscriptions(words: list[str], today: date | None) -> SubscriptionsQuery:
    if words:
        raise CommandError("`subscriptions` takes no arguments", "subscriptions")
    return SubscriptionsQuery()


def daily_time(words: list[str]) -> DailyTime:
    """`[at] HH:MM [am|pm]` and a zone, in either order; each has its default."""
    at: time | None = None
    zone: str | None = None
    rest = [w for w in words if w.lower() != "at"]
    while rest:
        word = rest.pop(0)
        if (_TIME.fullmatch(word.lower()) or ":" in word) and at is None:
            if rest and rest[0].lower() in ("am", "pm"):
                word += rest.pop(0)
            at = clock_time(word)
        elif zone is None:
            zone = time_zone(word)
        else:
            raise CommandError(f"{shown(word)} is neither a time nor a time zone", EXAMPLE)
    return DailyTime(at or DEFAULT_AT, zone or DEFAULT_ZONE)


def clock_time(word: str) -> time:
    found = _TIME.fullmatch(word.lower())
    if not found or (found.group(2) is None and found.group(3) is None):
        raise CommandError(f"{shown(word)} is not a time of day: use HH:MM", EXAMPLE)
    hour, minute, half = int(found.group(1)), int(found.group(2) or 0), found.group(3)
    if half:
        if not 1 <= hour <= 12:
            raise CommandError(
                f"{shown(word)} is not a time of day: {hour} is not a 12-hour hour", EXAMPLE
            )
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise CommandError(f"{shown(word)} is not a time of day: use 00:00 to 23:59", EXAMPLE)
    return time(hour, minute)


@cache
def _zones() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def time_zone(word: str) -> str:
    """An IANA time zone name, in any case, or a short name such as ET or London."""
    lowered = word.lower()
    if lowered in ALIASES:
        return ALIASES[lowered]
    if lowered in _zones():
        return _zones()[lowered]
    close = difflib.get_close_matches(lowered, list(_zones()), n=1, cutoff=0.75)
    hint = (
        f": did you mean {_zones()[close[0]]}?" if close else ", e.g. Europe/London or Asia/Tokyo"
    )
    raise CommandError(f"{shown(word)} is not a time zone I know{hint}", EXAMPLE)
