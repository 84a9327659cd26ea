"""Answers as plain text for a terminal: short lines, aligned tables, the date and source last."""

from __future__ import annotations

from bot.render.document import document
from bot.render.layout import Document, Table, figure_columns
from bot.reports import Answer


def render_text(answer: Answer) -> str:
    return document_text(document(answer))


def document_text(doc: Document) -> str:
    """The headline first, then the title, what to know of its dates, the body, the footer."""
    notes = [f"Note: {note}" for note in doc.notes]
    parts = (table_text(p) if isinstance(p, Table) else p for p in doc.parts)
    lines = [*([doc.headline] if doc.headline else []), doc.title, *notes, *parts]
    if doc.footer:
        lines += ["", doc.footer]
    return "\n".join(lines)


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
