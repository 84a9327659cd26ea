"""Block Kit from documents, by pure functions, in one pass: a document's blocks (headline,
notes, lines, tables as the budget allows, footer), the pieces every message is made of, errors.

Every layout stays inside Slack's limits (checked in tests): at most 50 blocks a message, 3000
characters in a section's text, 150 in a header, 2000 in a button's value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.render.layout import Document, Part, Table
from bot.slack.views.tables import phone_text, table_block

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_FALLBACK_TEXT = 3000


Block = dict[str, Any]


@dataclass(frozen=True)
class SlackMessage:
    """A message as posted: its blocks and its notification text, made from one document."""

    blocks: list[Block]
    text: str


def escape(text: str) -> str:
    """Text as Slack shows it literally: `&`, `<` and `>` would otherwise be markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """`text` within `limit` characters; a cut falls between words when one is near."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit - 40:
        cut = cut[:space].rstrip(" ,;:·-")
    return cut + "…"


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": clip(text, MAX_HEADER_TEXT)}}


def section(mrkdwn: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def context(mrkdwn: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(mrkdwn, 3000)}]}


def _code_sections(text: str) -> list[Block]:
    """A monospaced table in as many sections as its length needs, split between lines."""
    budget = MAX_SECTION_TEXT - len("``````")
    chunks: list[str] = []
    current: list[str] = []
    for line in escape(text).splitlines():
        line = clip(line, budget)
        if current and len("\n".join([*current, line])) > budget:
            chunks.append("\n".join(current))
            current = []
        current.append(line)
    if current:
        chunks.append("\n".join(current))
    return [section(f"```{chunk}```") for chunk in chunks]


def text_sections(lines: Sequence[str]) -> list[Block]:
    text = escape("\n".join(lines))
    return [section(text[i : i + MAX_SECTION_TEXT]) for i in range(0, len(text), MAX_SECTION_TEXT)]


class TableBudget:
    """How many table blocks a message may still take (Slack allows one); the rest go as
    monospace text a phone shows whole (`phone_text`)."""

    def __init__(self, blocks: int = 1) -> None:
        self.left = blocks

    def blocks_of(self, t: Table) -> list[Block]:
        block = table_block(t) if self.left else None
        if block is None:
            return _code_sections(phone_text(t)) + _footnote_blocks(t.notes)
        self.left -= 1
        return [block, *_footnote_blocks(t.notes)]


def _footnote_blocks(notes: Sequence[str]) -> list[Block]:
    return [context(escape("\n".join(notes)))] if notes else []


def document_blocks(
    doc: Document, tables: TableBudget | None = None, chart: Block | None = None
) -> list[Block]:
    """The headline in bold (or the title as a header when there is none), the title and what
    to know of the dates as context, lines as text, the first table as a table block, the
    footer as context."""
    if doc.headline:
        blocks = [section(f"*{escape(clip(doc.headline, MAX_SECTION_TEXT - 2))}*")]
        blocks.append(context(escape(doc.title)))
    else:
        blocks = [header(doc.title)]
    blocks += [*_note_blocks(doc.notes), *body_blocks(doc.parts, tables=tables)]
    if chart is not None:
        blocks.append(chart)
    if doc.footer:
        blocks.append(context(escape(doc.footer)))
    return blocks


def _note_blocks(notes: Sequence[str]) -> list[Block]:
    """What to know before the figures (another date than the one asked, data ending early)."""
    return [context(f":warning: {escape(note)}") for note in notes]


def body_blocks(
    parts: Sequence[Part], lead: str = "", tables: TableBudget | None = None
) -> list[Block]:
    """Lines as text sections (the first led by `lead`, raw mrkdwn), tables as the budget
    allows: a table block, else monospace text a phone shows whole."""
    tables = tables or TableBudget()
    blocks: list[Block] = []
    pending: list[str] = []
    for part in parts:
        if isinstance(part, Table):
            blocks += text_sections(pending)
            pending = []
            blocks += tables.blocks_of(part)
        else:
            pending.append(part)
    blocks += text_sections(pending)
    if lead and parts and isinstance(parts[0], str):
        text = blocks[0]["text"]
        if len(lead) + 1 + len(text["text"]) <= MAX_SECTION_TEXT:
            text["text"] = f"{lead}\n{text['text']}"
        else:
            blocks.insert(0, section(lead))
    elif lead:
        blocks.insert(0, section(lead))
    return blocks


def error_blocks(message: str, example: str | None = None) -> list[Block]:
    text = f":warning: {escape(message)}"
    if example:
        text += f"\nTry: `/smallcaps {escape(example)}`"
    return [section(clip(text, MAX_SECTION_TEXT))]


def error_text(message: str, example: str | None = None) -> str:
    """An error's fallback text, escaped like every other."""
    tip = f" (e.g. `{example}`)" if example else ""
    return clip(escape(message + tip), MAX_FALLBACK_TEXT)
