"""What each answer says, as a document: a title, lines and tables, and a dated footer.

The terminal and Slack renderers both read documents, so an answer reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from bot.analytics.relative import RATIO_AVERAGE_SESSIONS
from bot.clock import EXCHANGE_TZ
from bot.render.numbers import (
    day,
    level,
    ordinal,
    percentile_band,
    plain_pct,
    sessions,
    signed_pct,
    signed_pts,
)
from bot.reports import (
    AlertChangeReport,
    AlertListReport,
    AlertMessage,
    AlertRuleLine,
    AlertsStatus,
    AlertTestReport,
    Answer,
    ChartReport,
    ClockStatus,
    DailyChangeReport,
    DailySubscriptionLine,
    DataGroup,
    FlowsReport,
    HelpReport,
    JobStatus,
    LevelsReport,
    MacroReport,
    PrecedentsReport,
    ReturnsReport,
    SectorsReport,
    SizesReport,
    Source,
    StatusReport,
    StreakReport,
    SubscriptionsReport,
    SummariesStatus,
    ValuationReport,
    WatchedLevelsReport,
)
from bot.summaries.schedule import local
from bot.universe import display_name


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]


Part = str | Table


@dataclass(frozen=True)
class Document:
    title: str
    parts: list[Part]
    footer: str = ""


def document(answer: Answer) -> Document:
    body = _BUILDERS[type(answer.report)](answer.report)
    return Document(body.title, body.parts, footer_line(answer))


def footer_line(answer: Answer) -> str:
    """ "As of 2026-01-22 · Yahoo Finance, delayed (fetched 2026-01-22 16:05 ET)"."""
    if answer.as_of is None or answer.source is None:
        return ""
    return f"As of {answer.as_of.isoformat()} · {source_line(answer.source)}"


def source_line(source: Source) -> str:
    text = source.label
    if source.fetched_at is not None:
        fetched = source.fetched_at.astimezone(EXCHANGE_TZ).strftime("%Y-%m-%d %H:%M ET")
        text += f" (fetched {fetched})"
    if source.stale:
        age = f", {_age(source.age)} old" if source.age is not None else ""
        text += f" · STALE{age}: the last refresh failed, these are the last good prices"
    return text


def _age(age: timedelta) -> str:
    """'3 h 20 min', '2 d 4 h', '12 min'."""
    minutes = int(age.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
    return Table(list(header), [list(r) for r in rows])


def _document(lines: Sequence[Part]) -> Document:
    title, *parts = lines
    return Document(str(title), list(parts))


def _streak(r: StreakReport) -> Document:
    a, b = display_name(r.a), display_name(r.b)
    lines: list[Part] = [f"{a} vs {b}: outperformance streak"]
    if r.length:
        lines.append(f"{sessions(r.length)} in a row, since {day(r.start)}.")
    else:
        lines.append(f"No streak: {a} did not beat {b} on {day(r.session)}.")
    if r.spread_pts is not None:
        lines.append(
            f"{day(r.session)}: {a} {signed_pct(r.a_return_pct)}, "
            f"{b} {signed_pct(r.b_return_pct)}, spread {signed_pts(r.spread_pts)}."
        )
    if r.length and r.longest_since:
        lines.append(
            f"Longest since {day(r.longest_since.date)} ({sessions(r.longest_since.length)})."
        )
    elif r.length:
        lines.append(f"Longest on record (data since {day(r.first_session)}).")
    if r.percentile is not None:
        share = f"{r.percentile:.2f}" if r.percentile >= 99 else f"{r.percentile:.1f}"
        lines.append(
            f"Longer than {share}% of the {r.runs_on_record:,} runs since {day(r.first_session)}."
        )
    if r.previous:
        lines.append(
            f"Previous run: {sessions(r.previous.length)}, "
            f"{day(r.previous.start)} to {day(r.previous.end)}."
        )
    return _document(lines)


def _returns(r: ReturnsReport) -> Document:
    rows = []
    for row in r.rows:
        rank = ""
        if row.rank:
            rank = (
                f"{ordinal(row.rank.rank)} of {row.rank.years} "
                f"({percentile_band(row.rank.percentile)})"
            )
        rows.append(
            [row.name, signed_pct(row.return_pct), plain_pct(row.vol_pct), rank, row.note or ""]
        )
    header = ["", "Return", "Daily vol", "Year rank" if r.period == "ytd" else "", ""]
    lines: list[Part] = [
        f"Returns, {r.period.upper()}: {day(r.start)} close to {day(r.end)} close",
        table(header, rows),
    ]
    if r.spread_pts is not None and len(r.rows) >= 2:
        lines.append(f"{r.rows[0].name} minus {r.rows[1].name}: {signed_pts(r.spread_pts)}")
    return _document(lines)


def _precedents(r: PrecedentsReport) -> Document:
    a, b = display_name(r.a), display_name(r.b)
    lines: list[Part] = [f"Streaks of {sessions(r.min_length)} or more: {a} vs {b}"]
    if not r.episodes:
        lines.append("None before this date.")
    else:
        rows = []
        for e in r.episodes:
            cells = [day(e.end), str(e.length)]
            for name in ("3m", "6m", "12m"):
                f = e.forward[name]
                cells.append("open" if f is None else f"{signed_pct(f.a, 1)} {signed_pct(f.b, 1)}")
            rows.append(cells)
        lines.append(table(["Ended", "Len", f"3m {r.a}/{r.b}", "6m", "12m"], rows))
    for s in r.summary:
        if s.known:
            lines.append(
                f"{s.horizon}: {a} kept leading {s.a_led} of {s.known} "
                f"({plain_pct(s.a_led_pct, 0)}); average {signed_pct(s.avg_a_pct, 1)} vs "
                f"{signed_pct(s.avg_b_pct, 1)}, {signed_pts(s.avg_spread_pts, 1)}"
            )
    if r.current:
        lines.append(
            f"Now: a {r.current.length}-session run since {day(r.current.start)}, still open."
        )
    return _document(lines)


def _sizes(r: SizesReport) -> Document:
    rows = [[row.segment, row.name, signed_pct(row.return_pct), row.note or ""] for row in r.rows]
    correlation = (
        "" if r.rank_correlation is None else f" (rank correlation {r.rank_correlation:+.2f})"
    )
    return _document(
        [
            f"By size, {r.period.upper()}: {day(r.start)} close to {day(r.end)} close",
            table(["Segment", "", "Change", ""], rows),
            f"Order: {r.order}{correlation}",
        ]
    )


def _levels(r: LevelsReport) -> Document:
    rows = [
        [
            lv.label,
            level(lv.value),
            signed_pts(lv.distance_pts, 1),
            signed_pct(lv.distance_pct),
            day(lv.on) if lv.on else "",
        ]
        for lv in r.levels
    ]
    lines: list[Part] = [
        f"{display_name(r.key)} ({r.symbol}) levels: {level(r.current)} on {day(r.session)}",
        table(["Level", "Value", "Distance", "%", "On"], rows),
    ]
    if r.support:
        lines.append(
            f"Support: {r.support.label} {level(r.support.value)} "
            f"({signed_pct(r.support.distance_pct)})"
        )
    if r.resistance:
        lines.append(
            f"Resistance: {r.resistance.label} {level(r.resistance.value)} "
            f"({signed_pct(r.resistance.distance_pct)})"
        )
    return _document(lines)


def _sectors(r: SectorsReport) -> Document:
    rows = [
        [
            row.sector,
            f"{signed_pct(row.small_pct)}",
            f"{signed_pct(row.large_pct)}",
            signed_pts(row.divergence_pts),
        ]
        for row in r.rows
    ]
    lines: list[Part] = [
        f"Sectors, {r.period.upper()}: {day(r.start)} close to {day(r.end)} close",
        table(["Sector", "Small", "Large", "Small - large"], rows),
    ]
    if r.leaders:
        lines.append("Leaders: " + ", ".join(r.leaders))
    if r.laggards:
        lines.append("Laggards: " + ", ".join(r.laggards))
    return _document(lines)


def _valuation(r: ValuationReport) -> Document:
    rows = [
        [
            row.metric,
            "n/a" if row.small is None else f"{row.small:.1f}x",
            "n/a" if row.large is None else f"{row.large:.1f}x",
            signed_pct(row.discount_pct, 0),
            "" if row.percentile is None else f"{row.percentile:.0f}",
        ]
        for row in r.rows
    ]
    return _document(
        [
            f"Valuation: {r.small} (small caps) vs {r.large} (large caps), {day(r.session)}",
            table(["Metric", r.small, r.large, "Gap", "Pctl"], rows),
            f"Pctl: how much deeper than usual the gap is, over {r.recorded_days} recorded days.",
        ]
    )


def _dollars(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "n/a"
    sign = ("+" if value >= 0 else "-") if signed else ("-" if value < 0 else "")
    size = abs(value)
    for unit, scale in (("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if size >= scale:
            return f"{sign}${size / scale:,.1f}{unit}"
    return f"{sign}${size:,.0f}"


def _flows(r: FlowsReport) -> Document:
    rows = [
        [
            row.symbol,
            _dollars(row.assets),
            _dollars(row.flow_1d, True),
            _dollars(row.flow_5d, True),
            str(row.days_recorded),
            row.note or "",
        ]
        for row in r.rows
    ]
    firsts = [row.first_recorded for row in r.rows if row.first_recorded]
    recorded = max((row.days_recorded for row in r.rows), default=0)
    honest = (
        f"Implied from fund assets recorded on {recorded} day(s) since {day(min(firsts))}: "
        "assets today minus yesterday's assets grown by the price change."
        if firsts
        else "No fund assets recorded yet: the bot records them once a day."
    )
    return _document(
        [
            f"Small-cap ETF flows, {day(r.session)}",
            table(["ETF", "Assets", "1-day flow", "5-day flow", "Days", ""], rows),
            honest,
        ]
    )


def _macro(r: MacroReport) -> Document:
    def change(value: float | None, unit: str) -> str:
        if value is None:
            return "n/a"
        return (
            f"{value:+.2f}%"
            if unit == "%"
            else f"{value:+.0f} bp"
            if unit == "bp"
            else f"{value:+.2f}"
        )

    rows = [
        [
            row.name,
            "n/a" if row.value is None else f"{row.value:.2f}{'%' if row.unit == '%' else ''}",
            change(row.change_1d, row.change_unit),
            change(row.change_5d, row.change_unit),
            change(row.change_1m, row.change_unit),
            row.note or "",
        ]
        for row in r.rows
    ]
    return _document([f"Macro, {day(r.session)}", table(["", "Level", "1d", "5d", "1m", ""], rows)])


def _chart(r: ChartReport) -> Document:
    a, b = display_name(r.a), display_name(r.b)
    average = r.ratio_average[-1]
    ratio = f"{a}/{b} ratio {r.ratio[-1]:.4g}"
    if average is not None:
        ratio += f" ({RATIO_AVERAGE_SESSIONS}-day average {average:.4g})"
    return _document(
        [
            f"{a} vs {b}, {r.period.upper()}: {day(r.start)} to {day(r.end)}",
            f"{a} {signed_pct(r.a_return_pct)}, {b} {signed_pct(r.b_return_pct)}, "
            f"spread {signed_pts(r.a_return_pct - r.b_return_pct)}.",
            ratio + ".",
        ]
    )


def _watched(r: WatchedLevelsReport) -> Document:
    change = (
        f"Set {level(r.value)}: {r.label}." if r.action == "set" else f"Removed {level(r.value)}."
    )
    rows = [[level(w.value), w.label] for w in sorted(r.watched, key=lambda w: -w.value)]
    parts: list[Part] = [f"Watched levels of the {display_name(r.key)}", change]
    parts.append(table(["Level", "Label"], rows) if rows else "No levels are watched now.")
    return _document(parts)


def _help(r: HelpReport) -> Document:
    if r.topic:
        (usage,) = r.usages
        return _document(
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
    return _document(lines)


def _status(r: StatusReport) -> Document:
    return _document(
        [
            "Status",
            f"Data: {r.source}",
            f"Redis: {r.redis}",
            *_groups_status(r.groups),
            *_alerts_status(r.alerts),
            _summaries_status(r.summaries),
            *_clock_status(r.clock, r.jobs),
        ]
    )


def _fetched(moment: datetime | None) -> str:
    return moment.astimezone(EXCHANGE_TZ).strftime("%m-%d %H:%M ET") if moment else ""


def _groups_status(groups: Sequence[DataGroup]) -> list[Part]:
    """One row a group (how many symbols have prices, the oldest and newest close, the oldest
    fetch), then a line for each symbol whose refresh fails."""
    if not groups:
        return []
    rows = []
    failing: list[Part] = []
    for group in groups:
        have = [s for s in group.symbols if s.last_session]
        sessions = sorted(s.last_session for s in have if s.last_session)
        fetched = [s.fetched_at for s in have if s.fetched_at]
        oldest = _fetched(min(fetched, default=None))
        rows.append([group.name, f"{len(have)}/{len(group.symbols)}", _span(sessions), oldest])
        for s in group.symbols:
            if s.error:
                retry = f"; next try {_et(s.retry_at)}" if s.retry_at else ""
                tries = f", {s.failures} failures in a row" if s.failures > 1 else ""
                failing.append(f"{s.symbol} failing{tries}: {s.error}{retry}")
    return [table(["Data", "Symbols", "Last close", "Oldest fetch"], rows), *failing]


def _span(sessions: Sequence[date]) -> str:
    if not sessions:
        return "none"
    if sessions[0] == sessions[-1]:
        return day(sessions[0])
    return f"{day(sessions[0])} to {day(sessions[-1])}"


def _clock_status(clock: ClockStatus | None, jobs: Sequence[JobStatus] | None) -> list[Part]:
    if clock is None or jobs is None:
        return ["Clock: unknown (Redis unavailable)"]
    holder = (
        f"Clock: {clock.holder} holds the lock (until {_et(clock.until)} unless renewed)"
        if clock.holder and clock.until
        else "Clock: no clock holds the lock; alerts and summaries wait for one"
    )
    rows = [
        [
            job.name,
            str(job.runs),
            str(job.failures),
            _et(job.last_success) if job.last_success else "never",
            f"{_et(job.last_error_at)}: {job.last_error}" if job.last_error_at else "",
        ]
        for job in jobs
    ]
    return [holder + ".", table(["Job", "Runs", "Failed", "Last success", "Last error"], rows)]


def _alerts_status(a: AlertsStatus | None) -> list[Part]:
    if a is None:
        return ["Alerts: unknown (Redis unavailable)"]
    when = (
        a.last_tick.astimezone(EXCHANGE_TZ).strftime("%Y-%m-%d %H:%M ET")
        if a.last_tick
        else "never"
    )
    rules = f"{a.rules} rule{'s' if a.rules != 1 else ''}"
    line = f"Alerts: {rules}, {a.watching} rule legs watching, last evaluated {when}"
    if a.waiting:
        line += f", {a.waiting} waiting to be posted"
    parts: list[Part] = [line + "."]
    if a.held:
        parts.append(f"Alerts held: {a.held}. Nothing fires until prices are fresh.")
    return parts


def _summaries_status(s: SummariesStatus | None) -> str:
    if s is None:
        return "Daily summaries: unknown (Redis unavailable)"
    line = f"Daily summaries: {s.subscribed} channel{'s' if s.subscribed != 1 else ''}"
    if s.next_due:
        line += f", next dispatch {_et(s.next_due)}"
    if s.last_run:
        figures = ", ".join(f"{n} {what}" for what, n in s.last_figures.items() if n)
        line += f"; last run {_et(s.last_run)}" + (f" ({figures})" if figures else "")
    return line + "."


def _et(moment: datetime) -> str:
    return moment.astimezone(EXCHANGE_TZ).strftime("%Y-%m-%d %H:%M ET")


def _rule_state(line: AlertRuleLine) -> str:
    state = line.state
    if line.state == "fired" and line.rearm_at is not None:
        state = f"fired, re-arms at {_price(line.rearm_at)}"
    if line.fired:
        state += f" · fired {line.fired}x, last {day(line.last_fired)}"
    return state


def _alert_list(r: AlertListReport) -> Document:
    if not r.rules:
        return _document(
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
    return _document(
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


def _alert_change(r: AlertChangeReport) -> Document:
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
    return _document(parts)


def _alert_test(r: AlertTestReport) -> Document:
    title = f"Replay of {r.rule.text}, {day(r.since)} to {day(r.until)}"
    count = len(r.firings)
    summary = f"It would have fired {count} time{'s' if count != 1 else ''}."
    parts: list[Part] = [title, summary]
    if r.firings:
        rows = [[day(f.date), _price(f.price)] for f in r.firings]
        parts.append(table(["Date", "Price"], rows))
    if r.note:
        parts.append(r.note)
    return _document(parts)


def alert_document(m: AlertMessage) -> Document:
    """An alert as it is posted: what happened, when and from where, and its context."""
    when = m.at.astimezone(EXCHANGE_TZ).strftime("%Y-%m-%d %H:%M ET")
    parts: list[Part] = [_alert_headline(m)]
    if m.price is not None:
        line = f"{_price(m.price)} at {when}"
        if m.previous_price:
            change = (m.price / m.previous_price - 1.0) * 100.0
            line += f", from {_price(m.previous_price)} ({signed_pct(change)})"
        parts.append(line + ".")
    if m.late:
        parts.append("Detected late: I was not watching when this happened.")
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
    after = "retired (once)" if m.retired else "re-arms " + _rearm(m)
    parts.append(f"Rule {m.rule_id}: {m.rule} · {after}")
    return Document(parts[0] if isinstance(parts[0], str) else "Alert", parts[1:])


def _price(value: float) -> str:
    """Index levels with two decimals, ratios with four significant digits."""
    return f"{value:.4g}" if abs(value) < 10 else level(value)


def _rearm(m: AlertMessage) -> str:
    if m.rearm_at is None:
        return "after the cooldown"
    if m.kind in ("move", "spread", "longest-since"):
        return "next session"
    below = "below" if m.side == "up" else "above"
    return f"once {below} {_price(m.rearm_at)}"


def _alert_headline(m: AlertMessage) -> str:
    match m.kind:
        case "level":
            direction = "above" if m.side == "up" else "below"
            return f"{m.target} crossed {direction} {_price(m.level)}"
        case "move":
            return f"{m.target} moved {m.value:.2f}% today"
        case "spread":
            return f"Small minus large: {m.value:.2f} pts today"
        case "streak":
            if m.side == "up":
                return f"Small-cap streak reached {sessions(int(m.value))}"
            return f"A small-cap streak of at least {sessions(int(m.level))} ended"
        case "52-week-high":
            return f"{m.target} at a new 52-week closing high ({m.value:+.2f}% above the last)"
        case "all-time-high":
            return f"{m.target} at a new all-time closing high ({m.value:+.2f}% above the last)"
        case "longest-since":
            return "The small-cap streak is the longest in more than a year"
    return f"Alert: {m.rule}"


def _next_summary(line: DailySubscriptionLine) -> str:
    when = f"{local(line.next_due, line.zone)} ({_et(line.next_due)})"
    about = f", on the session of {day(line.next_session)}" if line.next_session else ""
    return f"Next: {when}{about}."


def _daily_change(r: DailyChangeReport) -> Document:
    line = r.subscription
    if r.action == "unsubscribed":
        return _document(
            [
                "Daily summary stopped",
                f"This channel no longer gets the daily summary (it came at {line.at} "
                f"{line.zone}).",
            ]
        )
    was = f" (was {r.previous})" if r.previous else ""
    return _document(
        [
            "Daily summary on" if r.action == "subscribed" else "Daily summary moved",
            f"Every NYSE trading day at {line.at} {line.zone}{was}: the returns, the streak, "
            "sizes, levels, valuation, sectors and a chart, of the latest closed session.",
            _next_summary(line),
        ]
    )


def _subscriptions(r: SubscriptionsReport) -> Document:
    parts: list[Part] = ["Subscriptions in this channel"]
    if r.daily:
        parts += [
            f"Daily summary: {r.daily.at} {r.daily.zone} on NYSE trading days "
            f"(since {day(r.daily.created_at.date())}).",
            _next_summary(r.daily),
        ]
    else:
        parts.append("Daily summary: none. Example: /smallcaps subscribe daily at 16:30")
    parts.append(
        "Built-in alerts: on." if r.builtin_alerts else "Built-in alerts: off (subscribe alerts)."
    )
    if r.alerts.rules:
        parts += _alert_list(r.alerts).parts
    else:
        parts.append("Alert rules: none. Example: /smallcaps alert add rut above 2750")
    return Document(str(parts[0]), parts[1:])


_BUILDERS: dict[type, Callable[[Any], Document]] = {
    StreakReport: _streak,
    ReturnsReport: _returns,
    PrecedentsReport: _precedents,
    SizesReport: _sizes,
    LevelsReport: _levels,
    SectorsReport: _sectors,
    ValuationReport: _valuation,
    FlowsReport: _flows,
    MacroReport: _macro,
    ChartReport: _chart,
    WatchedLevelsReport: _watched,
    HelpReport: _help,
    StatusReport: _status,
    AlertListReport: _alert_list,
    AlertChangeReport: _alert_change,
    AlertTestReport: _alert_test,
    DailyChangeReport: _daily_change,
    SubscriptionsReport: _subscriptions,
}
