"""Block Kit as Slack would take it: slack_sdk's own models validate every block we send."""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.slack.blocks import MAX_BUTTON_VALUE, MAX_HEADER_TEXT, MAX_SECTION_TEXT


def block_problems(blocks: list[dict[str, Any]]) -> list[str]:
    """Each block as slack_sdk's models read and validate it, and our own limits."""
    problems = []
    for raw in blocks:
        block = raw.get("text")
        words = str(block.get("text", "")) if isinstance(block, dict) else ""
        if raw["type"] == "section" and len(words) > MAX_SECTION_TEXT:
            problems.append(f"a section of {len(words)} characters")
        if raw["type"] == "header" and len(words) > MAX_HEADER_TEXT:
            problems.append(f"a header of {len(words)} characters")
        for element in raw.get("elements", []) or []:
            if len(str(element.get("value", ""))) > MAX_BUTTON_VALUE:
                problems.append("a button value over 2000 characters")
        try:
            parsed = Block.parse(raw)
            if parsed is None:
                problems.append(f"slack_sdk does not know a {raw['type']} block")
            else:
                parsed.validate_json()
        except SlackObjectFormationError as error:
            problems.append(f"slack_sdk refuses a {raw['type']} block: {error}")
    return problems


def view_problems(view: dict[str, Any]) -> list[str]:
    """A view (the App Home, a modal) as slack_sdk validates it, and each of its blocks."""
    problems = block_problems(view.get("blocks", []))
    try:
        View(**view).validate_json()
    except SlackObjectFormationError as error:
        problems.append(f"slack_sdk refuses the view: {error}")
    return problems
