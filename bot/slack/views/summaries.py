"""A daily summary as Block Kit: its document read into blocks in one pass (title, headline, the
native chart, each section, the source) and its notification text."""

from __future__ import annotations

from bot.render.summary import SummaryDocument
from bot.slack.views.blocks import (
    MAX_BLOCKS,
    MAX_FALLBACK_TEXT,
    MAX_SECTION_TEXT,
    Block,
    TableBudget,
    body_blocks,
    clip,
    context,
    escape,
    header,
    section,
)


def summary_blocks(
    doc: SummaryDocument, late: str | None = None, chart: Block | None = None
) -> list[Block]:
    """A daily summary: its title and headline, its native chart, each section under its
    name, the source."""
    blocks = [header(doc.title), section(f"*{escape(clip(doc.headline, MAX_SECTION_TEXT - 2))}*")]
    if chart is not None:
        blocks.append(chart)
    if late:
        blocks.append(context(f":hourglass: {escape(late)}"))
    tables = TableBudget()
    for part in doc.sections:
        blocks.append({"type": "divider"})
        blocks += body_blocks(part.parts, f"*{escape(part.title)}*", tables)
    blocks.append(context(escape(doc.footer)))
    if len(blocks) > MAX_BLOCKS:
        blocks = [*blocks[: MAX_BLOCKS - 1], context("(cut to fit Slack's limits)")]
    return blocks


def summary_fallback(doc: SummaryDocument) -> str:
    """The notification text of a summary: its headline, with the numbers."""
    return clip(escape(doc.headline), MAX_FALLBACK_TEXT)
