"""Buttons and menus: what a person clicks instead of typing the grammar.

Each carries what it acts on in its value (a command's text, a rule's number), checked again
when it comes back: a value is never trusted to be one of ours.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.alerts.reports import AlertRuleLine
from bot.commands.base import Choice
from bot.slack.views.forms import plain

SHARE_ACTION = "share_answer"
ANSWER_ACTION = "answer_again"
"""Another period of the same answer, answered in place."""
CHART_ACTION = "chart_this"
PAUSE_ALERT_ACTION = "pause_alert"
RESUME_ALERT_ACTION = "resume_alert"
REMOVE_ALERT_ACTION = "remove_alert"
REPLAY_ALERT_ACTION = "replay_alert"
RULE_MENU_ACTION = "rule_menu"
"""A menu of a channel's rules: choosing one offers its buttons."""
ALERT_HERE_ACTION = "alert_here"
"""A menu of an answer's levels: choosing one opens the alert form at it."""

RULE_ACTIONS = {
    PAUSE_ALERT_ACTION: "pause",
    RESUME_ALERT_ACTION: "resume",
    REMOVE_ALERT_ACTION: "remove",
    REPLAY_ALERT_ACTION: "test",
}
"""Each rule button and the `alert ...` verb it stands for."""

MAX_BUTTON_VALUE = 2000
MAX_ACTIONS = 25
MAX_OPTIONS = 100

Block = dict[str, Any]


def button(action_id: str, text: str, value: str, style: str | None = None) -> Block:
    made: Block = {
        "type": "button",
        "action_id": action_id,
        "text": plain(text),
        "value": value,
    }
    if style:
        made["style"] = style
    return made


def ask_value(text: str, as_of: date | None) -> str:
    """What an answer's buttons carry: a command, and the session of the answer they are on
    ("Post to channel" answers it as of that session; another period answers for today)."""
    stamp = as_of.isoformat() if as_of else None
    return json.dumps({"text": text, "as_of": stamp}, separators=(",", ":"))


def read_ask_value(value: str) -> tuple[str, date | None]:
    """The command and the session from a button's value; ValueError when not one of ours."""
    data = json.loads(value)
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise ValueError("not a button of an answer")
    as_of = data.get("as_of")
    return data["text"], date.fromisoformat(as_of) if isinstance(as_of, str) else None


def answer_actions(
    choices: Sequence[Choice], asked: date | None, share_value: str | None
) -> Block | None:
    """The buttons under an answer: its choices (another period, a chart) and "Post to
    channel"."""
    elements = [
        button(CHART_ACTION if c.chart else ANSWER_ACTION, c.label, ask_value(c.text, asked))
        for c in choices
    ]
    if share_value is not None:
        elements.append(button(SHARE_ACTION, "Post to channel", share_value))
    elements = [e for e in elements if len(e["value"]) <= MAX_BUTTON_VALUE][:MAX_ACTIONS]
    return {"type": "actions", "elements": elements} if elements else None


def rule_buttons(rule_id: int, paused: bool, retired: bool = False) -> Block:
    """A rule's buttons: pause or resume it, replay it over the last year, remove it."""
    value = str(rule_id)
    elements = []
    if not retired:
        elements.append(
            button(RESUME_ALERT_ACTION, f"Resume rule {value}", value)
            if paused
            else button(PAUSE_ALERT_ACTION, f"Mute rule {value}", value)
        )
    elements += [
        button(REPLAY_ALERT_ACTION, "Replay a year", value),
        button(REMOVE_ALERT_ACTION, f"Remove rule {value}", value, style="danger"),
    ]
    return {"type": "actions", "elements": elements}


def rule_menu(rules: Sequence[AlertRuleLine]) -> Block | None:
    """A menu of the rules: choosing one offers its buttons."""
    options = [(f"#{line.id} {line.rule.text}", str(line.id)) for line in rules]
    return _menu(RULE_MENU_ACTION, "Pause, resume, replay or remove a rule…", options)


def level_menu(levels: Sequence[tuple[str, float]], target: str) -> Block | None:
    """A menu of levels ("Resistance 2,750"): choosing one opens the alert form at it."""
    options = [(label, json.dumps({"target": target, "level": value})) for label, value in levels]
    return _menu(ALERT_HERE_ACTION, "Alert me at a level…", options)


def _menu(action_id: str, placeholder: str, options: Sequence[tuple[str, str]]) -> Block | None:
    """A select menu of (text, value) options in an actions row; None when there are none."""
    if not options:
        return None
    menu = {
        "type": "static_select",
        "action_id": action_id,
        "placeholder": plain(placeholder),
        "options": [{"text": plain(text), "value": value} for text, value in options[:MAX_OPTIONS]],
    }
    return {"type": "actions", "elements": [menu]}
