"""`help [command]`: the commands, or one command's forms, periods, options and an example, as
each command's module declares them (read from the registry, `bot/commands/__init__.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.commands.base import Command, Computed, Context, Presenter
from bot.errors import CommandError, shown
from bot.help import GENERAL, HelpReport, Topic, Usage, rate_line
from bot.render.layout import Document, Part, from_lines


@dataclass(frozen=True)
class HelpQuery:
    topic: str | None = None


def parse(words: list[str], today: date | None) -> HelpQuery:
    from bot.commands import named  # the registry lists this module: read it once it is built

    if not words:
        return HelpQuery()
    command = named(words[0])
    if command is None:
        raise CommandError(f"there is no command {shown(words[0])} to explain", "help streak")
    return HelpQuery(command.name)


def compute(ctx: Context, query: HelpQuery, on: date) -> Computed:
    from bot.commands import COMMANDS, named

    chosen = [named(query.topic)] if query.topic else list(COMMANDS)
    usages = [_usage(command, ctx) for command in chosen if command is not None]
    return Computed(HelpReport(query.topic, usages, [*GENERAL, rate_line(ctx.limits)]))


def _usage(command: Command, ctx: Context) -> Usage:
    topic = command.topic
    limits = [topic.limits(ctx.limits)] if topic.limits else []  # in force, not the defaults
    return Usage(
        command.name, topic.summary, list(topic.forms), [*topic.details, *limits], topic.example
    )


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


COMMAND = Command(
    name="help",
    synonyms=("?",),
    parse=parse,
    queries=(HelpQuery,),
    compute=compute,
    presenters={HelpReport: Presenter(headline, document)},
    topic=Topic("this list, or one command explained", ("help [command]",), (), "help streak"),
)
