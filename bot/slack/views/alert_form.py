"""The "New alert" modal: its fields filled from a draft (`bot/slack/views/alert_draft.py`), the
type-ahead of what to watch, and the replay of the rule's last year shown as it is filled in.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from bot.alerts.reports import AlertTestReport, ReplayFiring
from bot.commands.alert import test_headline
from bot.names import WORDS
from bot.render.alert import signed_figure
from bot.render.numbers import level
from bot.slack.views.alert_draft import (
    BAND,
    BASIS,
    CHANNEL,
    CONDITION,
    CONDITIONS,
    COOLDOWN,
    LEVEL,
    REPEAT,
    TARGET,
    AlertDraft,
    as_target,
)
from bot.slack.views.blocks import escape
from bot.slack.views.forms import (
    channel_picker,
    input_block,
    option,
    options_of,
    plain,
    radio,
    text_input,
)
from bot.universe import UNIVERSE, Instrument, is_known, resolve

CALLBACK = "new_alert"
"""The modal's callback id, and the global shortcut's that opens it."""
MESSAGE_SHORTCUT = "alert_on_this"
PREVIEW_ACTION = "alert_form_preview"

PREVIEW_HINT = (
    "Choose what to watch and a level: this shows what the rule would have done over the "
    "last year before you create it."
)
MAX_OPTIONS = 100


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
