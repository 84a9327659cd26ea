"""Block Kit, built by pure functions from documents: answers, errors, alerts, summaries.

Every layout stays inside Slack's limits (checked in tests): at most 50 blocks a message, 3000
characters in a section's text, 150 in a header, 2000 in a button's value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.alerts.reports import AlertChangeReport, AlertListReport, AlertMessage
from bot.analytics.levels import LevelsReport
from bot.commands import presenter
from bot.render.alert import alert_document
from bot.render.document import document
from bot.render.layout import Document, Part, Table
from bot.render.numbers import level
from bot.render.summary import SummaryDocument
from bot.render.text import document_text
from bot.reports import Answer
from bot.slack.buttons import (
    MAX_ACTIONS,
    answer_actions,
    level_menu,
    rule_buttons,
    rule_menu,
)
from bot.slack.charts import rebased_chart
from bot.slack.tables import phone_text, table_block
from bot.summaries.reports import SubscriptionsReport

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_FALLBACK_TEXT = 3000


Block = dict[str, Any]


def escape(text: str) -> str:
    """Text as Slack shows it literally: `&`, `<` and `>` would otherwise be markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _clip(text: str, limit: int) -> str:
    """`text` within `limit` characters; a cut falls between words when one is near."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit - 40:
        cut = cut[:space].rstrip(" ,;:·-")
    return cut + "…"


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": _clip(text, MAX_HEADER_TEXT)}}


def section(mrkdwn: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def context(mrkdwn: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": _clip(mrkdwn, 3000)}]}


def _code_sections(text: str) -> list[Block]:
    """A monospaced table in as many sections as its length needs, split between lines."""
    budget = MAX_SECTION_TEXT - len("``````")
    chunks: list[str] = []
    current: list[str] = []
    for line in escape(text).splitlines():
        line = _clip(line, budget)
        if current and len("\n".join([*current, line])) > budget:
            chunks.append("\n".join(current))
            current = []
        current.append(line)
    if current:
        chunks.append("\n".join(current))
    return [section(f"```{chunk}```") for chunk in chunks]


def _text_sections(lines: Sequence[str]) -> list[Block]:
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
        blocks = [section(f"*{escape(_clip(doc.headline, MAX_SECTION_TEXT - 2))}*")]
        blocks.append(context(escape(doc.title)))
    else:
        blocks = [header(doc.title)]
    blocks += [*_note_blocks(doc.notes), *_body_blocks(doc.parts, tables=tables)]
    if chart is not None:
        blocks.append(chart)
    if doc.footer:
        blocks.append(context(escape(doc.footer)))
    return blocks


def _note_blocks(notes: Sequence[str]) -> list[Block]:
    """What to know before the figures (another date than the one asked, data ending early)."""
    return [context(f":warning: {escape(note)}") for note in notes]


def _body_blocks(
    parts: Sequence[Part], lead: str = "", tables: TableBudget | None = None
) -> list[Block]:
    """Lines as text sections (the first led by `lead`, raw mrkdwn), tables as the budget
    allows: a table block, else monospace text a phone shows whole."""
    tables = tables or TableBudget()
    blocks: list[Block] = []
    pending: list[str] = []
    for part in parts:
        if isinstance(part, Table):
            blocks += _text_sections(pending)
            pending = []
            blocks += tables.blocks_of(part)
        else:
            pending.append(part)
    blocks += _text_sections(pending)
    if lead and parts and isinstance(parts[0], str):
        text = blocks[0]["text"]
        if len(lead) + 1 + len(text["text"]) <= MAX_SECTION_TEXT:
            text["text"] = f"{lead}\n{text['text']}"
        else:
            blocks.insert(0, section(lead))
    elif lead:
        blocks.insert(0, section(lead))
    return blocks


def answer_blocks(
    answer: Answer,
    share_value: str | None = None,
    shared_by: str | None = None,
    changed_by: str | None = None,
    notice: str | None = None,
) -> list[Block]:
    """An answer as blocks: one row of what can be done from it (a menu of its rules or
    levels, another period, a chart, and with a share value "Post to channel"); once shared
    (or for a change), who shared (or made) it; a `notice` under the headline (answered for
    today)."""
    chart = rebased_chart(answer.chart) if answer.chart is not None else None
    blocks = document_blocks(document(answer), chart=chart)
    if notice:
        blocks.insert(1, context(f":information_source: {escape(notice)}"))
    if shared_by:
        blocks.append(context(f"Shared by <@{shared_by}>"))
    if changed_by:
        blocks.append(context(f"Changed by <@{changed_by}>"))
    rows = _menus(answer.report)
    choices = answer_actions(
        presenter(answer.report).choices(answer.report), answer.as_of, share_value
    )
    if choices is not None:
        rows.append(choices)
    elements = [e for row in rows for e in row["elements"]][:MAX_ACTIONS]
    actions = [{"type": "actions", "elements": elements}] if elements else []
    if len(blocks) + len(actions) > MAX_BLOCKS:
        keep = MAX_BLOCKS - len(actions) - 1
        blocks = [*blocks[:keep], context("(cut to fit Slack's limits)")]
    return blocks + actions


def _menus(report: object) -> list[Block]:
    """What a person acts on in an answer: a rule's buttons, a menu of rules, of levels."""
    made: Block | None = None
    if isinstance(report, AlertChangeReport) and len(report.rules) == 1:
        (line,) = report.rules
        if report.action != "removed":
            made = rule_buttons(
                line.id, paused=line.state == "paused", retired=line.state == "retired"
            )
    elif isinstance(report, AlertListReport | SubscriptionsReport):
        made = rule_menu((report if isinstance(report, AlertListReport) else report.alerts).rules)
    elif isinstance(report, LevelsReport):
        levels = [(f"{lv.label} {level(lv.value)}", lv.value) for lv in report.levels]
        made = level_menu(levels, report.key)
    return [made] if made else []


