"""The words of `alert ...`, read into typed queries (`subscribe alerts`: bot/summaries/grammar).

alert add <target> above|below|crosses <level> [close|intraday] [once|every] [band 0.5%]
          [cooldown <sessions>]
alert add <target> move <pct>%     alert add spread <pts>     alert add streak <n>
alert list | remove <id> | pause <id> | resume <id>
alert test <id or rule> [since YYYY-MM-DD]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from bot.alerts.machine import Repeat
from bot.alerts.rules import (
    SMALL_VS_LARGE,
    Basis,
    Direction,
    Kind,
    RuleSpec,
    Target,
)
from bot.days import check_day
from bot.errors import CommandError
from bot.universe import UnknownName, resolve


@dataclass(frozen=True)
class AddAlertQuery:
    spec: RuleSpec


@dataclass(frozen=True)
class AlertListQuery:
    pass


@dataclass(frozen=True)
class AlertRuleQuery:
    """`remove`, `pause` or `resume` one rule."""

    action: str
    rule_id: int


@dataclass(frozen=True)
class AlertTestQuery:
    spec: RuleSpec | None
    rule_id: int | None
    since: date | None


@dataclass(frozen=True)
class AlertsSubscriptionQuery:
    subscribe: bool


AlertQuery = (
    AddAlertQuery | AlertListQuery | AlertRuleQuery | AlertTestQuery | AlertsSubscriptionQuery
)

USAGE = (
    "alert add <target> above|below|crosses <level> [close|intraday] [once|every] [band 0.5%] "
    "| alert add <target> move <pct> | alert add spread <pts> | alert add streak <n> "
    "| alert list | alert remove|pause|resume <id> | alert test <id or rule> since <date>"
)
EXAMPLE = "alert add rut above 2750"

MAX_BAND_PCT = 10.0
MAX_COOLDOWN_SESSIONS = 250
_NUMBER = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?|[+-]?\.\d+%?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_alert(words: list[str], example_year: int) -> AlertQuery:
    if not words:
        raise CommandError("say what to do: add, list, remove, pause, resume or test", EXAMPLE)
    action, rest = words[0].lower(), words[1:]
    if action in ("add", "new", "set"):
        return AddAlertQuery(parse_rule(rest, example=EXAMPLE))
    if action in ("list", "ls"):
        if rest:
            raise CommandError("`alert list` takes no arguments", "alert list")
        return AlertListQuery()
    if action in ("remove", "delete", "rm", "pause", "mute", "resume", "unmute"):
        canonical = {"delete": "remove", "rm": "remove", "mute": "pause", "unmute": "resume"}
        action = canonical.get(action, action)
        return AlertRuleQuery(action, _rule_id(rest, f"alert {action} 3"))
    if action == "test":
        return _test(rest, example_year)
    raise CommandError(
        f"unknown alert action '{words[0]}': use add, list, remove, pause, resume or test", EXAMPLE
    )


def _rule_id(words: list[str], example: str) -> int:
    if len(words) != 1 or not words[0].lstrip("#").isdigit():
        got = " ".join(words) or "nothing"
        raise CommandError(f"give the rule's number from `alert list`, not {got}", example)
    return int(words[0].lstrip("#"))


def _test(words: list[str], example_year: int) -> AlertTestQuery:
    example = f"alert test rut crosses 2750 since {example_year}-01-01"
    since: date | None = None
    lowered = [w.lower() for w in words]
    if "since" in lowered:
        at = lowered.index("since")
        value = words[at + 1] if at + 1 < len(words) else ""
        if not _DATE.fullmatch(value) or at + 2 != len(words):
            raise CommandError(f"`since` takes a date YYYY-MM-DD, not '{value}'", example)
        try:
            since = date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"'{value}' is not a date on the calendar", example) from None
        check_day(since, example)
        words = words[:at]
    if not words:
        raise CommandError("say which rule to test: its number or the rule itself", example)
    if len(words) == 1 and words[0].lstrip("#").isdigit():
        return AlertTestQuery(None, int(words[0].lstrip("#")), since)
    return AlertTestQuery(parse_rule(words, example=example), None, since)


def parse_rule(words: list[str], example: str) -> RuleSpec:
    """A rule's words after `alert add`: a target and a condition, then its settings."""
    if not words:
        raise CommandError("say what to watch, e.g. a level on the Russell 2000", example)
    first = words[0].lower()
    if first == "spread":
        level = _amount(words[1:2], "a spread in points", "alert add spread 1.5")
        spec = RuleSpec(Kind.SPREAD, SMALL_VS_LARGE, Direction.ABOVE, level, Basis.INTRADAY)
        return _settings(spec, words[2:], "alert add spread 1.5")
    if first == "streak":
        length = _amount(words[1:2], "a streak length in sessions", "alert add streak 10")
        if length != int(length) or not 2 <= length <= 250:
            raise CommandError(
                "a streak length is a whole number from 2 to 250", "alert add streak 10"
            )
        spec = RuleSpec(Kind.STREAK, SMALL_VS_LARGE, Direction.CROSSES, length, Basis.CLOSE)
        return _settings(spec, words[2:], "alert add streak 10")
    if len(words) < 3:
        raise CommandError(
            "a rule is a target, a condition and a number: above, below, crosses or move",
            example,
        )
    target = _target(words[0], example)
    condition = words[1].lower()
    if condition == "move":
        pct = _amount(words[2:3], "a move in %", "alert add spx move 2%")
        if not 0 < pct <= 50:
            raise CommandError("a move is more than 0% and at most 50%", "alert add spx move 2%")
        spec = RuleSpec(Kind.MOVE, target, Direction.ABOVE, pct, Basis.INTRADAY)
        return _settings(spec, words[3:], "alert add spx move 2%")
    if condition not in ("above", "below", "crosses", "cross"):
        raise CommandError(
            f"'{words[1]}' is not a condition: use above, below, crosses or move", example
        )
    value = _amount(words[2:3], "a level", example)
    if not 0 < value < 10_000_000:
        raise CommandError("a level is a positive number below 10,000,000", example)
    direction = Direction.CROSSES if condition == "cross" else Direction(condition)
    return _settings(RuleSpec(Kind.LEVEL, target, direction, value), words[3:], example)


