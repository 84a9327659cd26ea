"""`alert add|list|pause|resume|remove|test ...`: a channel's alert rules, made, listed, changed
and replayed. A rule's own words are read in `bot/alerts/rule_words.py`; what a posted alert says
is `bot/render/alert.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.alerts.reports import AlertChangeReport, AlertListReport, AlertRuleLine, AlertTestReport
from bot.alerts.rule_words import (
    BANDS,
    COOLDOWNS,
    CUTS,
    EXAMPLE,
    LEVELS,
    MOVES,
    SPREADS,
    STREAKS,
    parse_rule,
)
from bot.alerts.rules import Kind, Owner, RuleSpec
from bot.alerts.service import AlertRuleQuery, AlertTestQuery
from bot.amounts import rule_id
from bot.commands.base import Command, Computed, Context, Presenter
from bot.days import check_day
from bot.errors import CommandError, shown
from bot.help import Topic
from bot.limits import Limits
from bot.options import GivenOnce
from bot.render.alert import price, quiet, rearm_words, signed_figure
from bot.render.layout import Document, Part, from_lines, table
from bot.render.numbers import counted, day


@dataclass(frozen=True)
class AddAlertQuery:
    spec: RuleSpec


@dataclass(frozen=True)
class AlertListQuery:
    pass


AlertQuery = AddAlertQuery | AlertListQuery | AlertRuleQuery | AlertTestQuery
"""`alert remove|pause|resume` and `alert test` are asked of the alerts as they are typed."""

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_NUMBER = re.compile(r"\d+", re.ASCII)
"""A rule's number as typed, however long: `rule_id` says when it is out of bounds."""


def parse(words: list[str], today: date | None) -> AlertQuery:
    if not words:
        raise CommandError("say what to do: add, list, remove, pause, resume or test", EXAMPLE)
    action, rest = words[0].lower(), words[1:]
    if action in ("add", "new", "set"):
        return AddAlertQuery(parse_rule(rest, example=EXAMPLE))
    if action in ("list", "ls"):
        if rest:
            raise CommandError("`alert list` takes no arguments", "alert list")
        return AlertListQuery()
    if action in ("remove", "delete", "rm", "pause", "mute", "resume", "unmute"):
        canonical = {"delete": "remove", "rm": "remove", "mute": "pause", "unmute": "resume"}
        action = canonical.get(action, action)
        return AlertRuleQuery(action, _rule_id(rest, f"alert {action} 3"))
    if action == "test":
        return _test(rest, today)
    raise CommandError(
        f"unknown alert action {shown(words[0])}: use add, list, remove, pause, resume or test",
        EXAMPLE,
    )


def rule_query(verb: str, rule: str) -> AlertRuleQuery | AlertTestQuery:
    """What a rule's button asks (`pause`, `resume`, `remove` or `test`, and the rule's number
    as the button holds it), as `alert <verb> <#>` would."""
    if verb == "test":
        return _test([rule], None)
    return AlertRuleQuery(verb, _rule_id([rule], f"alert {verb} 3"))


def _rule_id(words: list[str], example: str) -> int:
    if len(words) > 1:
        raise CommandError(
            f"give one rule's number from `alert list`, not {shown(' '.join(words))}", example
        )
    return rule_id(words[0] if words else None, example)


def _test(words: list[str], today: date | None) -> AlertTestQuery:
    example = f"alert test rut crosses 2750 since {today.year - 1 if today else 2025}-01-01"
    since: date | None = None
    lowered = [w.lower() for w in words]
    if lowered.count("since") > 1:
        given = GivenOnce(example)
        for at in (i for i, word in enumerate(lowered) if word == "since"):
            given.give("give the first day", " ".join(words[at : at + 2]))
    if "since" in lowered:
        at = lowered.index("since")
        value = words[at + 1] if at + 1 < len(words) else ""
        if not _DATE.fullmatch(value) or at + 2 != len(words):
            raise CommandError(f"`since` takes a date YYYY-MM-DD, not {shown(value)}", example)
        try:
            since = date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"{shown(value)} is not a date on the calendar", example) from None
        check_day(since, example)
        words = words[:at]
    if not words:
        raise CommandError("say which rule to test: its number or the rule itself", example)
    if len(words) == 1 and _NUMBER.fullmatch(words[0].removeprefix("#")):
        return AlertTestQuery(None, rule_id(words[0], example), since)
    return AlertTestQuery(parse_rule(words, example=example), None, since)


