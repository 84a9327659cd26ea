"""An answer as a Slack message: the answer made a document once, its blocks and notification
text read from that document in one pass, with what can be done from it (a menu of its rules or
levels, another period, a chart, "Post to channel")."""

from __future__ import annotations

from bot.alerts.reports import AlertChangeReport, AlertListReport
from bot.analytics.levels import LevelsReport
from bot.commands import presenter
from bot.render.document import document
from bot.render.layout import Document
from bot.render.numbers import level
from bot.render.text import document_text
from bot.reports import Answer
from bot.slack.views.blocks import (
    MAX_BLOCKS,
    MAX_FALLBACK_TEXT,
    Block,
    SlackMessage,
    clip,
    context,
    document_blocks,
    escape,
)
from bot.slack.views.buttons import MAX_ACTIONS, answer_actions, level_menu, rule_buttons, rule_menu
from bot.slack.views.charts import rebased_chart
from bot.summaries.reports import SubscriptionsReport


def answer_message(
    answer: Answer,
    share_value: str | None = None,
    shared_by: str | None = None,
    changed_by: str | None = None,
    notice: str | None = None,
) -> SlackMessage:
    """An answer as blocks: one row of what can be done from it (with a share value "Post to
    channel"); once shared (or for a change), who shared (or made) it; a `notice` under the
    headline (answered for today). Its text is the headline (the whole answer when it has
    none), a change's led by who made it."""
    doc = document(answer)
    text = fallback_text(doc)
    if changed_by:
        text = f"<@{changed_by}> changed: {text}"
    return SlackMessage(_blocks(answer, doc, share_value, shared_by, changed_by, notice), text)


def fallback_text(doc: Document) -> str:
    """The notification text: the document's headline (the whole document when it has none)."""
    return clip(escape(doc.headline or document_text(doc)), MAX_FALLBACK_TEXT)


def _blocks(
    answer: Answer,
    doc: Document,
    share_value: str | None,
    shared_by: str | None,
    changed_by: str | None,
    notice: str | None,
) -> list[Block]:
    chart = rebased_chart(answer.chart) if answer.chart is not None else None
    blocks = document_blocks(doc, chart=chart)
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