def _target(word: str, example: str) -> Target:
    names = word.split("/")
    if len(names) > 2 or not all(names):
        raise CommandError(f"'{word}' is not a target: a name, a symbol or a ratio A/B", example)
    try:
        instruments = [resolve(name) for name in names]
    except UnknownName as error:
        raise CommandError(str(error), example) from None
    return Target(tuple(i.symbol for i in instruments), word.lower())


def _amount(words: list[str], what: str, example: str) -> float:
    if not words or not _NUMBER.fullmatch(words[0]):
        got = f"'{words[0]}'" if words else "nothing"
        raise CommandError(f"expected {what}, got {got}", example)
    return abs(float(words[0].rstrip("%").replace(",", "")))


def _settings(spec: RuleSpec, words: list[str], example: str) -> RuleSpec:
    """`close|intraday`, `once|every`, `band <pct>` and `cooldown <sessions>`, in any order."""
    changes: dict[str, object] = {}
    rest = [w.lower() for w in words]
    while rest:
        word = rest.pop(0)
        if word in ("close", "intraday"):
            if spec.kind is Kind.STREAK and word == "intraday":
                raise CommandError("a streak counts sessions: it is checked at the close", example)
            changes["basis"] = Basis(word)
        elif word in ("once", "every"):
            changes["repeat"] = Repeat(word)
        elif word == "band":
            band = _amount(rest[:1], "a band in %", f"{example} band 0.5%")
            if band > MAX_BAND_PCT:
                raise CommandError(f"a band is at most {MAX_BAND_PCT:g}%", f"{example} band 0.5%")
            changes["band_pct"] = band
            rest = rest[1:]
        elif word == "cooldown":
            sessions = _amount(rest[:1], "a cooldown in sessions", f"{example} cooldown 2")
            if sessions != int(sessions) or not 0 <= sessions <= MAX_COOLDOWN_SESSIONS:
                raise CommandError(
                    f"a cooldown is a whole number of sessions, 0 to {MAX_COOLDOWN_SESSIONS}",
                    f"{example} cooldown 2",
                )
            changes["cooldown_sessions"] = int(sessions)
            rest = rest[1:]
        else:
            raise CommandError(
                f"'{word}' is not a setting: use close, intraday, once, every, band or cooldown",
                example,
            )
    return replace(spec, **changes)  # type: ignore[arg-type]
