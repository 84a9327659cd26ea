"""The command grammar shared by every front end: text in, a typed command or a clear error out.

streak [A vs B]              returns [period] [names...]     precedents [min] [horizon]
sizes [period]               levels [name]                   sectors [period]
chart [period] [A vs B]      valuation                       flows
macro                        status                          help [command]
alert add|list|remove|pause|resume|test ...                  subscribe|unsubscribe alerts
subscribe daily [at HH:MM] [ZONE]     unsubscribe daily       subscriptions
... as of YYYY-MM-DD | --as-of YYYY-MM-DD
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from bot.alerts.grammar import LEVELS, AlertQuery, parse_alert
from bot.amounts import Bounds, is_digits, number, whole_number
from bot.analytics.precedents import HORIZONS
from bot.analytics.returns import PERIODS
from bot.days import EARLIEST_DAY, check_day
from bot.errors import CommandError, shown
from bot.help import PERIOD_LIST, TOPICS
from bot.help import example as example_of
from bot.names import instrument
from bot.options import GivenOnce
from bot.summaries.grammar import (
    SubscriptionQuery,
    parse_subscription,
    parse_subscriptions,
)
from bot.universe import NASDAQ, RUT, SPX, Instrument, is_known


@dataclass(frozen=True)
class StreakQuery:
    a: Instrument = RUT
    b: Instrument = SPX


@dataclass(frozen=True)
class ReturnsQuery:
    period: str = "ytd"
    instruments: tuple[Instrument, ...] = (RUT, SPX, NASDAQ)


@dataclass(frozen=True)
class PrecedentsQuery:
    min_length: int | None = None
    horizon: str = "12m"
    a: Instrument = RUT
    b: Instrument = SPX


@dataclass(frozen=True)
class SizesQuery:
    period: str = "1d"


@dataclass(frozen=True)
class LevelsQuery:
    target: Instrument = RUT


@dataclass(frozen=True)
class EditLevelsQuery:
    action: str
    value: float
    label: str | None = None


@dataclass(frozen=True)
class SectorsQuery:
    period: str = "ytd"


@dataclass(frozen=True)
class ChartQuery:
    period: str = "1y"
    a: Instrument = RUT
    b: Instrument = SPX


@dataclass(frozen=True)
class ValuationQuery:
    pass


@dataclass(frozen=True)
class FlowsQuery:
    pass


@dataclass(frozen=True)
class MacroQuery:
    pass


@dataclass(frozen=True)
class FedQuery:
    pass


@dataclass(frozen=True)
class StatusQuery:
    pass


@dataclass(frozen=True)
class HelpQuery:
    topic: str | None = None


Query = (
    StreakQuery
    | ReturnsQuery
    | PrecedentsQuery
    | SizesQuery
    | LevelsQuery
    | EditLevelsQuery
    | SectorsQuery
    | ChartQuery
    | ValuationQuery
    | FlowsQuery
    | MacroQuery
    | FedQuery
    | StatusQuery
    | HelpQuery
    | AlertQuery
    | SubscriptionQuery
)


Parser = Callable[[list[str], date | None], Query]
"""A command's words after its name, and today (None: no bound on the years named)."""


@dataclass(frozen=True)
class Command:
    name: str
    query: Query = field(default_factory=HelpQuery)
    as_of: date | None = None


def subcommand_of(text: str) -> str:
    """The subcommand `text` asks for, from the fixed set of names (`other` when none): a
    label for metrics, never user text."""
    words = text.split(maxsplit=1)
    if not words:
        return "help"
    word = words[0].lower()
    word = _SYNONYMS.get(word, word)
    return word if word in TOPICS else "other"