def fallback_text(answer: Answer) -> str:
    """The notification text: the answer's headline (the whole answer when it has none)."""
    doc = document(answer)
    return _clip(escape(doc.headline or document_text(doc)), MAX_FALLBACK_TEXT)


def error_blocks(message: str, example: str | None = None) -> list[Block]:
    text = f":warning: {escape(message)}"
    if example:
        text += f"\nTry: `/smallcaps {escape(example)}`"
    return [section(_clip(text, MAX_SECTION_TEXT))]


def error_text(message: str, example: str | None = None) -> str:
    """An error's fallback text, escaped like every other."""
    tip = f" (e.g. `{example}`)" if example else ""
    return _clip(escape(message + tip), MAX_FALLBACK_TEXT)


def alert_blocks(message: AlertMessage) -> list[Block]:
    """An alert as posted: what happened and its context, with buttons to mute or remove the
    rule (a retired rule has only the remove button)."""
    doc = alert_document(message)
    blocks = [header(f":rotating_light: {doc.title}"), *_text_sections([str(p) for p in doc.parts])]
    blocks.append(rule_buttons(message.rule_id, paused=False, retired=message.retired))
    return blocks


def alert_text(message: AlertMessage) -> str:
    return _clip(escape(document_text(alert_document(message))), MAX_FALLBACK_TEXT)


def summary_blocks(
    doc: SummaryDocument, late: str | None = None, chart: Block | None = None
) -> list[Block]:
    """A daily summary: its title and headline, its native chart, each section under its
    name, the source."""
    blocks = [header(doc.title), section(f"*{escape(_clip(doc.headline, MAX_SECTION_TEXT - 2))}*")]
    if chart is not None:
        blocks.append(chart)
    if late:
        blocks.append(context(f":hourglass: {escape(late)}"))
    tables = TableBudget()
    for part in doc.sections:
        blocks.append({"type": "divider"})
        blocks += _body_blocks(part.parts, f"*{escape(part.title)}*", tables)
    blocks.append(context(escape(doc.footer)))
    if len(blocks) > MAX_BLOCKS:
        blocks = [*blocks[: MAX_BLOCKS - 1], context("(cut to fit Slack's limits)")]
    return blocks


def summary_fallback(doc: SummaryDocument) -> str:
    """The notification text of a summary: its headline, with the numbers."""
    return _clip(escape(doc.headline), MAX_FALLBACK_TEXT)
