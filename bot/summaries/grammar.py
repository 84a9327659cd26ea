"""The words of `subscribe`, `unsubscribe` and `subscriptions`, read into typed queries.

subscribe daily [at HH:MM] [ZONE]      (default 16:30 America/New_York; zones: zones.py)
unsubscribe daily
subscribe alerts | unsubscribe alerts
subscriptions
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time

from bot.alerts.grammar import AlertsSubscriptionQuery
from bot.errors import CommandError, shown
from bot.options import GivenOnce
from bot.summaries.schedule import DEFAULT_AT, DEFAULT_ZONE, DailyTime
from bot.summaries.zones import EXAMPLE, time_zone


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

_DAILY = ("daily", "summary", "summaries")
_TIME = re.compile(r"(\d{1,2})(?::(\d{2}))?(am|pm)?", re.ASCII)
_RUN_TOGETHER = re.compile(r"(\d{1,2})(\d{2})", re.ASCII)
"""`0915`: hours and minutes typed without their colon."""


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
    """`[at] HH:MM [am|pm]` and a zone, in either order, each at most once and each with its
    default. A word that starts with a digit or has a colon is read as a time, never a zone."""
    at: time | None = None
    zone: str | None = None
    given = GivenOnce(EXAMPLE)
    rest = list(words)
    while rest:
        word = rest.pop(0)
        if word.lower() == "at":
            if not rest or rest[0].lower() == "at":
                raise CommandError("`at` takes a time, such as 09:15 or 9:15am", EXAMPLE)
        elif word[:1].isdigit() or ":" in word:
            if rest and rest[0].lower() in ("am", "pm"):
                word += rest.pop(0)
            given.give("give the time", word)
            at = clock_time(word)
        else:
            given.give("give the time zone", word)
            zone = time_zone(word)
    return DailyTime(at or DEFAULT_AT, zone or DEFAULT_ZONE)


def clock_time(word: str) -> time:
    """`word` as a time of day: `09:15`, `9:15am`, `8am`, `16:45`."""
    found = _TIME.fullmatch(word.lower())
    if not found or (found.group(2) is None and found.group(3) is None):
        digits = _RUN_TOGETHER.fullmatch(word)
        meant = digits and int(digits[1]) < 24 and int(digits[2]) < 60
        hint = f"did you mean {int(digits[1]):02d}:{digits[2]}? " if digits and meant else ""
        raise CommandError(
            f"{shown(word)} is read as a time, but a time is written with a colon: "
            f"{hint}use HH:MM such as 09:15, or 9:15am",
            EXAMPLE,
        )
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