_SYNONYMS = {
    "streaks": "streak",
    "return": "returns",
    "performance": "returns",
    "perf": "returns",
    "precedent": "precedents",
    "size": "sizes",
    "ladder": "sizes",
    "level": "levels",
    "technicals": "levels",
    "sector": "sectors",
    "valuations": "valuation",
    "value": "valuation",
    "?": "help",
    "alerts": "alert",
    "fomc": "fed",
    "rates": "fed",
}
_VERSUS = {"vs", "vs.", "v", "versus", "against"}
_AS_OF = re.compile(r"(?:^|\s)(?:--as-of(?:=|\s+)|as\s+of\s+)(\S*)", re.IGNORECASE)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_PERIOD_SHAPE = re.compile(r"\d+[a-z]{1,3}|[a-z]td", re.ASCII)
_COMMAND_PREFIX = re.compile(r"^/?smallcaps\b", re.IGNORECASE)
_MIN_LENGTHS = Bounds(1, 250, whole=True, unit=" sessions")


def parse(text: str, today: date | None = None) -> Command:
    """The command `text` asks for; CommandError says what is wrong and shows a correct example.

    `today` bounds the years a command may name (a year still to come is an error)."""
    text, as_of = _take_as_of(text)
    words = _COMMAND_PREFIX.sub("", text.strip()).split()
    if not words:
        return Command("help", HelpQuery(), as_of)
    word = words[0].lower()
    name = _SYNONYMS.get(word, word)
    if name not in TOPICS:
        close = difflib.get_close_matches(word, list(TOPICS) + list(_SYNONYMS), n=1, cutoff=0.6)
        hint = f"did you mean `{_SYNONYMS.get(close[0], close[0])}`? " if close else ""
        raise CommandError(f"unknown command {shown(words[0])}: {hint}try `help`", "streak")
    parser = _PARSERS[name]
    return Command(name, parser(words[1:], today), as_of)


def _take_as_of(text: str) -> tuple[str, date | None]:
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


def _period(word: str, command: str, today: date | None) -> str | None:
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
        raise CommandError(
            _unknown_period(word, close), f"{command} {close[0] if close else 'ytd'}"
        )
    return None


def _unknown_period(word: str, close: list[str]) -> str:
    hint = f"did you mean {close[0]}? " if close else ""
    return f"unknown period {shown(word)}: {hint}use {PERIOD_LIST} or a year such as 2013"


def _no_arguments(command: str, query: Query) -> Parser:
    def parse_none(words: list[str], today: date | None) -> Query:
        if words:
            raise CommandError(f"`{command}` takes no arguments", command)
        return query

    return parse_none


def _streak(words: list[str], today: date | None) -> StreakQuery:
    a, b = _pair(words, "streak")
    return StreakQuery(a, b)


def _pair(words: list[str], command: str) -> tuple[Instrument, Instrument]:
    """`A vs B`, `A/B`, `A B` or `A` (against the S&P 500): two different instruments."""
    example = example_of(command)
    if not words:
        return RUT, SPX
    if len(words) == 1 and "/" in words[0]:
        left, _, right = words[0].partition("/")
        words = [left, "vs", right]
    if words[0].lower() in _VERSUS or words[-1].lower() in _VERSUS:
        raise CommandError("`vs` takes a name on each side", example)
    if len(words) == 3 and words[1].lower() in _VERSUS:
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


def _returns(words: list[str], today: date | None) -> ReturnsQuery:
    period: str | None = None
    instruments: list[Instrument] = []
    given = GivenOnce("returns ytd rut spx")
    for word in words:
        as_period = _period(word, "returns", today)
        if as_period is not None:
            given.give("give the period", word)
            period = as_period
        else:
            named = instrument(word, example_of("returns"))
            given.give(f"name the {named.name}", word)
            instruments.append(named)
    if len(instruments) > 12:
        raise CommandError("ask for at most 12 names at once", "returns ytd rut spx")
    default = ReturnsQuery()
    return ReturnsQuery(period or default.period, tuple(instruments) or default.instruments)


def _single_period(command: str, default: str) -> Parser:
    def parse_period(words: list[str], today: date | None) -> Query:
        given = GivenOnce(f"{command} {default}")
        period = default
        for word in words:
            as_period = _period(word, command, today)
            if as_period is None:
                raise CommandError(_unknown_period(word, []), f"{command} {default}")
            given.give("give the period", word)
            period = as_period
        return SizesQuery(period) if command == "sizes" else SectorsQuery(period)

    return parse_period