def compute(ctx: Context, query: AlertQuery, on: date) -> Computed:
    where = ctx.channel("alerts")
    match query:
        case AddAlertQuery(spec):
            owner = Owner(where.channel, where.workspace, where.user, ctx.clock.now())
            return Computed(ctx.alerts.add(spec, owner))
        case AlertListQuery():
            return Computed(ctx.alerts.listing(where.channel, where.workspace))
        case AlertRuleQuery():
            return Computed(ctx.alerts.change(query, where.channel, where.workspace))
        case AlertTestQuery():
            tested, source = ctx.alerts.test(query, where.channel, where.workspace, on)
            return Computed(tested, tested.until, source)
    raise AssertionError(f"unhandled alert query {query!r}")


_FIGURE_COLUMNS = {Kind.MOVE: "Move", Kind.SPREAD: "Spread", Kind.RATE_CUTS: "Change"}


def _rule_state(line: AlertRuleLine) -> str:
    state = line.state
    if line.state == "fired" and line.rearm_side is not None:
        state = f"fired, {rearm_words(line.rule.kind, line.rearm_side, line.rearm_at)}"
        state += quiet(line.quiet_until)
    elif line.state == "re-arming" and line.quiet_until:
        state = f"re-arming: may fire again from {day(line.quiet_until)}"
    if line.held:
        state += f"; held: {line.held}"
    if line.fired:
        state += f" · fired {line.fired}x, last {day(line.last_fired)}"
    return state


def list_headline(r: AlertListReport) -> str:
    """ "5 alert rules in this channel (and 9 built-in): 2 fired, 1 paused"."""
    own = [line for line in r.rules if not line.builtin]
    builtin = len(r.rules) - len(own)
    text = f"{counted(len(own), 'alert rule')} in this channel"
    if builtin:
        text += f" (and {builtin} built-in)"
    counts = [
        f"{sum(1 for line in r.rules if line.state == state)} {state}"
        for state in ("fired", "re-arming", "paused")
        if any(line.state == state for line in r.rules)
    ]
    held = sum(1 for line in r.rules if line.held)
    if held:
        counts.append(f"{held} held for lack of fresh prices")
    return f"{text}: {', '.join(counts)}" if counts else text


def change_headline(r: AlertChangeReport) -> str:
    if r.action in ("subscribed", "unsubscribed"):
        return f"{_CHANGE_TITLES[r.action]}: {counted(len(r.rules), 'rule')}"
    (line,) = r.rules
    return f"{_CHANGE_TITLES[r.action]}: rule {line.id}, {line.rule.text}"


def test_headline(r: AlertTestReport) -> str:
    """ "Russell 2000 above 2,750 would have fired 3 times from 2025-01-02 to 2026-01-22"."""
    count = len(r.firings)
    return (
        f"{r.rule.text} would have fired {counted(count, 'time')} from "
        f"{day(r.since)} to {day(r.until)}"
    )


def alert_list_document(r: AlertListReport) -> Document:
    if not r.rules:
        return from_lines(
            [
                "Alert rules in this channel",
                "None yet. Example: /smallcaps alert add rut above 2750",
            ]
        )
    own = sum(1 for line in r.rules if not line.builtin)
    rows = [
        [
            str(line.id),
            line.rule.text + (" [built-in]" if line.builtin else ""),
            _rule_state(line),
        ]
        for line in r.rules
    ]
    return from_lines(
        [
            "Alert rules in this channel",
            table(["#", "Rule", "State"], rows),
            f"{own} of {r.limit} rules used (built-in ones not counted). "
            "`alert pause <#>`, `alert resume <#>`, `alert remove <#>`.",
        ]
    )


