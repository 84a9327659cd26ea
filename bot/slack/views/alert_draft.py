"""What the "New alert" form holds (`AlertDraft`), read from a view and from a message a person
points at, and checked field by field.

The draft's fields become the words a person would type (`rut above 2750 close every band 0.5%
cooldown 1`) and the one alert grammar reads them, so a rule made in the form equals the rule
typed. Each field is checked with the grammar's own bounds; what is wrong comes back on its field.
The modal itself is drawn in `bot/slack/views/alert_form.py`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Any

from bot.alerts.rule_words import (
    BANDS,
    COOLDOWNS,
    CUTS,
    LEVELS,
    MOVES,
    SPREADS,
    STREAKS,
    parse_rule,
    parse_target,
)
from bot.alerts.rules import RuleSpec
from bot.alerts.service import AlertTestQuery
from bot.amounts import Bounds, number
from bot.commands.alert import AddAlertQuery
from bot.errors import CommandError
from bot.slack.views.forms import Values, chosen, conversation, typed
from bot.universe import UNIVERSE, Instrument, is_known

CHANNEL, TARGET, CONDITION, LEVEL = "channel", "target", "condition", "level"
BASIS, REPEAT, BAND, COOLDOWN = "basis", "repeat", "band", "cooldown"
"""Each field's block id, which is also its element's action id."""

CONDITIONS = {
    "above": "rises above a level",
    "below": "falls below a level",
    "crosses": "crosses a level, either way",
    "move": "moves by a % in a day",
    "spread": "small minus large daily return (pts)",
    "streak": "small caps' winning streak (sessions)",
    "rate cuts": "Fed cuts priced for the year move in a day",
}
ON_A_TARGET = ("above", "below", "crosses", "move")
"""Conditions on what the form's target names; the spread and the streak are always the
Russell 2000 against the S&P 500."""
LEVEL_BOUNDS: dict[str, tuple[str, Bounds]] = {
    "above": ("a level", LEVELS),
    "below": ("a level", LEVELS),
    "crosses": ("a level", LEVELS),
    "move": ("a move (up or down) in %", MOVES),
    "spread": ("a spread in points (either way)", SPREADS),
    "streak": ("a streak length", STREAKS),
    "rate cuts": ("a change in cuts priced (either way)", CUTS),
}
EXAMPLE = "alert add rut above 2750"


@dataclass(frozen=True)
class AlertDraft:
    """What the form holds, as typed: empty fields are None."""

    channel: str | None = None
    target: str | None = None
    """As a person types it: `rut`, `$AAPL`, `iwm/spy`."""
    condition: str = "above"
    level: str | None = None
    basis: str | None = None
    repeat: str | None = None
    band: str | None = None
    cooldown: str | None = None

    def words(self) -> list[str]:
        """The rule as `alert add` reads it."""
        if self.condition in ("spread", "streak", "rate cuts"):
            words = [*self.condition.split(), self.level or ""]
        else:
            words = [self.target or "", self.condition, self.level or ""]
        if self.basis:
            words.append(self.basis)
        if self.repeat:
            words.append(self.repeat)
        if self.band:
            words += ["band", self.band]
        if self.cooldown:
            words += ["cooldown", self.cooldown]
        return words

    def query(self) -> AddAlertQuery:
        """What `alert add` with these words asks; CommandError when the rule does not read."""
        return AddAlertQuery(rule_of(self))

    def replay_query(self) -> AlertTestQuery:
        """What `alert test` with these words asks: a replay of the last year."""
        return AlertTestQuery(rule_of(self), None, None)


def field_errors(draft: AlertDraft) -> dict[str, str]:
    """What is wrong, field by field, in the grammar's own words; empty when the rule reads."""
    errors: dict[str, str] = {}
    if not draft.channel:
        errors[CHANNEL] = "Choose the channel the alerts go to."
    if draft.condition not in CONDITIONS:
        errors[CONDITION] = "Choose a condition."
        return errors
    if draft.condition in ON_A_TARGET:
        if not draft.target:
            errors[TARGET] = "Choose what to watch."
        else:
            _check(errors, TARGET, lambda: parse_target(draft.target or "", EXAMPLE))
    what, bounds = LEVEL_BOUNDS[draft.condition]
    _check(errors, LEVEL, lambda: number(draft.level, what, bounds, EXAMPLE))
    if draft.band is not None:
        if draft.condition in ("above", "below", "crosses"):
            _check(errors, BAND, lambda: number(draft.band, "a band in %", BANDS, EXAMPLE))
        else:
            errors[BAND] = "A band is for level rules: this one re-arms by itself."
    if draft.cooldown is not None:
        _check(errors, COOLDOWN, lambda: number(draft.cooldown, "a cooldown", COOLDOWNS, ""))
    if draft.condition == "streak" and draft.basis == "intraday":
        errors[BASIS] = "A streak counts sessions: it is checked at the close."
    if draft.condition == "rate cuts" and draft.basis == "intraday":
        errors[BASIS] = "The rate path is read from futures closes."
    if not errors:
        _check(errors, LEVEL, lambda: rule_of(draft))
    return errors