def _precedents(words: list[str], today: date | None) -> PrecedentsQuery:
    example = example_of("precedents")
    min_length: int | None = None
    horizon = "12m"
    rest = []
    given = GivenOnce(example)
    for word in words:
        lowered = word.lower()
        if is_digits(lowered):
            min_length = whole_number(lowered, "the minimum streak length", _MIN_LENGTHS, example)
            given.give("give the minimum streak length", word)
        elif lowered in HORIZONS or lowered == "1y":
            horizon = "12m" if lowered == "1y" else lowered
            given.give("give the horizon", word)
        else:
            rest.append(word)
    if rest and not any(w.lower() in _VERSUS or "/" in w for w in rest):
        raise CommandError(
            f"could not read {shown(' '.join(rest))}: give a length, a horizon (3m, 6m or 12m) "
            "and A vs B",
            example,
        )
    a, b = _pair(rest, "precedents")
    return PrecedentsQuery(min_length, horizon, a, b)


def _chart(words: list[str], today: date | None) -> ChartQuery:
    """A period and a pair, read as `streak` and `returns` read theirs: a word that is neither
    gets the same hint (`chart max`: "for the longest span use 5y")."""
    period: str | None = None
    rest = []
    given = GivenOnce("chart 1y iwm vs spy")
    for word in words:
        as_period = _period(word, "chart", today)
        if as_period is None:
            rest.append(word)
        else:
            given.give("give the period", word)
            period = as_period
    a, b = _pair(rest, "chart")
    return ChartQuery(period or ChartQuery.period, a, b)


def _levels(words: list[str], today: date | None) -> LevelsQuery | EditLevelsQuery:
    if words and words[0].lower() in ("set", "remove"):
        return _edit_levels(words[0].lower(), words[1:])
    if len(words) > 1:
        raise CommandError("`levels` takes one name at most", "levels rut")
    return LevelsQuery(instrument(words[0], "levels rut")) if words else LevelsQuery()


_LABEL = re.compile(r"[\w .,'&/()+-]{1,40}")


def _edit_levels(action: str, words: list[str]) -> EditLevelsQuery:
    example = "levels set 2750 Resistance" if action == "set" else "levels remove 2750"
    value = number(words[0] if words else None, "a level", LEVELS, example)
    if action == "remove":
        if len(words) > 1:
            raise CommandError("`levels remove` takes just the level", example)
        return EditLevelsQuery("remove", value)
    label = " ".join(words[1:]) or "Watched"
    if not _LABEL.fullmatch(label):
        raise CommandError(
            "a label is up to 40 letters, digits, spaces and simple punctuation", example
        )
    return EditLevelsQuery("set", value, label)


def _help(words: list[str], today: date | None) -> HelpQuery:
    if not words:
        return HelpQuery()
    topic = _SYNONYMS.get(words[0].lower(), words[0].lower())
    if topic not in TOPICS:
        raise CommandError(f"there is no command {shown(words[0])} to explain", "help streak")
    return HelpQuery(topic)


_PARSERS: dict[str, Parser] = {
    "streak": _streak,
    "returns": _returns,
    "precedents": _precedents,
    "sizes": _single_period("sizes", "1d"),
    "levels": _levels,
    "sectors": _single_period("sectors", "ytd"),
    "chart": _chart,
    "valuation": _no_arguments("valuation", ValuationQuery()),
    "flows": _no_arguments("flows", FlowsQuery()),
    "macro": _no_arguments("macro", MacroQuery()),
    "fed": _no_arguments("fed", FedQuery()),
    "status": _no_arguments("status", StatusQuery()),
    "alert": parse_alert,
    "subscribe": parse_subscription(True),
    "unsubscribe": parse_subscription(False),
    "subscriptions": parse_subscriptions,
    "help": _help,
}
