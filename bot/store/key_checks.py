"""The parts a key is made of (`<SYMBOL>`, `<WORKSPACE>`, …): each part's shape, checked before
it becomes part of a key, so user text can never form, or collide with, another key."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Part:
    shape: re.Pattern[str]
    what: str
    """What a value that does not fit is not, for the error: "not a Yahoo symbol: 'x:y'"."""
    secret: bool = False
    """The refused value is left out of the error."""

    def checked(self, value: object) -> str:
        if not isinstance(value, str) or not self.shape.fullmatch(value):
            shown = "" if self.secret else f": {value!r}"
            raise ValueError(f"not {self.what}{shown}")
        return value


def _part(shape: str, what: str, secret: bool = False) -> Part:
    return Part(re.compile(shape), what, secret)


_ID = r"[A-Za-z0-9_-]{1,32}"

PARTS: dict[str, Part] = {
    "SYMBOL": _part(r"\^?[A-Z0-9][A-Z0-9.\-=]{0,14}", "a Yahoo symbol"),
    "SOURCE": _part(r"stooq|fred", "a second source"),
    "CODE": _part(r"\^?[A-Za-z0-9][A-Za-z0-9.\-_]{0,30}", "a source's series code"),
    "FEED": _part(
        r"(close|intraday):[a-z0-9-]{1,20}:(fred:)?\^?[A-Z0-9][A-Z0-9.\-=^/]{0,31}", "an alert feed"
    ),
    "SIDE": _part(r"up|down", "a side (up or down)"),
    "FIRING": _part(r"\d{1,12}-(up|down)-\d{1,12}", "a firing id"),
    "DIGEST": _part(r"[0-9a-f]{64}", "a SHA-256 digest"),
    "JOB": _part(r"[a-z][a-z-]{0,31}", "a job name"),
    "WORKSPACE": _part(_ID, "a workspace id"),
    "ENTERPRISE": _part(_ID, "a workspace id"),
    "TEAM": _part(_ID, "a workspace id"),
    "USER": _part(_ID, "a workspace id"),
    "CHANNEL": _part(_ID, "a channel id"),
    "STATE": _part(r"[A-Za-z0-9_-]{16,64}", "an OAuth state value", secret=True),
    "ID": _part(r"-?\d+", "a rule id"),
    "WINDOW": _part(r"-?\d+", "a window's start"),
    "SESSION": _part(r"\d{4}-\d{2}-\d{2}", "a session date"),
}
"""Each part a key pattern may name, by its name in the pattern."""


def checked(name: str, value: str | int | date) -> str:
    """`value` as it goes into a key in the place of `<name>`; ValueError when it does not fit.
    Rule ids and windows are whole numbers (`int()` of what is given), sessions dates."""
    if name in ("ID", "WINDOW") and not isinstance(value, date):
        return str(int(value))
    if name == "SESSION" and isinstance(value, date):
        return value.isoformat()
    return PARTS[name].checked(value)


def checked_symbol(symbol: str) -> str:
    return PARTS["SYMBOL"].checked(symbol)


def checked_feed(feed: str) -> str:
    return PARTS["FEED"].checked(feed)
