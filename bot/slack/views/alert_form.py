"""The "New alert" form: a modal that makes the rule `alert add` makes from typed words.

Its fields become the words a person would type (`rut above 2750 close every band 0.5%
cooldown 1`) and the one alert grammar reads them, so a rule made here equals the rule typed.
Each field is checked with the grammar's own bounds; what is wrong comes back on its field.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, replace
from typing import Any

from bot.alerts.reports import AlertTestReport, ReplayFiring
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
from bot.commands.alert import AddAlertQuery, test_headline
from bot.errors import CommandError
from bot.names import WORDS
from bot.render.alert import signed_figure
from bot.render.numbers import level
from bot.slack.views.blocks import escape
from bot.slack.views.forms import (
    Values,
    channel_picker,
    chosen,
    conversation,
    input_block,
    option,
    options_of,
    plain,
    radio,
    text_input,
    typed,
)
from bot.universe import UNIVERSE, Instrument, is_known, resolve

CALLBACK = "new_alert"
"""The modal's callback id, and the global shortcut's that opens it."""
MESSAGE_SHORTCUT = "alert_on_this"
PREVIEW_ACTION = "alert_form_preview"

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
PREVIEW_HINT = (
    "Choose what to watch and a level: this shows what the rule would have done over the "
    "last year before you create it."
)
EXAMPLE = "alert add rut above 2750"
MAX_OPTIONS = 100


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


def alert_form(draft: AlertDraft, preview: str = PREVIEW_HINT) -> dict[str, Any]:
    """The modal, its fields filled from `draft` and the replay of the last year in `preview`.

    The draft it was opened with rides in `private_metadata`, so a preview rebuilds the same
    view: Slack keeps what was typed in fields whose ids are unchanged.
    """
    channel = channel_picker(CHANNEL, draft.channel)
    target: dict[str, Any] = {
        "type": "external_select",
        "action_id": TARGET,
        "placeholder": plain("Russell 2000, IWM, iwm/spy, AAPL…"),
        "min_query_length": 0,
    }
    if draft.target:
        target["initial_option"] = target_option(draft.target)
    condition = {
        "type": "static_select",
        "action_id": CONDITION,
        "options": options_of(CONDITIONS),
        "initial_option": option(CONDITIONS[draft.condition], draft.condition),
    }
    level = text_input(LEVEL, draft.level, "2750, 2%, 1.5 or 10", dispatch=True)
    blocks = [
        input_block(CHANNEL, "Post alerts in", channel),
        input_block(
            TARGET,
            "Watch",
            target,
            optional=True,
            hint="A name, any Yahoo symbol or a ratio A/B. Not used by the spread and the streak.",
            dispatch=True,
        ),
        input_block(CONDITION, "When it", condition, dispatch=True),
        input_block(LEVEL, "Level", level, hint="A price or ratio, a move in %, points, sessions."),
        input_block(
            BASIS,
            "Checked",
            radio(BASIS, {"close": "at the close", "intraday": "intraday"}, draft.basis),
            optional=True,
            hint="Levels: at the close by default. Moves and spreads: intraday by default.",
        ),
        input_block(
            REPEAT,
            "Fires",
            radio(REPEAT, {"every": "every time", "once": "once, then retires"}, draft.repeat),
            optional=True,
        ),
        input_block(
            BAND,
            "Re-arm band",
            text_input(BAND, draft.band, "0.5%"),
            optional=True,
            hint="Level rules re-arm once back past the level by this much (0% to 10%).",
        ),
        input_block(
            COOLDOWN,
            "Cooldown (sessions)",
            {
                "type": "number_input",
                "action_id": COOLDOWN,
                "is_decimal_allowed": False,
                "min_value": "0",
                "max_value": "250",
                **({"initial_value": draft.cooldown} if draft.cooldown else {}),
                "placeholder": plain("1"),
            },
            optional=True,
        ),
        {"type": "divider"},
        {
            "type": "section",
            "block_id": "preview",
            "text": {"type": "mrkdwn", "text": preview[:3000]},
            "accessory": {
                "type": "button",
                "action_id": PREVIEW_ACTION,
                "text": plain("Replay the last year"),
                "value": "preview",
            },
        },
    ]
    return {
        "type": "modal",
        "callback_id": CALLBACK,
        "title": plain("New alert"),
        "submit": plain("Create alert"),
        "close": plain("Cancel"),
        "private_metadata": json.dumps(asdict(draft)),
        "blocks": blocks,
    }


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


def target_option(word: str) -> dict[str, Any]:
    """The option a target is shown as: "Russell 2000 (rut)", or the symbol as typed."""
    if is_known(word):
        known = resolve(word)
        return option(f"{known.name} ({word})", word)
    return option(f"{word.removeprefix('$')} · as typed", word)


def target_options(query: str) -> list[dict[str, Any]]:
    """The type-ahead of the target field: names of the universe matching `query`, and what
    was typed as a symbol or ratio of its own."""
    q = query.strip().lower()
    matches = [i for i in UNIVERSE if _matches(i, q)]
    options = [option(f"{i.name} ({i.key})", i.key) for i in matches]
    exact = {i.key for i in matches} | {a for i in matches for a in i.aliases}
    own = as_target(query) if q and q not in exact and q not in WORDS else None
    if own is not None:  # first when nothing else matches, else after the names
        options.insert(len(options) if options else 0, target_option(own))
    return options[:MAX_OPTIONS]


def _matches(instrument: Instrument, q: str) -> bool:
    names = (instrument.key, instrument.name.lower(), *instrument.aliases)
    return not q or any(q in n for n in names) or any(q in s.lower() for s in instrument.symbols)


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


MAX_PREVIEW_DATES = 12


def _figure(kind: str, firing: ReplayFiring) -> str:
    """What a firing shows: a day's figure with its sign (-3.52%), else the price."""
    return level(firing.price) if firing.change is None else signed_figure(kind, firing.change)


def preview_of(report: AlertTestReport) -> str:
    """What the form says the rule would have done: the replay's headline and its dates."""
    text = f"*{escape(test_headline(report))}*"
    if report.firings:
        shown_dates = [
            f"{f.date.isoformat()} ({_figure(report.rule.kind, f)})"
            for f in report.firings[:MAX_PREVIEW_DATES]
        ]
        more = len(report.firings) - MAX_PREVIEW_DATES
        text += ": " + ", ".join(shown_dates) + (f" and {more} more" if more > 0 else "")
    if report.note:
        text += f"\n_{escape(report.note)}_"
    return text
