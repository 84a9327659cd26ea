"""A rule in words, read into a `RuleSpec` (`alert add` and `alert test` read it, and so does
the New alert form), with the bounds of each of its numbers.

<target> above|below|crosses <level> [close|intraday] [once|every] [band 0.5%] [cooldown <n>]
<target> move <pct>%     spread <pts>     streak <n>     rate cuts <n>
"""

from __future__ import annotations

from dataclasses import replace

from bot.alerts.machine import Repeat
from bot.alerts.rules import (
    RATE_PATH,
    SMALL_VS_LARGE,
    Basis,
    Direction,
    Kind,
    RuleSpec,
    Target,
)
from bot.amounts import Bounds, number, whole_number
from bot.errors import CommandError, shown
from bot.names import instrument
from bot.options import GivenOnce

EXAMPLE = "alert add rut above 2750"

LEVELS = Bounds(0, 10_000_000, low_open=True, high_open=True)
"""A price or ratio level: positive, below ten million."""
MOVES = Bounds(0, 50, low_open=True, unit="%")
"""A day's move, either way: more than 0% and at most 50%."""
SPREADS = Bounds(0, 25, low_open=True, unit=" pts")
"""Small minus large daily return, either way: more than 0 and at most 25 points."""
STREAKS = Bounds(2, 250, whole=True, unit=" sessions")
CUTS = Bounds(0, 8, low_open=True, unit=" cuts")
"""A day's change in the Fed cuts priced for the year, either way: more than 0, at most 8."""
BANDS = Bounds(0, 10, unit="%")
"""How far back past a level a fired level rule must go to re-arm."""
COOLDOWNS = Bounds(0, 250, whole=True, unit=" sessions")
"""Sessions a rule stays quiet after firing (0: it may fire again in the same session)."""


def parse_rule(words: list[str], example: str) -> RuleSpec:
    """A rule's words after `alert add`: a target and a condition, then its settings."""
    if not words:
        raise CommandError("say what to watch, e.g. a level on the Russell 2000", example)
    first = words[0].lower()
    if first == "spread":
        level = number(
            _word(words, 1), "a spread in points (either way)", SPREADS, "alert add spread 1.5"
        )
        spec = RuleSpec(Kind.SPREAD, SMALL_VS_LARGE, Direction.ABOVE, level, Basis.INTRADAY)
        return _settings(spec, words[2:], "alert add spread 1.5")
    if first in ("rate", "cuts", "rate-cuts"):
        at = 2 if first == "rate" else 1
        if first == "rate" and _word([w.lower() for w in words], 1) != "cuts":
            raise CommandError("say `rate cuts` and a number of cuts", "alert add rate cuts 0.5")
        cuts = number(
            _word(words, at),
            "a change in cuts priced (either way)",
            CUTS,
            "alert add rate cuts 0.5",
        )
        spec = RuleSpec(Kind.RATE_CUTS, RATE_PATH, Direction.ABOVE, cuts, Basis.CLOSE)
        return _settings(spec, words[at + 1 :], "alert add rate cuts 0.5")
    if first == "streak":
        length = whole_number(_word(words, 1), "a streak length", STREAKS, "alert add streak 10")
        spec = RuleSpec(Kind.STREAK, SMALL_VS_LARGE, Direction.CROSSES, length, Basis.CLOSE)
        return _settings(spec, words[2:], "alert add streak 10")
    if len(words) < 3:
        raise CommandError(
            "a rule is a target, a condition and a number: above, below, crosses or move",
            example,
        )
    target = parse_target(words[0], example)
    condition = words[1].lower()
    if condition == "move":
        pct = number(_word(words, 2), "a move (up or down) in %", MOVES, "alert add spx move 2%")
        spec = RuleSpec(Kind.MOVE, target, Direction.ABOVE, pct, Basis.INTRADAY)
        return _settings(spec, words[3:], "alert add spx move 2%")
    if condition not in ("above", "below", "crosses", "cross"):
        raise CommandError(
            f"{shown(words[1])} is not a condition: use above, below, crosses or move", example
        )
    value = number(_word(words, 2), "a level", LEVELS, example)
    direction = Direction.CROSSES if condition == "cross" else Direction(condition)
    return _settings(RuleSpec(Kind.LEVEL, target, direction, value), words[3:], example)


def parse_target(word: str, example: str) -> Target:
    names = word.split("/")
    if len(names) > 2 or not all(names):
        raise CommandError(
            f"{shown(word)} is not a target: a name, a symbol or a ratio A/B", example
        )
    instruments = [instrument(name, example) for name in names]
    if len(instruments) == 2 and instruments[0] == instruments[1]:
        raise CommandError(f"a ratio of two different names, not {shown(word)}", example)
    return Target(tuple(i.symbol for i in instruments), word.lower())


def _word(words: list[str], at: int) -> str | None:
    return words[at] if at < len(words) else None


def _settings(spec: RuleSpec, words: list[str], example: str) -> RuleSpec:
    """`close|intraday`, `once|every`, `band <pct>` and `cooldown <sessions>`, in any order,
    each at most once: `once every` or `band 0.5% band 1%` is refused, not read as the last."""
    changes: dict[str, object] = {}
    given = GivenOnce(example)
    rest = [w.lower() for w in words]
    while rest:
        word = rest.pop(0)
        if word in ("close", "intraday"):
            if spec.kind is Kind.STREAK and word == "intraday":
                raise CommandError("a streak counts sessions: it is checked at the close", example)
            if spec.kind is Kind.RATE_CUTS and word == "intraday":
                raise CommandError("the rate path is read from futures closes", example)
            given.give("say which prices are read", word)
            changes["basis"] = Basis(word)
        elif word in ("once", "every"):
            given.give("say how often the rule fires", word)
            changes["repeat"] = Repeat(word)
        elif word == "band":
            if spec.kind is not Kind.LEVEL:
                raise CommandError(
                    "a band is for level rules: a move, spread or streak rule re-arms by itself",
                    example,
                )
            changes["band_pct"] = number(
                _word(rest, 0), "a band in %", BANDS, f"{example} band 0.5%"
            )
            given.give("set the band", f"band {rest[0]}")
            rest = rest[1:]
        elif word == "cooldown":
            changes["cooldown_sessions"] = whole_number(
                _word(rest, 0), "a cooldown", COOLDOWNS, f"{example} cooldown 2"
            )
            given.give("set the cooldown", f"cooldown {rest[0]}")
            rest = rest[1:]
        else:
            raise CommandError(
                f"{shown(word)} is not a setting: "
                "use close, intraday, once, every, band or cooldown",
                example,
            )
    return replace(spec, **changes)  # type: ignore[arg-type]
