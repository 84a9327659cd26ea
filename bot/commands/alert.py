"""`alert add|list|pause|resume|remove|test ...`, `subscribe alerts`, `unsubscribe alerts`, and
what a posted alert says.

A posted alert and `alert list` say when a rule re-arms with the same words (`rearm_words`).
"""

from __future__ import annotations

from datetime import date

from bot.alerts.grammar import (
    AddAlertQuery,
    AlertListQuery,
    AlertRuleQuery,
    AlertsSubscriptionQuery,
    AlertTestQuery,
)
from bot.alerts.reports import (
    AlertChangeReport,
    AlertListReport,
    AlertMessage,
    AlertRuleLine,
    AlertTestReport,
)
from bot.alerts.rules import MEASURES, Kind, Owner
from bot.commands.base import Command, Computed, Context, Presenter
from bot.render.layout import Document, Part, et, from_lines, table
from bot.render.numbers import (
    as_typed,
    counted,
    day,
    level,
    rose_or_fell,
    sessions,
    signed_pct,
    signed_pts,
)

AlertQuery = (
    AddAlertQuery | AlertListQuery | AlertRuleQuery | AlertTestQuery | AlertsSubscriptionQuery
)


def compute(ctx: Context, query: AlertQuery, on: date) -> Computed:
    where = ctx.channel("subscriptions" if isinstance(query, AlertsSubscriptionQuery) else "alerts")
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
        case AlertsSubscriptionQuery(subscribe=True):
            return Computed(ctx.alerts.subscribe(where.channel, where.workspace, where.user))
        case AlertsSubscriptionQuery():
            return Computed(ctx.alerts.unsubscribe(where.channel, where.workspace))
    raise AssertionError(f"unhandled alert query {query!r}")


def price(value: float) -> str:
    """Index levels with two decimals, ratios with four significant digits."""
    return f"{value:.4g}" if abs(value) < 10 else level(value)


def signed_figure(kind: str, change: float) -> str:
    """A day's figure of a rule read either way, with its sign and unit: "-3.52%" (a move),
    "+1.63 pts" (the spread), "+0.50" (the change in cuts priced)."""
    match kind:
        case Kind.MOVE:
            return signed_pct(change)
        case Kind.SPREAD:
            return signed_pts(change)
    return f"{change:+.2f}"


_FIGURE_COLUMNS = {Kind.MOVE: "Move", Kind.SPREAD: "Spread", Kind.RATE_CUTS: "Change"}


def rearm_words(kind: str, side: str, rearm_at: float | None) -> str:
    """When a fired rule can fire again: "re-arms once below 2,736.25", "re-arms at the next
    session", "re-arms when the streak ends"."""
    if MEASURES[Kind(kind)].daily:
        return "re-arms at the next session"
    if kind == Kind.STREAK:
        if side == "up" or rearm_at is None:
            return "re-arms when the streak ends"
        return f"re-arms when a streak reaches {rearm_at:.0f} sessions again"
    if rearm_at is None:
        return "re-arms after its cooldown"
    below = "below" if side == "up" else "above"
    return f"re-arms once {below} {price(rearm_at)}"


def _quiet(until: date | None) -> str:
    return f"; quiet until {day(until)} (cooldown)" if until else ""


def _rule_state(line: AlertRuleLine) -> str:
    state = line.state
    if line.state == "fired" and line.rearm_side is not None:
        state = f"fired, {rearm_words(line.rule.kind, line.rearm_side, line.rearm_at)}"
        state += _quiet(line.quiet_until)
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


def alert_document(m: AlertMessage) -> Document:
    """An alert as it is posted: what happened, when and from where, and its context."""
    parts: list[Part] = [_headline(m)]
    if m.kind == Kind.RATE_CUTS and m.price is not None:
        before = f", from {m.previous_price:.2f} the session before" if m.previous_price else ""
        parts.append(f"{m.price:.2f} cuts priced for the year at {et(m.at)}{before}.")
    elif m.price is not None:
        line = f"{price(m.price)} at {et(m.at)}"
        if m.previous_price:
            change = signed_pct((m.price / m.previous_price - 1.0) * 100.0)
            since = "the previous close of " if MEASURES[Kind(m.kind)].daily else ""
            line += f", from {since}{price(m.previous_price)} ({change})"
        parts.append(line + ".")
    if m.late:
        parts.append("Detected late: I was not watching when this happened.")
    if m.source:
        parts.append(f"Prices: {m.source}, Yahoo having failed.")
    context = []
    if m.streak is not None:
        context.append(
            f"small-cap streak {sessions(m.streak)}" if m.streak else "no small-cap streak"
        )
    if m.next_level is not None and m.price:
        distance = (m.next_level.value / m.price - 1.0) * 100.0
        context.append(
            f"next level {level(m.next_level.value)} ({m.next_level.label}), "
            f"{signed_pct(distance)} away"
        )
    if context:
        parts.append("Context: " + "; ".join(context) + ".")
    after = (
        "retired (once)"
        if m.retired
        else rearm_words(m.kind, m.side, m.rearm_at) + _quiet(m.quiet_until)
    )
    parts.append(f"Rule {m.rule_id}: {m.rule} · {after}")
    return from_lines(parts)


def _headline(m: AlertMessage) -> str:
    match m.kind:
        case Kind.LEVEL:
            direction = "above" if m.side == "up" else "below"
            return f"{m.target} crossed {direction} {as_typed(m.level)}"
        case Kind.MOVE:
            if m.figure is not None:
                return f"{m.target} {rose_or_fell(m.figure)} on the day"
            # queued by a version that did not keep the sign: the prices have it
            fell = m.price is not None and m.previous_price and m.price < m.previous_price
            return f"{m.target} {rose_or_fell(-m.value if fell else m.value)} on the day"
        case Kind.SPREAD:
            shown = f"{m.value:.2f} pts" if m.figure is None else signed_pts(m.figure)
            return f"Small minus large: {shown} on the day"
        case Kind.STREAK:
            if m.side == "up":
                return f"Small-cap streak reached {sessions(int(m.value))}"
            return f"A small-cap streak of at least {sessions(int(m.level))} ended"
        case Kind.HIGH_52W:
            return f"{m.target} closed at a new 52-week high, {m.value:.2f}% above the last"
        case Kind.ALL_TIME_HIGH:
            return f"{m.target} closed at a new all-time high, {m.value:.2f}% above the last"
        case Kind.RATE_CUTS:
            now = f", {m.price:.2f} now" if m.price is not None else ""
            change = (m.price or 0.0) - (m.previous_price or 0.0)
            return f"Fed cuts priced for the year moved {change:+.2f} on the day{now}"
        case Kind.LONGEST_SINCE:
            run = f" ({sessions(m.streak)})" if m.streak else ""
            if m.longest_since is None:
                return f"The small-cap streak{run} is the longest on record"
            return (
                f"The small-cap streak{run} is the longest since {day(m.longest_since.date)} "
                f"({sessions(m.longest_since.length)})"
            )
    return f"Alert: {m.rule}"


COMMAND = Command(
    (AddAlertQuery, AlertListQuery, AlertRuleQuery, AlertTestQuery, AlertsSubscriptionQuery),
    compute,
    {
        AlertListReport: Presenter(list_headline, alert_list_document),
        AlertChangeReport: Presenter(change_headline, alert_change_document),
        AlertTestReport: Presenter(test_headline, alert_test_document),
    },
    changes=(AddAlertQuery, AlertRuleQuery, AlertsSubscriptionQuery),
)
