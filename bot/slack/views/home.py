"""The App Home tab, for the person who opens it: the market in a sentence and a chart, the
forms a click away, and each of their channels with its rules and summary, each with its
buttons. The status is one button away: the workspace's own, or the operator's for operators."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.alerts.reports import AlertRuleLine
from bot.render.document import document
from bot.render.layout import Document
from bot.reports import Answer
from bot.slack.views.blocks import (
    TableBudget,
    context,
    document_blocks,
    escape,
    header,
    section,
)
from bot.slack.views.buttons import button
from bot.slack.views.forms import option, plain
from bot.workspaces import ChannelPlan

MAX_VIEW_BLOCKS = 100
RULES_SHOWN = 10
"""Rules shown under a channel; `alert list` in the channel has them all."""

NEW_ALERT_ACTION = "home_new_alert"
DAILY_FORM_ACTION = "home_daily_summary"
STATUS_ACTION = "home_status"
RULE_MENU_ACTION = "home_rule"
CHANNEL_MENU_ACTION = "home_channel"

Block = dict[str, Any]


def home_view(
    market: Sequence[Answer | str],
    plans: Sequence[ChannelPlan] | str,
    chart: Block | None = None,
    notice: str | None = None,
) -> dict[str, Any]:
    """The Home: each market answer's headline and date (or why it is missing), the chart,
    the forms' buttons, then the channels (or why they could not be listed). `notice` is
    mrkdwn (what a menu just did, naming its channel), escaped by whoever wrote it."""
    blocks: list[Block] = [header("Small caps vs large caps")]
    if notice:
        blocks.append(context(f":information_source: {notice}"))
    for item in market:
        if isinstance(item, str):
            blocks.append(section(escape(item)))
            continue
        doc = document(item)
        blocks.append(section(f"*{escape(doc.headline or doc.title)}*"))
        blocks += [context(f":warning: {escape(n)}") for n in doc.notes]
        if doc.footer:
            blocks.append(context(escape(doc.footer)))
    if chart is not None:
        blocks.append(chart)
    blocks.append(
        {
            "type": "actions",
            "elements": [
                {**button(NEW_ALERT_ACTION, "New alert", "new"), "style": "primary"},
                button(DAILY_FORM_ACTION, "Daily summary", "new"),
                button(STATUS_ACTION, "Status", "status"),
            ],
        }
    )
    blocks += [{"type": "divider"}, header("Your channels")]
    if isinstance(plans, str):
        blocks.append(section(escape(plans)))
    elif not plans:
        blocks.append(
            section(
                "None of the channels you are in has alerts or a daily summary yet: "
                "*New alert* or *Daily summary* above sets one up."
            )
        )
    for plan in plans if not isinstance(plans, str) else []:
        blocks += channel_blocks(plan)
    if len(blocks) > MAX_VIEW_BLOCKS:
        blocks = [
            *blocks[: MAX_VIEW_BLOCKS - 1],
            context("More channels than fit here: `/smallcaps subscriptions` in each."),
        ]
    return {"type": "home", "blocks": blocks}


def channel_blocks(plan: ChannelPlan) -> list[Block]:
    """A channel: its summary and a menu to change it or add a rule, then each rule."""
    daily = plan.daily
    summary = f"Daily summary at {daily.at} {escape(daily.zone)}" if daily else "No daily summary"
    choices = {"alert": "New alert here…", "summary": "Change the summary…"}
    if daily:
        choices["stop"] = "Stop the summary"
    else:
        choices["summary"] = "Add a daily summary…"
    menu = {
        "type": "overflow",
        "action_id": CHANNEL_MENU_ACTION,
        "options": [
            option(text, json.dumps({"do": do, "channel": plan.channel}))
            for do, text in choices.items()
        ],
    }
    blocks: list[Block] = [
        {"type": "divider"},
        {**section(f"*<#{plan.channel}>*\n{summary}"), "accessory": menu},
    ]
    blocks += [rule_block(plan.channel, line) for line in plan.rules[:RULES_SHOWN]]
    if len(plan.rules) > RULES_SHOWN:
        more = len(plan.rules) - RULES_SHOWN
        blocks.append(context(f"and {more} more: `/smallcaps alert list` in <#{plan.channel}>"))
    return blocks


def rule_block(channel: str, line: AlertRuleLine) -> Block:
    """One rule, its state and how often it fired, with a menu: pause or resume, replay the
    last year, remove."""
    fired = ""
    if line.fired:
        last = f", last {line.last_fired.isoformat()}" if line.last_fired else ""
        times = "once" if line.fired == 1 else f"{line.fired} times"
        fired = f" · fired {times}{last}"
    built_in = " · built in" if line.builtin else ""
    held = f" · held: {escape(line.held)}" if line.held else ""
    text = f"`#{line.id}` {escape(line.rule.text)} · *{line.state}*{held}{fired}{built_in}"
    choices = {}
    if line.state != "retired":
        choices["resume" if line.state == "paused" else "pause"] = (
            "Resume" if line.state == "paused" else "Pause"
        )
    choices |= {"test": "Replay the last year", "remove": "Remove"}
    menu = {
        "type": "overflow",
        "action_id": RULE_MENU_ACTION,
        "options": [
            option(label, json.dumps({"do": do, "rule": line.id, "channel": channel}))
            for do, label in choices.items()
        ],
    }
    return {**section(text), "accessory": menu}


def answer_modal(title: str, answer: Answer) -> dict[str, Any]:
    """An answer in a modal (a replay, the status): tables as text a phone shows whole."""
    return document_modal(title, document(answer))


def document_modal(title: str, doc: Document) -> dict[str, Any]:
    blocks = document_blocks(doc, TableBudget(0))
    return {
        "type": "modal",
        "title": plain(title, 24),
        "close": plain("Close"),
        "blocks": blocks[:MAX_VIEW_BLOCKS],
    }
