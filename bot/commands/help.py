"""`help [command]`: the commands, or one command's forms, periods, options and an example."""

from __future__ import annotations

from datetime import date

from bot.commands.base import Command, Computed, Context, Presenter
from bot.grammar import HelpQuery
from bot.help import GENERAL, TOPICS, HelpReport, Usage, alert_limits, rate_line
from bot.render.layout import Document, Part, from_lines


def compute(ctx: Context, query: HelpQuery, on: date) -> Computed:
    topics = [TOPICS[query.topic]] if query.topic else list(TOPICS.values())
    limits = {"alert": [alert_limits(ctx.limits)]}  # the bounds in force, not the defaults
    usages = [
        Usage(t.name, t.summary, list(t.forms), [*t.details, *limits.get(t.name, [])], t.example)
        for t in topics
    ]
    return Computed(HelpReport(query.topic, usages, [*GENERAL, rate_line(ctx.limits)]))


def headline(r: HelpReport) -> str:
    if r.topic and r.usages:
        (usage,) = r.usages
        return f"/smallcaps {usage.forms[0]}: {usage.summary}"
    return "Ask /smallcaps streak, returns, levels and more; `help <command>` explains one"


def document(r: HelpReport) -> Document:
    if r.topic:
        (usage,) = r.usages
        return from_lines(
            [
                f"/smallcaps {usage.command}",
                usage.summary[0].upper() + usage.summary[1:] + ".",
                *(f"/smallcaps {form}" for form in usage.forms),
                *usage.details,
                f"Example: /smallcaps {usage.example}",
            ]
        )
    lines: list[Part] = ["/smallcaps <command>"]
    for u in r.usages:
        form = u.forms[0] if len(u.forms) == 1 else f"{u.command} …"
        lines.append(f"{form} — {u.summary}")
    lines += [*r.general, "`help <command>` gives each command's forms, periods and options."]
    lines.append("Example: /smallcaps streak as of 2026-01-22")
    return from_lines(lines)


COMMAND = Command((HelpQuery,), compute, {HelpReport: Presenter(headline, document)})
