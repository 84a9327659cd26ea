"""The numbers people type, read in one place, each against the range it may take.

`2750`, `2,750.5`, `0.393`, `1.5%`, `-2`, `#3`: only ASCII digits count (`²` is no number here,
though `str.isdigit` says it is), a number has at most 12 digits before its point and 8 after
(so none can overflow), and every reader states its bounds: a number outside them is a clear
error, never flipped, clipped or taken for another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.errors import CommandError, shown

WHOLE_DIGITS, DECIMALS = 12, 8
_NUMBER = re.compile(
    rf"(?P<sign>[+-])?(?P<whole>\d{{1,3}}(?:,\d{{3}})+|\d{{1,{WHOLE_DIGITS}}})?"
    rf"(?:\.(?P<fraction>\d{{1,{DECIMALS}}}))?"
    r"(?P<percent>%)?",
    re.ASCII,
)
_DIGITS = re.compile(r"[0-9]{1,12}", re.ASCII)
_LONG_NUMBER = re.compile(r"[+-]?(?P<whole>[0-9,]*)(?:\.(?P<fraction>[0-9]*))?%?", re.ASCII)
"""Digits past what `_NUMBER` reads, to say which part is too long."""


@dataclass(frozen=True)
class Bounds:
    """The numbers a quantity may be: `low` to `high`, each end in or out of it."""

    low: float
    high: float
    low_open: bool = False
    """`low` itself is out (a level is more than 0)."""
    high_open: bool = False
    whole: bool = False
    unit: str = ""
    """How the bounds read: `%`, ` sessions`, ` pts`."""

    def holds(self, value: float) -> bool:
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return above and below and (not self.whole or value == int(value))

    def __str__(self) -> str:
        """ "more than 0% and at most 50%", "a whole number from 2 to 250 sessions"."""
        low, high = _plain(self.low), _plain(self.high)
        if self.whole and not self.low_open and not self.high_open:
            return f"a whole number from {low} to {high}{self.unit}"
        low += self.unit if self.unit == "%" else ""
        start = f"more than {low}" if self.low_open else f"at least {low}"
        end = f"below {high}{self.unit}" if self.high_open else f"at most {high}{self.unit}"
        kind = "a whole number " if self.whole else ""
        return f"{kind}{start} and {end}"


def _plain(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,g}"


def number(word: str | None, what: str, bounds: Bounds, example: str) -> float:
    """`word` read as `what` ("a level", "a move in %"): a CommandError unless it is a number
    within `bounds`. A `%` sign is accepted where the unit is a percentage or points."""
    if word is None:
        raise CommandError(f"expected {what}, got nothing", example)
    found = _NUMBER.fullmatch(word)
    if (
        found is None
        or (found["whole"] is None and found["fraction"] is None)
        or (found["percent"] and bounds.unit.strip() not in ("%", "pts"))
    ):
        raise CommandError(f"expected {what}, got {shown(word)}{_too_long(word)}", example)
    text = (found["whole"] or "0").replace(",", "") + "." + (found["fraction"] or "0")
    value = float(text) * (-1.0 if found["sign"] == "-" else 1.0)
    if not bounds.holds(value):
        raise CommandError(f"{what} is {bounds}, not {shown(word)}", example)
    return value


def _too_long(word: str) -> str:
    """Why a number-shaped `word` is not read, when it has more digits than a number may."""
    found = _LONG_NUMBER.fullmatch(word)
    if found is None:
        return ""
    if len(found["fraction"] or "") > DECIMALS:
        return f": a number has at most {DECIMALS} decimals"
    if len(found["whole"].replace(",", "")) > WHOLE_DIGITS:
        return f": a number has at most {WHOLE_DIGITS} digits before its point"
    return ""


def whole_number(word: str | None, what: str, bounds: Bounds, example: str) -> int:
    """`word` as a whole number within `bounds` (which must say `whole`)."""
    return int(number(word, what, Bounds(**{**vars(bounds), "whole": True}), example))


def is_digits(word: str) -> bool:
    """Whether `word` is a plain run of ASCII digits, short enough to be any count or id."""
    return _DIGITS.fullmatch(word) is not None


RULE_IDS = Bounds(1, 10**12, high_open=True, whole=True)


def rule_id(word: str | None, example: str) -> int:
    """A rule's number as `alert list` shows it: `3` or `#3`."""
    given = word.removeprefix("#") if word else None
    if not given or not is_digits(given):
        got = shown(word) if word else "nothing"
        raise CommandError(f"give the rule's number from `alert list`, not {got}", example)
    return whole_number(given, "a rule's number", RULE_IDS, example)
