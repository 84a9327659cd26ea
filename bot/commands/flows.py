"""`flows`: implied net flows and assets of the small-cap ETFs, from the days recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.analytics.flows import FlowsReport, implied_flows
from bot.commands.base import Command, Computed, Context, Presenter
from bot.commands.valuation import NO_FUND_DATA
from bot.errors import NoDataError
from bot.grammar import no_arguments
from bot.help import Topic
from bot.render.layout import Document, footnotes, from_lines, table
from bot.render.numbers import counted, day
from bot.reports import Source
from bot.trading_calendar import nyse
from bot.universe import FLOW_ETFS


@dataclass(frozen=True)
class FlowsQuery:
    pass


def compute(ctx: Context, query: FlowsQuery, on: date) -> Computed:
    histories, _ = ctx.histories(FLOW_ETFS)
    sessions = nyse().sessions
    rows = [
        implied_flows(ctx.market.fund_history(h.symbol)["total_assets"], h, on, sessions)
        for h in histories
    ]
    session = max((r.last_recorded for r in rows if r.last_recorded), default=on)
    report = FlowsReport(session, rows)
    if not any(r.last_recorded for r in rows):
        raise NoDataError(NO_FUND_DATA)
    return Computed(report, report.session, Source(f"{ctx.market.label} (fund assets)"))


def headline(r: FlowsReport) -> str:
    """ "IWM: +$1.2B implied flow on 2026-01-22, -$0.3B over 5 days"."""
    known = [row for row in r.rows if row.flow_1d is not None]
    if not known:
        return "No implied flows yet: they need two recorded days of fund assets"
    first = known[0]
    five = f", {_dollars(first.flow_5d, True)} over 5 days" if first.flow_5d is not None else ""
    return (
        f"{first.symbol}: {_dollars(first.flow_1d, True)} implied flow on "
        f"{day(first.last_recorded)}{five}"
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


def document(r: FlowsReport) -> Document:
    rows = [
        [
            row.symbol,
            _dollars(row.assets),
            _dollars(row.flow_1d, True),
            _dollars(row.flow_5d, True),
            str(row.days_recorded),
        ]
        for row in r.rows
    ]
    notes = footnotes([(row.symbol, row.note) for row in r.rows])
    firsts = [row.first_recorded for row in r.rows if row.first_recorded]
    recorded = max((row.days_recorded for row in r.rows), default=0)
    honest = (
        f"Implied from fund assets recorded on {counted(recorded, 'day')} since "
        f"{day(min(firsts))}: "
        "assets today minus yesterday's assets grown by the price change."
    )
    return from_lines(
        [
            f"Small-cap ETF flows, {day(r.session)}",
            table(["ETF", "Assets", "1-day flow", "5-day flow", "Days"], rows, notes),
            honest,
        ]
    )


COMMAND = Command(
    name="flows",
    parse=no_arguments("flows", FlowsQuery()),
    queries=(FlowsQuery,),
    shared=(FlowsQuery,),
    compute=compute,
    presenters={FlowsReport: Presenter(headline, document)},
    topic=Topic(
        "implied net flows and assets of IWM, VB, IJR and VBR from the days recorded",
        ("flows",),
        (),
        "flows",
    ),
)
