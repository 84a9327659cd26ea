"""`subscribe daily [at HH:MM] [zone]`, `subscribe alerts`: a channel's daily summary at its time
and zone, or the built-in alerts; and how a change to the daily summary reads (`unsubscribe`'s
too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time

from bot.commands.base import Command, Computed, Context, Presenter
from bot.errors import CommandError, shown
from bot.help import Topic
from bot.options import GivenOnce
from bot.render.layout import Document, et, from_lines
from bot.render.numbers import day
from bot.summaries.reports import DailyChangeReport, DailySubscriptionLine
from bot.summaries.schedule import DEFAULT_AT, DEFAULT_ZONE, DailyTime, local
from bot.summaries.zones import EXAMPLE, time_zone


@dataclass(frozen=True)
class DailySubscribeQuery:
    when: DailyTime


@dataclass(frozen=True)
class AlertsSubscribeQuery:
    pass


DAILY = ("daily", "summary", "summaries")
"""The words for the daily summary."""
_TIME = re.compile(r"(\d{1,2})(?::(\d{2}))?(am|pm)?", re.ASCII)
_RUN_TOGETHER = re.compile(r"(\d{1,2})(\d{2})", re.ASCII)
"""`0915`: hours and minutes typed without their colon."""


def parse(words: list[str], today: date | None) -> DailySubscribeQuery | AlertsSubscribeQuery:
    kind = words[0].lower() if words else ""
    if kind == "alerts" and len(words) == 1:
        return AlertsSubscribeQuery()
    if kind in DAILY:
        return DailySubscribeQuery(daily_time(words[1:]))
    raise CommandError(f"`subscribe` takes `daily` or `alerts`, not {nothing_or(words)}", EXAMPLE)


def nothing_or(words: list[str]) -> str:
    return shown(" ".join(words)) if words else "nothing"


def compute(ctx: Context, query: DailySubscribeQuery | AlertsSubscribeQuery, on: date) -> Computed:
    where = ctx.channel("subscriptions")
    if isinstance(query, AlertsSubscribeQuery):
        return Computed(ctx.alerts.subscribe(where.channel, where.workspace, where.user))
    return Computed(ctx.subscriptions.subscribe(where, query.when))


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


def change_headline(r: DailyChangeReport) -> str:
    line = r.subscription
    if r.action == "unsubscribed":
        return "Daily summary stopped in this channel"
    verb = "moved to" if r.action == "moved" else "on, at"
    return f"Daily summary {verb} {line.at} {line.zone}; next {local(line.next_due, line.zone)}"


def next_summary(line: DailySubscriptionLine) -> str:
    when = f"{local(line.next_due, line.zone)} ({et(line.next_due)})"
    about = f", on the session of {day(line.next_session)}" if line.next_session else ""
    return f"Next: {when}{about}."


def change_document(r: DailyChangeReport) -> Document:
    line = r.subscription
    if r.action == "unsubscribed":
        return from_lines(
            [
                "Daily summary stopped",
                f"This channel no longer gets the daily summary (it came at {line.at} "
                f"{line.zone}).",
            ]
        )
    was = f" (was {r.previous})" if r.previous else ""
    return from_lines(
        [
            "Daily summary on" if r.action == "subscribed" else "Daily summary moved",
            f"Every NYSE trading day at {line.at} {line.zone}{was}: the returns, the streak, "
            "sizes, levels, valuation, sectors and a chart, of the latest closed session.",
            next_summary(line),
        ]
    )


COMMAND = Command(
    name="subscribe",
    parse=parse,
    queries=(DailySubscribeQuery, AlertsSubscribeQuery),
    compute=compute,
    presenters={DailyChangeReport: Presenter(change_headline, change_document)},
    topic=Topic(
        "a daily summary at your time and zone, or the built-in alerts",
        ("subscribe daily [at HH:MM] [time zone]", "subscribe alerts"),
        (
            "Default: 16:30 America/New_York, on NYSE trading days. Zones: any IANA name "
            "(Europe/London, Asia/Tokyo), UTC, or ET for New York's clock (EST in winter, "
            "EDT in summer; CT, MT, PT alike). EST, PDT and other one-season names are "
            "refused: each is a fixed offset, not the city's clock. 9:15am works too.",
        ),
        "subscribe daily at 09:15 Europe/London",
    ),
    changes=(DailySubscribeQuery, AlertsSubscribeQuery),
)
