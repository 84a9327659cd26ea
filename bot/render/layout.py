"""The shape every answer is rendered from: a document of a title, lines and tables, a footer.

The terminal, JSON and Slack renderers all read documents, so an answer reads the same
everywhere; the modules that build them (`document`, `alerts`, `status`, `subscriptions`) share
these few pieces, and the renderers share how a table's columns align (`table_text`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.clock import EXCHANGE_TZ


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)
    """Footnotes under the table (why a cell is n/a), rather than a column of them."""


Part = str | Table


@dataclass(frozen=True)
class Document:
    title: str
    parts: list[Part]
    footer: str = ""
    notes: list[str] = field(default_factory=list)
    """What the reader must know before the figures: the answer is for another date than the
    one asked, or some data ends early. Shown right under the title."""
    headline: str = ""
    """The answer in one sentence, with its numbers: the first line wherever it is shown."""


def table(header: Sequence[str], rows: Sequence[Sequence[str]], notes: Sequence[str] = ()) -> Table:
    return Table(list(header), [list(r) for r in rows], list(notes))


def footnotes(labelled: Sequence[tuple[str, str | None]]) -> list[str]:
    """ "Nasdaq Composite: last close 2023-12-21" for each row that has a note."""
    return [f"{label}: {note}" for label, note in labelled if note]


def from_lines(lines: Sequence[Part]) -> Document:
    """A document whose first line is its title."""
    title, *parts = lines
    return Document(str(title), list(parts))


def et(moment: datetime) -> str:
    """A moment in New York time: "2026-01-22 16:05 ET"."""
    return moment.astimezone(EXCHANGE_TZ).strftime("%Y-%m-%d %H:%M ET")


_FIGURE = re.compile(r"[-+]?[\d,.]+(%| pts| ms|x)?|n/a|open|never|")


def figure_columns(t: Table) -> list[bool]:
    """Which columns hold figures (aligned right), the first never: it names the rows."""
    return [
        i > 0 and all(_FIGURE.fullmatch(row[i].strip()) for row in t.rows)
        for i in range(len(t.header))
    ]


def table_text(table: Table) -> str:
    """Columns aligned: the first and columns of words to the left, figures to the right."""
    rows = [table.header, *table.rows]
    widths = [max(len(r[i]) for r in rows) for i in range(len(table.header))]
    words = [not figures for figures in figure_columns(table)]

    def line(cells: list[str]) -> str:
        aligned = [
            c.ljust(w) if left else c.rjust(w)
            for c, w, left in zip(cells, widths, words, strict=True)
        ]
        return "  ".join(aligned).rstrip()

    return "\n".join([*(line(r) for r in rows), *(f"  {note}" for note in table.notes)])
