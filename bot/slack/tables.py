"""Tables in Slack: the `table` block where Slack allows one, else monospace text that a phone
shows whole (45 characters).

Slack takes one table block a message: at most 100 rows (the header among them), 20 cells a
row and 10,000 characters in all; slack_sdk's `TableBlock` model checks none of that, so this
module does, and tests check what it makes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.render.layout import Table, figure_columns
from bot.render.text import table_text

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


def narrow(t: Table, width: int = PHONE_WIDTH) -> Table:
    """`t` cut to `width` characters a line: the last columns left out while it is wider (the
    first columns matter most), then the first column's words shortened. A footnote says which
    columns were left out."""
    kept = len(t.header)
    while kept > 2 and _width(_columns(t, kept)) > width:
        kept -= 1
    narrowed = _columns(t, kept)
    if kept < len(t.header):
        left_out = ", ".join(h or "notes" for h in t.header[kept:])
        narrowed = replace(narrowed, notes=[*narrowed.notes, f"(left out to fit: {left_out})"])
    excess = _width(narrowed) - width
    if excess > 0:
        first = max(len(row[0]) for row in [narrowed.header, *narrowed.rows])
        keep = max(first - excess, 4)
        narrowed = replace(
            narrowed,
            header=[_cut(narrowed.header[0], keep), *narrowed.header[1:]],
            rows=[[_cut(row[0], keep), *row[1:]] for row in narrowed.rows],
        )
    return narrowed


def _columns(t: Table, count: int) -> Table:
    return replace(t, header=t.header[:count], rows=[row[:count] for row in t.rows])


def _width(t: Table) -> int:
    lines = table_text(replace(t, notes=[])).splitlines()
    return max((len(line) for line in lines), default=0)


def _cut(text: str, keep: int) -> str:
    return text if len(text) <= keep else text[: keep - 1] + "…"
