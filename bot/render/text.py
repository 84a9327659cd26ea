"""Answers as plain text for a terminal: short lines, aligned tables, the date and source last."""

from __future__ import annotations

from bot.render.document import Document, Table, document
from bot.reports import Answer


def render_text(answer: Answer) -> str:
    return document_text(document(answer))


def document_text(doc: Document) -> str:
    lines = [doc.title, *(table_text(p) if isinstance(p, Table) else p for p in doc.parts)]
    if doc.footer:
        lines += ["", doc.footer]
    return "\n".join(lines)


def table_text(table: Table) -> str:
    """Columns aligned: the first to the left, the others to the right."""
    rows = [table.header, *table.rows]
    widths = [max(len(r[i]) for r in rows) for i in range(len(table.header))]

    def line(cells: list[str]) -> str:
        first, *rest = cells
        aligned = [first.ljust(widths[0])]
        aligned += [c.rjust(w) for c, w in zip(rest, widths[1:], strict=True)]
        return "  ".join(aligned).rstrip()

    return "\n".join(line(r) for r in rows)
