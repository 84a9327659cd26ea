"""A daily summary as a document: a dated title, one section per answer, the source last.

Rendered once per session and workspace, then posted to every channel that shares them; what
differs per channel (a late post's note) is added at posting time.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import EXCHANGE_TZ
from bot.render.document import document, source_line
from bot.render.layout import Document
from bot.render.text import document_text
from bot.summaries.compose import SummaryReport


@dataclass(frozen=True)
class SummaryDocument:
    title: str
    sections: list[Document]
    footer: str
    headline: str = ""
    """The session in one sentence (its returns and its streak): the notification text."""


def summary_document(r: SummaryReport) -> SummaryDocument:
    title = f"Small caps vs large caps: {r.session:%a %Y-%m-%d} close"
    if r.early_close:
        title += f" (early close, {r.early_close.astimezone(EXCHANGE_TZ):%H:%M} ET)"
    sections = []
    bodies = [(part, document(part.answer) if part.answer else None) for part in r.parts]
    headlines = {part.name: body.headline for part, body in bodies if body}
    lead = "; ".join(headlines[name] for name in ("Returns", "Streak") if name in headlines)
    for part, body in bodies:
        if body is None:
            sections.append(Document(part.name, [f"Not available: {part.missing}"]))
            continue
        notes = [f"Note: {note}" for note in body.notes]
        sections.append(Document(part.name, [body.title, *notes, *body.parts]))
    sources = [p.answer.source for p in r.parts if p.answer and p.answer.source]
    footer = f"Session {r.session.isoformat()}"
    if sources:
        footer += f" · {source_line(sources[0])}"
    day = f"{r.session:%a %Y-%m-%d} close"
    return SummaryDocument(title, sections, footer, f"{day}: {lead}" if lead else title)


def late_note(due: str, posted: str) -> str:
    """What a late summary says about itself."""
    return f"Posted late: it was due {due}; the bot could not post it until {posted}."


def summary_text(doc: SummaryDocument, late: str | None = None) -> str:
    lines = [doc.headline, doc.title, "=" * len(doc.title)]
    if late:
        lines.append(late)
    for section in doc.sections:
        lines += ["", f"## {document_text(section)}"]
    return "\n".join([*lines, "", doc.footer])
