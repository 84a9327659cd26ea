"""What every command's words share: the `as of` date split off the text, periods, pairs of
names (`A vs B`), and commands that take nothing. Each command reads the rest of its words in
its own module (`bot/commands/<name>.py`); names are read in `bot/names.py`, numbers in
`bot/amounts.py`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from bot.amounts import is_digits
from bot.analytics.returns import PERIODS
from bot.days import EARLIEST_DAY, check_day
from bot.errors import CommandError, shown
from bot.help import PERIOD_LIST
from bot.names import instrument
from bot.options import GivenOnce
from bot.universe import RUT, SPX, Instrument, is_known

VERSUS = {"vs", "vs.", "v", "versus", "against"}
_AS_OF = re.compile(r"(?:^|\s)(?:--as-of(?:=|\s+)|as\s+of\s+)(\S*)", re.IGNORECASE)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_PERIOD_SHAPE = re.compile(r"\d+[a-z]{1,3}|[a-z]td", re.ASCII)
_COMMAND_PREFIX = re.compile(r"^/?smallcaps\b", re.IGNORECASE)

Parser = Callable[[list[str], date | None], Any]
"""A command's words after its name, and today (None: no bound on the years named), read into
one of its queries; CommandError says what is wrong."""


def words_of(text: str) -> list[str]:
    """The words of a command, `/smallcaps` dropped when it was typed too."""
    return _COMMAND_PREFIX.sub("", text.strip()).split()


def split_as_of(text: str) -> tuple[str, date | None]:
    """The text without its `as of YYYY-MM-DD` (or `--as-of`), and that date."""
    found = list(_AS_OF.finditer(text))
    if not found:
        return text, None
    given = GivenOnce("streak as of 2026-01-20")
    for each in found:
        given.give("give the as-of date", each.group(0).strip())
    value = found[0].group(1)
    if not _DATE.fullmatch(value):
        raise CommandError(
            f"{shown(value)} is not a date: use YYYY-MM-DD", "streak as of 2026-01-20"
        )
    try:
        as_of = date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"{shown(value)} is not a date on the calendar", "streak as of 2026-01-20"
        ) from None
    start, end = found[0].span()
    return text[:start] + " " + text[end:], check_day(as_of, "streak as of 2026-01-20")


def period(word: str, command: str, today: date | None) -> str | None:
    """`word` as a period, None when it is not one; an error when it looks like a mistyped one
    or names a year before any data or still to come."""
    lowered = word.lower()
    if lowered in PERIODS:
        return lowered
    if len(lowered) == 4 and is_digits(lowered):
        year = int(lowered)
        if year < EARLIEST_DAY.year:
            raise CommandError(
                f"{year} is before any market data: name a year from {EARLIEST_DAY.year} on",
                f"{command} 2013",
            )
        if today is not None and year > today.year:
            raise CommandError(
                f"{year} has not happened yet: name a year up to {today.year}", f"{command} ytd"
            )
        return lowered
    if is_known(word) and not _PERIOD_SHAPE.fullmatch(lowered):
        return None
    close = difflib.get_close_matches(lowered, PERIODS, n=1, cutoff=0.6)
    if close or _PERIOD_SHAPE.fullmatch(lowered) or lowered.isdigit():
        raise CommandError(unknown_period(word, close), f"{command} {close[0] if close else 'ytd'}")
    return None


def unknown_period(word: str, close: list[str]) -> str:
    hint = f"did you mean {close[0]}? " if close else ""
    return f"unknown period {shown(word)}: {hint}use {PERIOD_LIST} or a year such as 2013"


def single_period(words: list[str], command: str, default: str, today: date | None) -> str:
    """The one period a command takes (`sizes 5d`), or its default."""
    given = GivenOnce(f"{command} {default}")
    chosen = default
    for word in words:
        as_period = period(word, command, today)
        if as_period is None:
            raise CommandError(unknown_period(word, []), f"{command} {default}")
        given.give("give the period", word)
        chosen = as_period
    return chosen


def no_arguments(command: str, query: Any) -> Parser:
    """The parser of a command that takes no words: always `query`."""

    def parse_none(words: list[str], today: date | None) -> Any:
        if words:
            raise CommandError(f"`{command}` takes no arguments", command)
        return query

    return parse_none


def pair(words: list[str], example: str) -> tuple[Instrument, Instrument]:
    """`A vs B`, `A/B`, `A B` or `A` (against the S&P 500): two different instruments."""
    if not words:
        return RUT, SPX
    if len(words) == 1 and "/" in words[0]:
        left, _, right = words[0].partition("/")
        words = [left, "vs", right]
    if words[0].lower() in VERSUS or words[-1].lower() in VERSUS:
        raise CommandError("`vs` takes a name on each side", example)
    if len(words) == 3 and words[1].lower() in VERSUS:
        words = [words[0], words[2]]
    if len(words) == 1:
        a, b = instrument(words[0], example), SPX
    elif len(words) == 2 and all(words):
        a, b = instrument(words[0], example), instrument(words[1], example)
    else:
        raise CommandError(f"could not read {shown(' '.join(words))} as A vs B", example)
    if a == b:
        raise CommandError(f"compare two different names, not {a.name} with itself", example)
    return a, b
