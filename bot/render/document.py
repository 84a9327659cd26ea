"""What each answer says, as a document (`bot.render.layout`): a title, lines and tables, and
a dated footer. Market answers are built here; alerts, status and subscriptions in their own
modules.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from bot.alerts.reports import AlertChangeReport, AlertListReport, AlertTestReport
from bot.analytics.flows import FlowsReport
from bot.analytics.levels import Level, LevelsReport
from bot.analytics.macro import MacroReport
from bot.analytics.precedents import PrecedentsReport
from bot.analytics.relative import RATIO_AVERAGE_SESSIONS, ChartReport
from bot.analytics.returns import ReturnsReport
from bot.analytics.sectors import SectorsReport
from bot.analytics.sizes import SizesReport
from bot.analytics.streak import StreakReport
from bot.analytics.valuation import ValuationReport
from bot.clock import EXCHANGE_TZ
from bot.help import HelpReport
from bot.render.alerts import alert_change_document, alert_list_document, alert_test_document
from bot.render.layout import Document, Part, from_lines, table
from bot.render.numbers import (
    as_typed,
    day,
    level,
    ordinal,
    percentile_band,
    plain_pct,
    sessions,
    signed_pct,
    signed_pts,
)
from bot.render.status import status_document
from bot.render.subscriptions import daily_change_document, subscriptions_document
from bot.reports import Answer, Dating, Source
from bot.status import StatusReport
from bot.summaries.reports import DailyChangeReport, SubscriptionsReport
from bot.universe import display_name
from bot.watched_levels import WatchedLevelsReport


def document(answer: Answer) -> Document:
    body = _BUILDERS[type(answer.report)](answer.report)
    notes = dating_notes(answer.dating) if answer.dating else []
    return Document(body.title, body.parts, footer_line(answer), notes)


def dating_notes(d: Dating) -> list[str]:
    """What an answer says when it is not for the session asked, or some of its data ends
    before that session."""
    notes = []
    if d.no_session and d.requested and d.expected:
        notes.append(
            f"{day(d.requested)} is {d.no_session}, not a trading day: this is as of the "
            f"session before, {day(d.expected)}."
        )
    if d.short:
        ends = "; ".join(f"{s.name} ({s.symbol}) data ends {day(s.last)}" for s in d.short)
        asked = (
            f"Asked for {day(d.requested)}"
            if d.requested and not d.no_session
            else f"The newest session is {day(d.expected)}"
        )
        moved = f": this is as of {day(d.answered)}" if d.answered != d.expected else ""
        notes.append(f"{asked}, but {ends}{moved}.")
    return notes


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
    return from_lines(lines)


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
    return from_lines(lines)


def _precedents(r: PrecedentsReport) -> Document:
    """The episodes with their returns over the horizon asked (the others in one line)."""
    a, b = display_name(r.a), display_name(r.b)
    months = r.horizon.removesuffix("m")
    lines: list[Part] = [
        f"Streaks of {sessions(r.min_length)} or more: {a} vs {b}, {months} months after"
    ]
    if not r.episodes:
        lines.append("None before this date.")
    else:
        rows = []
        for e in r.episodes:
            f = e.forward[r.horizon]
            if f is None:
                rows.append([day(e.end), str(e.length), "open", "", ""])
            else:
                lead = signed_pts(f.a - f.b, 1)
                rows.append(
                    [day(e.end), str(e.length), signed_pct(f.a, 1), signed_pct(f.b, 1), lead]
                )
        header = ["Ended", "Len", f"{r.a.upper()} {r.horizon}", f"{r.b.upper()} {r.horizon}"]
        lines.append(table([*header, "Lead"], rows))
    chosen = next((s for s in r.summary if s.horizon == r.horizon), None)
    if chosen and chosen.known:
        lines.append(
            f"{months} months after: {a} kept leading {chosen.a_led} of {chosen.known} "
            f"({plain_pct(chosen.a_led_pct, 0)}); average {signed_pct(chosen.avg_a_pct, 1)} vs "
            f"{signed_pct(chosen.avg_b_pct, 1)}, {signed_pts(chosen.avg_spread_pts, 1)}."
        )
    elif r.episodes:
        lines.append(f"{months} months after: no episode is that old yet.")
    others = [
        f"{s.horizon} led {s.a_led} of {s.known}, {signed_pts(s.avg_spread_pts, 1)}"
        for s in r.summary
        if s.horizon != r.horizon and s.known
    ]
    if others:
        lines.append("Other horizons: " + "; ".join(others) + ".")
    if r.current:
        lines.append(
            f"Now: a {r.current.length}-session run since {day(r.current.start)}, still open."
        )
    return from_lines(lines)


def _sizes(r: SizesReport) -> Document:
    rows = [[row.segment, row.name, signed_pct(row.return_pct), row.note or ""] for row in r.rows]
    correlation = (
        "" if r.rank_correlation is None else f" (rank correlation {r.rank_correlation:+.2f})"
    )
    return from_lines(
        [
            f"By size, {r.period.upper()}: {_span(r.start, r.end)}",
            table(["Segment", "", "Change", ""], rows),
            f"Order: {r.order}{correlation}",
        ]
    )


def _span(start: date | None, end: date | None) -> str:
    """ "2025-12-31 close to 2026-01-22 close", or why there is no span."""
    if start is None or end is None:
        return "no prices for any of them"
    return f"{day(start)} close to {day(end)} close"


def _levels(r: LevelsReport) -> Document:
    rows = [
        [
            lv.label,
            level(lv.value),
            signed_pts(lv.distance_pts, 1),
            signed_pct(lv.distance_pct),
            day(lv.on) if lv.on else "never" if lv.watched else "",
        ]
        for lv in r.levels
    ]
    lines: list[Part] = [
        f"{display_name(r.key)} ({r.symbol}) levels: {level(r.current)} on {day(r.session)}",
        table(["Level", "Value", "Distance", "%", "Date"], rows),
        _nearest("support", r.support, "below"),
        _nearest("resistance", r.resistance, "above"),
    ]
    if any(lv.watched for lv in r.levels):
        lines.append(
            "Date: the session a high or low was set; for a watched level, the last session "
            "that closed across it."
        )
    return from_lines(lines)


def _nearest(name: str, found: Level | None, side: str) -> str:
    """ "Nearest support 2,640 (Breakout), -2.9%", as a trader reads it at a glance."""
    if found is None:
        return f"Nearest {name}: none {side} the close."
    value = as_typed(found.value) if found.value == round(found.value) else level(found.value)
    return f"Nearest {name} {value} ({found.label}), {signed_pct(found.distance_pct, 1)}."


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
        f"Sectors, {r.period.upper()}: {_span(r.start, r.end)}",
        table(["Sector", "Small", "Large", "Small - large"], rows),
    ]
    if r.leaders:
        lines.append("Leaders: " + ", ".join(r.leaders))
    if r.laggards:
        lines.append("Laggards: " + ", ".join(r.laggards))
    if r.missing:
        lines.append("n/a: no prices for " + ", ".join(r.missing) + ".")
    return from_lines(lines)


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
    title = f"Valuation: {r.small} (small caps) vs {r.large} (large caps)"
    if r.session is None:
        return from_lines(
            [title, table(["Metric", r.small, r.large, "Gap", "Pctl"], rows), NO_FUND_DATA]
        )
    return from_lines(
        [
            f"{title}, {day(r.session)}",
            table(["Metric", r.small, r.large, "Gap", "Pctl"], rows),
            f"Pctl: how much deeper than usual the gap is, over {r.recorded_days} recorded days.",
        ]
    )


NO_FUND_DATA = (
    "No fund data recorded yet. From Yahoo the bot records each fund's multiples and assets "
    "once a trading day (17:05 New York, and when asked), so the history and its percentile "
    "grow by a day each session. Offline, put a funds.csv (date,symbol,pe,pb,ps,pcf,"
    "total_assets) beside the price files: see the README, Try it offline on CSV files."
)
"""What valuation and flows say before any fund data is recorded, and how it accrues."""


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
        else NO_FUND_DATA
    )
    return from_lines(
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
    return from_lines(
        [f"Macro, {day(r.session)}", table(["", "Level", "1d", "5d", "1m", ""], rows)]
    )


def _chart(r: ChartReport) -> Document:
    a, b = display_name(r.a), display_name(r.b)
    average = r.ratio_average[-1]
    ratio = f"{a}/{b} ratio {r.ratio[-1]:.4g}"
    if average is not None:
        ratio += f" ({RATIO_AVERAGE_SESSIONS}-day average {average:.4g})"
    return from_lines(
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
    return from_lines(parts)


def _help(r: HelpReport) -> Document:
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
    StatusReport: status_document,
    AlertListReport: alert_list_document,
    AlertChangeReport: alert_change_document,
    AlertTestReport: alert_test_document,
    DailyChangeReport: daily_change_document,
    SubscriptionsReport: subscriptions_document,
}
