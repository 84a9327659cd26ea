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

from bot.alerts.grammar import EXAMPLE as ALERT_EXAMPLE
from bot.alerts.grammar import USAGE as ALERT_USAGE
from bot.alerts.grammar import AlertQuery, parse_alert
from bot.analytics.precedents import HORIZONS
from bot.analytics.returns import PERIODS
from bot.days import check_day
from bot.errors import CommandError
from bot.summaries.grammar import EXAMPLE as DAILY_EXAMPLE
from bot.summaries.grammar import USAGE as SUBSCRIBE_USAGE
from bot.summaries.grammar import (
    SubscriptionQuery,
    parse_subscription,
    parse_subscriptions,
)
from bot.universe import NDX, RUT, SPX, Instrument, UnknownName, is_known, resolve


@dataclass(frozen=True)
class StreakQuery:
    a: Instrument = RUT
    b: Instrument = SPX


@dataclass(frozen=True)
class ReturnsQuery:
    period: str = "ytd"
    instruments: tuple[Instrument, ...] = (RUT, SPX, NDX)


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
    | StatusQuery
    | HelpQuery
    | AlertQuery
    | SubscriptionQuery
)


Parser = Callable[[list[str], int], Query]


@dataclass(frozen=True)
class Command:
    name: str
    query: Query = field(default_factory=HelpQuery)
    as_of: date | None = None


EXAMPLES: dict[str, tuple[str, str]] = {
    "streak": ("streak [A vs B]", "streak iwm vs spy"),
    "returns": ("returns [period] [names...]", "returns ytd"),
    "precedents": ("precedents [min_sessions] [3m|6m|12m]", "precedents 12"),
    "sizes": ("sizes [period]", "sizes"),
    "levels": ("levels [name] | levels set <value> <label> | levels remove <value>", "levels rut"),
    "sectors": ("sectors [period]", "sectors 3m"),
    "chart": ("chart [period] [A vs B]", "chart 1y"),
    "valuation": ("valuation", "valuation"),
    "flows": ("flows", "flows"),
    "macro": ("macro", "macro"),
    "status": ("status", "status"),
    "alert": (ALERT_USAGE, ALERT_EXAMPLE),
    "subscribe": (SUBSCRIBE_USAGE, DAILY_EXAMPLE),
    "unsubscribe": ("unsubscribe daily | unsubscribe alerts", "unsubscribe daily"),
    "subscriptions": ("subscriptions", "subscriptions"),
    "help": ("help [command]", "help streak"),
}


def subcommand_of(text: str) -> str:
    """The subcommand `text` asks for, from the fixed set of names (`other` when none): a
    label for metrics, never user text."""
    words = text.split(maxsplit=1)
    if not words:
        return "help"
    word = words[0].lower()
    word = _SYNONYMS.get(word, word)
    return word if word in EXAMPLES else "other"


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
}
_VERSUS = {"vs", "vs.", "v", "versus", "against"}
_AS_OF = re.compile(r"(?:^|\s)(?:--as-of(?:=|\s+)|as\s+of\s+)(\S*)", re.IGNORECASE)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PERIOD_SHAPE = re.compile(r"\d+[a-z]{1,3}|[a-z]td")
_COMMAND_PREFIX = re.compile(r"^/?smallcaps\b", re.IGNORECASE)


def parse(text: str, example_year: int = 2025) -> Command:
    """The command `text` asks for; CommandError says what is wrong and shows a correct example."""
    text, as_of = _take_as_of(text)
    words = _COMMAND_PREFIX.sub("", text.strip()).split()
    if not words:
        return Command("help", HelpQuery(), as_of)
    word = words[0].lower()
    name = _SYNONYMS.get(word, word)
    if name not in EXAMPLES:
        close = difflib.get_close_matches(word, list(EXAMPLES) + list(_SYNONYMS), n=1, cutoff=0.6)
        hint = f"did you mean `{_SYNONYMS.get(close[0], close[0])}`? " if close else ""
        raise CommandError(f"unknown command '{words[0]}': {hint}try `help`", "streak")
    parser = _PARSERS[name]
    return Command(name, parser(words[1:], example_year), as_of)


def _take_as_of(text: str) -> tuple[str, date | None]:
    found = list(_AS_OF.finditer(text))
    if not found:
        return text, None
    if len(found) > 1:
        raise CommandError("give one as-of date, not several", "streak as of 2026-01-20")
    value = found[0].group(1)
    if not _DATE.fullmatch(value):
        raise CommandError(f"'{value}' is not a date: use YYYY-MM-DD", "streak as of 2026-01-20")
    try:
        as_of = date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"'{value}' is not a date on the calendar", "streak as of 2026-01-20"
        ) from None
    start, end = found[0].span()
    return text[:start] + " " + text[end:], check_day(as_of, "streak as of 2026-01-20")


def _instrument(word: str, command: str) -> Instrument:
    try:
        return resolve(word)
    except UnknownName as error:
        raise CommandError(str(error), EXAMPLES[command][1]) from None


def _period(word: str, command: str, example_year: int) -> str | None:
    """`word` as a period, None when it is not one; an error when it looks like a mistyped one."""
    lowered = word.lower()
    if lowered in PERIODS:
        return lowered
    if lowered.isdigit() and len(lowered) == 4 and 1900 <= int(lowered) <= 2100:
        return lowered
    if is_known(word) and not _PERIOD_SHAPE.fullmatch(lowered):
        return None
    close = difflib.get_close_matches(lowered, PERIODS, n=1, cutoff=0.6)
    if close or _PERIOD_SHAPE.fullmatch(lowered) or lowered.isdigit():
        first = close[0] if close else "ytd"
        options = ", ".join(dict.fromkeys([first, "1m", "3m", str(example_year)]))
        raise CommandError(f"unknown period '{word}': try {options}", f"{command} {first}")
    return None


