"""What every form shares: its pieces of Block Kit, and reading what was filled in.

A modal's fields are input blocks whose block id is also their element's action id, so a
field is found in a view's `state.values` by one name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MAX_PLAIN = 75
"""Characters of an option's text."""

Values = Mapping[str, Mapping[str, Mapping[str, Any]]]
"""A view's `state.values`: block id -> action id -> the element's state."""


def plain(text: str, limit: int = MAX_PLAIN) -> dict[str, Any]:
    return {"type": "plain_text", "text": text if len(text) <= limit else text[: limit - 1] + "…"}


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text), "value": value}


def options_of(choices: Mapping[str, str]) -> list[dict[str, Any]]:
    """Options from value -> text."""
    return [option(text, value) for value, text in choices.items()]


def input_block(
    field: str,
    label: str,
    element: dict[str, Any],
    optional: bool = False,
    hint: str | None = None,
    dispatch: bool = False,
) -> dict[str, Any]:
    """A labelled field; with `dispatch`, a change to it is sent at once (a preview)."""
    block: dict[str, Any] = {
        "type": "input",
        "block_id": field,
        "label": plain(label, 2000),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, 2000)
    if dispatch:
        block["dispatch_action"] = True
    return block


def text_input(
    field: str, initial: str | None, placeholder: str, dispatch: bool = False
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": field,
        "placeholder": plain(placeholder, 150),
    }
    if initial:
        element["initial_value"] = initial
    if dispatch:
        element["dispatch_action_config"] = {
            "trigger_actions_on": ["on_enter_pressed", "on_character_entered"]
        }
    return element


def radio(field: str, choices: Mapping[str, str], initial: str | None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "radio_buttons",
        "action_id": field,
        "options": options_of(choices),
    }
    if initial is not None and initial in choices:
        element["initial_option"] = option(choices[initial], initial)
    return element


def channel_picker(field: str, initial: str | None) -> dict[str, Any]:
    """A channel menu that starts on the channel the form was opened from, and whose choice
    gives the submission a `response_url` into that channel."""
    element: dict[str, Any] = {
        "type": "conversations_select",
        "action_id": field,
        "default_to_current_conversation": True,
        "response_url_enabled": True,
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if initial:
        element["initial_conversation"] = initial
    return element


def _state(values: Values, field: str) -> Mapping[str, Any]:
    return values.get(field, {}).get(field, {})


def chosen(values: Values, field: str) -> str | None:
    """The value of the option chosen in a menu or radio buttons, if any."""
    picked = _state(values, field).get("selected_option") or {}
    value = picked.get("value")
    return str(value) if value else None


def typed(values: Values, field: str) -> str | None:
    """What was typed in a text or number field, stripped; None when empty."""
    value = _state(values, field).get("value")
    text = str(value).strip() if value is not None else ""
    return text or None


def conversation(values: Values, field: str) -> str | None:
    value = _state(values, field).get("selected_conversation")
    return str(value) if value else None


def selected_time(values: Values, field: str) -> str | None:
    value = _state(values, field).get("selected_time")
    return str(value) if value else None