_CHANGE_TITLES = {
    "added": "Alert rule added",
    "removed": "Alert rule removed",
    "paused": "Alert rule paused",
    "resumed": "Alert rule resumed",
    "subscribed": "Built-in alerts on",
    "unsubscribed": "Built-in alerts off",
}


def alert_change_document(r: AlertChangeReport) -> Document:
    parts: list[Part] = [_CHANGE_TITLES[r.action]]
    if r.action in ("added", "removed", "paused", "resumed"):
        parts += [f"Rule {line.id}: {line.rule.text}" for line in r.rules]
    else:
        parts.append(
            f"{len(r.rules)} rules: the watched levels, new 52-week and all-time highs of the "
            "Russell 2000, streak milestones and every new longest-in-a-year streak."
        )
    if r.present:
        parts.append(r.present)
    return from_lines(parts)


def alert_test_document(r: AlertTestReport) -> Document:
    title = f"Replay of {r.rule.text}, {day(r.since)} to {day(r.until)}"
    count = len(r.firings)
    summary = f"It would have fired {counted(count, 'time')}."
    parts: list[Part] = [title, summary]
    if r.firings:
        column = "Cuts priced" if r.rule.kind == Kind.RATE_CUTS else "Price"
        figure = _FIGURE_COLUMNS.get(Kind(r.rule.kind))
        rows = [
            [
                day(f.date),
                *(
                    []
                    if figure is None or f.change is None
                    else [signed_figure(r.rule.kind, f.change)]
                ),
                price(f.price),
            ]
            for f in r.firings
        ]
        parts.append(table(["Date", *([figure] if figure else []), column], rows))
    if r.note:
        parts.append(r.note)
    return from_lines(parts)


def _limits(limits: Limits) -> str:
    """`help alert`'s line on the bounds in force."""
    return (
        f"Limits: {limits.rules_per_channel} rules a channel and {limits.rules_per_workspace} a "
        "workspace, built-in alerts aside; a workspace's rules may watch "
        f"{limits.symbols_per_workspace} symbols outside the indices and ETFs the bot knows. "
        "Remove a rule (`alert remove <#>`) to make room."
    )


TOPIC = Topic(
    "alerts on levels, moves, the spread and the streak, posted in this channel",
    (
        "alert add <target> above|below|crosses <level> [options]",
        "alert add <target> move <pct> [options]",
        "alert add spread <pts> [options]",
        "alert add streak <n> [options]",
        "alert add rate cuts <n> [options]",
        "alert list",
        "alert pause|resume|remove <#>",
        "alert test <# or rule> [since YYYY-MM-DD]",
    ),
    (
        f"Levels: above, below or crosses a price or a ratio such as iwm/spy ({LEVELS}).",
        f"move <pct>: the day's change either way ({MOVES}). spread <pts>: Russell 2000 minus "
        f"S&P 500 daily return either way ({SPREADS}). streak <n>: {STREAKS}. rate cuts <n>: "
        f"a day's change in the Fed cuts priced for the year, either way ({CUTS}).",
        "Options, in any order: close or intraday (levels default to close, moves and spreads "
        "to intraday); once or every (default every); "
        f"band <pct> ({BANDS}, default 0.5%, levels only); "
        f"cooldown <sessions> ({COOLDOWNS}, default 1).",
        "Re-arming: a level rule re-arms once the price is back past the level by its band; a "
        "move, spread or record rule re-arms at the next session; none fires within its "
        "cooldown.",
    ),
    EXAMPLE,
    limits=_limits,
)

COMMAND = Command(
    name="alert",
    synonyms=("alerts",),
    parse=parse,
    queries=(AddAlertQuery, AlertListQuery, AlertRuleQuery, AlertTestQuery),
    compute=compute,
    presenters={
        AlertListReport: Presenter(list_headline, alert_list_document),
        AlertChangeReport: Presenter(change_headline, alert_change_document),
        AlertTestReport: Presenter(test_headline, alert_test_document),
    },
    topic=TOPIC,
    changes=(AddAlertQuery, AlertRuleQuery),
)