def _no_arguments(command: str, query: Query) -> Parser:
    def parse_none(words: list[str], example_year: int) -> Query:
        if words:
            raise CommandError(f"`{command}` takes no arguments", command)
        return query

    return parse_none


def _streak(words: list[str], example_year: int) -> StreakQuery:
    a, b = _pair(words, "streak")
    return StreakQuery(a, b)


def _pair(words: list[str], command: str) -> tuple[Instrument, Instrument]:
    if not words:
        return RUT, SPX
    if len(words) == 1 and "/" not in words[0]:
        return _instrument(words[0], command), SPX
    if len(words) == 1:
        left, _, right = words[0].partition("/")
        words = [left, "vs", right]
    if len(words) == 3 and words[1].lower() in _VERSUS:
        return _instrument(words[0], command), _instrument(words[2], command)
    if len(words) == 2:
        return _instrument(words[0], command), _instrument(words[1], command)
    raise CommandError(f"could not read '{' '.join(words)}' as A vs B", EXAMPLES[command][1])


def _returns(words: list[str], example_year: int) -> ReturnsQuery:
    period: str | None = None
    instruments: list[Instrument] = []
    for word in words:
        as_period = _period(word, "returns", example_year) if period is None else None
        if as_period is not None:
            period = as_period
        else:
            instruments.append(_instrument(word, "returns"))
    if len(instruments) > 12:
        raise CommandError("ask for at most 12 names at once", "returns ytd rut spx")
    default = ReturnsQuery()
    return ReturnsQuery(period or default.period, tuple(instruments) or default.instruments)


def _single_period(command: str, default: str) -> Parser:
    def parse_period(words: list[str], example_year: int) -> Query:
        if len(words) > 1:
            raise CommandError(f"`{command}` takes one period at most", f"{command} {default}")
        period = _period(words[0], command, example_year) if words else default
        if period is None:
            raise CommandError(
                f"unknown period '{words[0]}': try ytd, 1m, 3m, {example_year}",
                f"{command} {default}",
            )
        return SizesQuery(period) if command == "sizes" else SectorsQuery(period)

    return parse_period


def _precedents(words: list[str], example_year: int) -> PrecedentsQuery:
    min_length: int | None = None
    horizon = "12m"
    rest = []
    for word in words:
        lowered = word.lower()
        if lowered.isdigit() and min_length is None:
            min_length = int(lowered)
            if not 1 <= min_length <= 250:
                raise CommandError(
                    "the minimum streak length is 1 to 250 sessions", "precedents 12"
                )
        elif lowered in HORIZONS or lowered == "1y":
            horizon = "12m" if lowered == "1y" else lowered
        else:
            rest.append(word)
    if rest and not any(w.lower() in _VERSUS or "/" in w for w in rest):
        raise CommandError(
            f"could not read '{' '.join(rest)}': give a length and a horizon", "precedents 12 6m"
        )
    a, b = _pair(rest, "precedents")
    return PrecedentsQuery(min_length, horizon, a, b)


def _chart(words: list[str], example_year: int) -> ChartQuery:
    period = _period(words[0], "chart", example_year) if words else None
    rest = words[1:] if period else words
    if rest and len(rest) != 3 and not (len(rest) == 1 and "/" in rest[0]):
        raise CommandError(f"could not read '{' '.join(rest)}' as A vs B", "chart 1y iwm vs spy")
    a, b = _pair(rest, "chart")
    return ChartQuery(period or ChartQuery.period, a, b)


def _levels(words: list[str], example_year: int) -> LevelsQuery | EditLevelsQuery:
    if words and words[0].lower() in ("set", "remove"):
        return _edit_levels(words[0].lower(), words[1:])
    if len(words) > 1:
        raise CommandError("`levels` takes one name at most", "levels rut")
    return LevelsQuery(_instrument(words[0], "levels")) if words else LevelsQuery()


_LEVEL_VALUE = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?|\d{1,7}(\.\d+)?")
_LABEL = re.compile(r"[\w .,'&/()+-]{1,40}")


def _edit_levels(action: str, words: list[str]) -> EditLevelsQuery:
    example = "levels set 2750 Resistance" if action == "set" else "levels remove 2750"
    if not words or not _LEVEL_VALUE.fullmatch(words[0]):
        got = f"'{words[0]}'" if words else "nothing"
        raise CommandError(f"a level is a number such as 2750 or 2,750.5, not {got}", example)
    value = float(words[0].replace(",", ""))
    if not 0 < value < 10_000_000:
        raise CommandError("a level is a positive number below 10,000,000", example)
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


def _help(words: list[str], example_year: int) -> HelpQuery:
    if not words:
        return HelpQuery()
    topic = _SYNONYMS.get(words[0].lower(), words[0].lower())
    if topic not in EXAMPLES:
        raise CommandError(f"there is no command '{words[0]}' to explain", "help streak")
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
    "status": _no_arguments("status", StatusQuery()),
    "alert": parse_alert,
    "subscribe": parse_subscription(True),
    "unsubscribe": parse_subscription(False),
    "subscriptions": parse_subscriptions,
    "help": _help,
}