def _check(errors: dict[str, str], field: str, read: Any) -> None:
    try:
        read()
    except CommandError as error:
        message = error.message[0].upper() + error.message[1:]
        errors.setdefault(field, message if len(message) <= 150 else message[:149] + "…")


def rule_of(draft: AlertDraft) -> RuleSpec:
    """The rule the form describes, read by the alert grammar; CommandError when it does not."""
    return parse_rule(draft.words(), EXAMPLE)


def read_form(values: Values) -> AlertDraft:
    """The draft in a view's `state.values`."""
    return AlertDraft(
        channel=conversation(values, CHANNEL),
        target=chosen(values, TARGET),
        condition=chosen(values, CONDITION) or "above",
        level=typed(values, LEVEL),
        basis=chosen(values, BASIS),
        repeat=chosen(values, REPEAT),
        band=typed(values, BAND),
        cooldown=typed(values, COOLDOWN),
    )


def read_view(view: dict[str, Any]) -> AlertDraft:
    """The draft in a submitted or updated view."""
    return read_form(view.get("state", {}).get("values", {}))


def opened_with(view: dict[str, Any]) -> AlertDraft:
    """The draft a view was opened with (its `private_metadata`)."""
    try:
        data = json.loads(view.get("private_metadata") or "{}")
        fields = {k: v for k, v in data.items() if k in AlertDraft.__dataclass_fields__}
        draft = AlertDraft(**fields)
    except (ValueError, TypeError):
        return AlertDraft()
    return draft if draft.condition in CONDITIONS else replace(draft, condition="above")


_SYMBOL = re.compile(r"[$^]?[A-Za-z0-9][A-Za-z0-9.\-=]{0,14}", re.ASCII)


def as_target(word: str) -> str | None:
    """How a typed word is kept as a target: a name of the universe as it is, any other
    symbol as one (`$AAPL`, `^VIX`), a ratio of two such; None when it cannot be one."""
    parts = word.strip().split("/")
    if len(parts) > 2 or not all(_SYMBOL.fullmatch(p) for p in parts):
        return None
    kept = []
    for part in parts:
        if is_known(part):
            kept.append(part.lower())
        elif part[0] in "$^":
            kept.append(part[0] + part[1:].upper())
        else:
            kept.append(f"${part.upper()}")
    return "/".join(kept)


_NAMED_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(%)?", re.ASCII)


def draft_from_message(text: str, channel: str | None) -> AlertDraft:
    """A draft from a message a person points at ("Alert on this"): the first name of the
    universe it mentions and the first number that is not part of that name; `below` or
    `above` when it says so, else `crosses`; a number with % is a day's move."""
    lowered = text.lower()
    found: list[tuple[int, Instrument, str]] = []
    for instrument in UNIVERSE:
        for name in (instrument.name.lower(), instrument.key, *instrument.aliases):
            at = _word_at(lowered, name)
            if at >= 0:
                found.append((at, instrument, name))
    stripped = lowered
    target = None
    if found:
        _, instrument, name = min(found, key=lambda f: (f[0], -len(f[2])))
        target = instrument.key
        stripped = lowered.replace(name, " ")
    number_found = _NAMED_NUMBER.search(stripped)
    level, condition = None, "crosses"
    if number_found:
        level = number_found.group(1).replace(",", "") + (number_found.group(2) or "")
        if number_found.group(3):
            condition = "move"
    if condition != "move":
        if re.search(r"\bbelow\b|\bunder\b", lowered):
            condition = "below"
        elif re.search(r"\babove\b|\bover\b", lowered):
            condition = "above"
    return AlertDraft(channel=channel, target=target, condition=condition, level=level)


def _word_at(text: str, name: str) -> int:
    found = re.search(rf"(?<![\w^$]){re.escape(name)}(?![\w])", text)
    return found.start() if found else -1
