"""Block Kit as Slack would take and show it: slack_sdk's own models validate every block we
send, our own checks the limits those models leave out, and `text_of` reads blocks as a person
would."""

from __future__ import annotations

import math
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.slack.views.blocks import MAX_HEADER_TEXT, MAX_SECTION_TEXT
from bot.slack.views.buttons import MAX_BUTTON_VALUE
from bot.slack.views.charts import (
    CHART_BLOCK,
    MAX_CATEGORIES,
    MAX_CHARTS_PER_MESSAGE,
    MAX_LABEL,
    MAX_SERIES,
    MAX_TITLE,
)
from bot.slack.views.tables import MAX_CHARACTERS, MAX_COLUMNS, MAX_ROWS


def block_problems(blocks: list[dict[str, Any]]) -> list[str]:
    """Each block as slack_sdk's models read and validate it, and our own limits (slack_sdk's
    TableBlock checks none of a table's: one a message, 100 rows, 20 cells, 10,000 characters,
    cells of at least a character)."""
    problems = []
    charts = [b for b in blocks if b["type"] == CHART_BLOCK]
    if len(charts) > MAX_CHARTS_PER_MESSAGE:
        problems.append(f"{len(charts)} charts in one message")
    tables = [b for b in blocks if b["type"] == "table"]
    if len(tables) > 1:
        problems.append(f"{len(tables)} table blocks in one message")
    for t in tables:
        rows = t["rows"]
        cells = [cell for row in rows for cell in row]
        if len(rows) > MAX_ROWS or any(len(row) > MAX_COLUMNS for row in rows):
            problems.append(f"a table of {len(rows)} rows")
        if sum(len(cell.get("text", "")) for cell in cells) > MAX_CHARACTERS:
            problems.append("a table over 10,000 characters")
        if any(cell["type"] == "raw_text" and not cell["text"] for cell in cells):
            problems.append("an empty raw_text cell")
        if len({len(row) for row in rows}) > 1:
            problems.append("table rows of different lengths")
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
        if raw["type"] == CHART_BLOCK:
            problems += chart_problems(raw)
            continue
        try:
            parsed = Block.parse(raw)
            if parsed is None:
                problems.append(f"slack_sdk does not know a {raw['type']} block")
            else:
                parsed.validate_json()
        except SlackObjectFormationError as error:
            problems.append(f"slack_sdk refuses a {raw['type']} block: {error}")
    return problems


def chart_problems(block: dict[str, Any]) -> list[str]:
    """A `data_visualization` line chart against the documented limits (slack_sdk has no
    model for it): a title of at most 50 characters; 1 to 6 series with unique names of at most
    20 characters; 1 to 20 categories of at most 20; each series one finite value a category,
    labelled as its category."""
    problems = []
    chart = block.get("chart", {})
    if not 0 < len(block.get("title", "")) <= MAX_TITLE:
        problems.append("a chart title of 1 to 50 characters")
    if chart.get("type") not in ("line", "bar", "area", "pie"):
        problems.append(f"a chart of type {chart.get('type')!r}")
        return problems
    categories = chart.get("axis_config", {}).get("categories", [])
    series = chart.get("series", [])
    names = [s.get("name", "") for s in series]
    if not 0 < len(series) <= MAX_SERIES or len(set(names)) != len(names):
        problems.append("1 to 6 series with unique names")
    if any(not 0 < len(n) <= MAX_LABEL for n in names):
        problems.append("a series name of 1 to 20 characters")
    if not 0 < len(categories) <= MAX_CATEGORIES or any(len(c) > MAX_LABEL for c in categories):
        problems.append("1 to 20 categories of at most 20 characters")
    for s in series:
        data = s.get("data", [])
        if [d.get("label") for d in data] != categories:
            problems.append(f"series {s.get('name')!r}: labels other than the categories")
        if not all(
            isinstance(d.get("value"), int | float) and math.isfinite(d["value"]) for d in data
        ):
            problems.append(f"series {s.get('name')!r}: a value that is not a finite number")
    return problems


def view_problems(view: dict[str, Any]) -> list[str]:
    """A view (the App Home, a modal) as slack_sdk validates it, and each of its blocks."""
    problems = block_problems(view.get("blocks", []))
    try:
        View(**view).validate_json()
    except SlackObjectFormationError as error:
        problems.append(f"slack_sdk refuses the view: {error}")
    return problems


def text_of(blocks: list[dict[str, Any]]) -> str:
    """The words of blocks: sections, headers, context lines, table rows (cells two spaces
    apart) and button labels."""

    def words(item: dict[str, Any]) -> str:
        text = item.get("text", "")
        return str(text["text"]) if isinstance(text, dict) else str(text)

    parts: list[str] = []
    for block in blocks:
        parts.append(words(block))
        parts += [words(e) for e in block.get("elements", []) if isinstance(e, dict)]
        for row in block.get("rows", []) if block["type"] == "table" else []:
            parts.append("  ".join(words(cell) for cell in row))
    return "\n".join(p for p in parts if p)


def element(blocks: list[dict[str, Any]], action_id: str) -> dict[str, Any]:
    """The interactive element with this action id, wherever it is: an actions block's
    elements, a section's accessory, an input's element."""
    for block in blocks:
        candidates = [*block.get("elements", []), block.get("accessory"), block.get("element")]
        for candidate in candidates:
            if isinstance(candidate, dict) and candidate.get("action_id") == action_id:
                return candidate
    raise AssertionError(f"no element {action_id!r} in {[b.get('type') for b in blocks]}")
