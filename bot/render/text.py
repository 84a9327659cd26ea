"""Answers as plain text for a terminal: short lines, aligned tables, the date and source last."""

from __future__ import annotations

from bot.render.document import document
from bot.render.layout import Document, Table, table_text
from bot.reports import Answer


def render_text(answer: Answer) -> str:
    """The answer made a document once and read out in one pass."""
    return document_text(document(answer))


def document_text(doc: Document) -> str:
    """The headline first, then the title, what to know of its dates, the body, the footer."""
    notes = [f"Note: {note}" for note in doc.notes]
    parts = (table_text(p) if isinstance(p, Table) else p for p in doc.parts)
    lines = [*([doc.headline] if doc.headline else []), doc.title, *notes, *parts]
    if doc.footer:
        lines += ["", doc.footer]
    return "\n".join(lines)
