"""Tables in Slack: the `table` block where Slack allows one, else monospace text that a phone
shows whole (45 characters): the columns when they fit, else a record a row.

Slack takes one table block a message: at most 100 rows (the header among them), 20 cells a
row and 10,000 characters in all; slack_sdk's `TableBlock` model checks none of that, so this
module does, and tests check what it makes.
"""

from __future__ import annotations

import textwrap
from dataclasses import replace
from typing import Any

from bot.render.layout import Table, figure_columns, table_text

MAX_ROWS = 100
"""Rows of a table block, its header among them."""
MAX_COLUMNS = 20
MAX_CHARACTERS = 10_000
PHONE_WIDTH = 45
"""Characters of monospace text a phone shows on one line."""

Block = dict[str, Any]


def table_block(t: Table) -> Block | None:
    """`t` as a table block (figures aligned right, words wrapped), or None when it is over a
    table block's limits."""
    rows = [t.header, *t.rows]
    characters = sum(len(cell) for row in rows for cell in row)
    if len(rows) > MAX_ROWS or len(t.header) > MAX_COLUMNS or characters > MAX_CHARACTERS:
        return None
    settings = [
        {"align": "right"} if figures else {"align": "left", "is_wrapped": True}
        for figures in figure_columns(t)
    ]
    return {
        "type": "table",
        "column_settings": settings,
        "rows": [[{"type": "raw_text", "text": cell or " "} for cell in row] for row in rows],
    }


def phone_text(t: Table, width: int = PHONE_WIDTH) -> str:
    """`t` as monospace text a phone shows whole, notes aside: its columns when they fit
    `width` (the row names shortened a little if need be), else one record a row, its name
    and then each other column as "Header value", wrapped. Nothing is left out."""
    columnar = _shortened(t, width)
    if columnar is not None:
        return table_text(replace(columnar, notes=[]))
    return "\n".join(line for row in t.rows for line in _record(t.header, row, width))


MIN_NAME = 10
"""Characters of a row's name kept when shortening it is enough to fit."""


def _shortened(t: Table, width: int) -> Table | None:
    """`t` with its first column cut to fit `width`, or None when that would cut it below
    `MIN_NAME` characters."""
    excess = _width(t) - width
    if excess <= 0:
        return t
    first = max(len(row[0]) for row in [t.header, *t.rows])
    keep = first - excess
    if keep < MIN_NAME:
        return None
    return replace(
        t,
        header=[_cut(t.header[0], keep), *t.header[1:]],
        rows=[[_cut(row[0], keep), *row[1:]] for row in t.rows],
    )


def _record(header: list[str], row: list[str], width: int) -> list[str]:
    """One row as lines: its name, then "Header value" for each filled cell, as many to a line
    as fit."""
    name, *cells = row
    items = [f"{h} {c}".strip() for h, c in zip(header[1:], cells, strict=True) if c.strip()]
    lines = textwrap.wrap(name, width) or [""]
    current = ""
    for item in items:
        joined = f"{current} · {item}" if current else item
        if current and len(joined) + 2 > width:
            lines.append(current)
            current = item
        else:
            current = joined
    if current:
        lines.append(current)
    return [lines[0], *(w for line in lines[1:] for w in _indented(line, width))]


def _indented(line: str, width: int) -> list[str]:
    return textwrap.wrap(line, width, initial_indent="  ", subsequent_indent="    ")


def _width(t: Table) -> int:
    lines = table_text(replace(t, notes=[])).splitlines()
    return max((len(line) for line in lines), default=0)


def _cut(text: str, keep: int) -> str:
    return text if len(text) <= keep else text[: keep - 1] + "…"
