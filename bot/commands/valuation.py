"""`valuation`: P/E, P/B, P/S and P/CF of small, mid and micro caps against large caps, each gap
and its percentile among the days recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.analytics.valuation import FundValuation, ValuationReport, valuations
from bot.commands.base import Command, Computed, Context, Presenter
from bot.errors import NoDataError
from bot.grammar import no_arguments
from bot.help import Topic
from bot.render.layout import Document, Table, from_lines, table
from bot.render.numbers import counted, day, signed_pct
from bot.reports import Source
from bot.universe import VALUATION_FUNDS, VALUATION_PAIR

NO_FUND_DATA = (
    "No fund data recorded yet. From Yahoo the bot records each fund's multiples and assets "
    "once a trading day (17:05 New York, and when asked), so the history and its percentile "
    "grow by a day each session. Offline, put a funds.csv (date,symbol,pe,pb,ps,pcf,"
    "total_assets) beside the price files: see the README, Try it offline on CSV files."
)
"""What valuation and flows say before any fund data is recorded, and how it accrues."""

PERCENTILE = (
    "Pctl: the share of earlier recorded days whose gap was shallower than today's; "
    "Days: how many earlier recorded days it rests on."
)


@dataclass(frozen=True)
class ValuationQuery:
    pass


def compute(ctx: Context, query: ValuationQuery, on: date) -> Computed:
    large = VALUATION_PAIR[1]
    recorded = {
        fund: (label, fund.symbol, ctx.market.fund_history(fund.symbol))
        for label, fund in VALUATION_FUNDS
    }
    compared = [days for fund, days in recorded.items() if fund != large]
    report = valuations(compared, recorded[large], on)
    if report.session is None:
        raise NoDataError(NO_FUND_DATA)
    return Computed(report, report.session, Source(f"{ctx.market.label} (fund data)"))


def _lead(r: ValuationReport) -> FundValuation:
    """The fund the headline and the first table are about: the first with a P/E gap (IWM
    when it has one), else the first with a recorded day, else the first. (A fund's first row
    is its P/E, the first of the metrics.)"""
    return next(
        (f for f in r.funds if f.rows[0].discount_pct is not None),
        next((f for f in r.funds if f.session is not None), r.funds[0]),
    )


def headline(r: ValuationReport) -> str:
    """ "IWM trades at a -29% P/E gap to SPY (15.9x vs 22.4x), deeper than on 80% of 120
    recorded days"."""
    fund = _lead(r)
    pe = fund.rows[0]
    if pe.discount_pct is None or pe.small is None or pe.large is None:
        return f"No P/E recorded of both {fund.symbol} and {r.large} on {day(fund.session)}"
    when = f" on {day(fund.session)}" if fund.session != r.session else ""
    depth = (
        f", deeper than on {pe.percentile:.0f}% of {_days(pe.days)}"
        if pe.percentile is not None
        else ""
    )
    return (
        f"{fund.symbol} trades at a {signed_pct(pe.discount_pct, 0)} P/E gap to {r.large} "
        f"({pe.small:.1f}x vs {pe.large:.1f}x){when}{depth}"
    )


def _days(n: int) -> str:
    return counted(n, "recorded day")


def document(r: ValuationReport) -> Document:
    fund = _lead(r)
    rows = [
        [
            row.metric,
            _multiple(row.small),
            _multiple(row.large),
            signed_pct(row.discount_pct, 0),
            _percentile(row.percentile),
            str(row.days),
        ]
        for row in fund.rows
    ]
    header = ["Metric", fund.symbol, r.large, "Gap", "Pctl", "Days"]
    title = f"Valuation: {fund.label} {fund.symbol} vs {r.large_label} {r.large}"
    return from_lines(
        [
            f"{title}, {day(fund.session)}",
            table(header, rows),
            f"P/E by size against {r.large}, {day(r.session)}:",
            _by_fund(r),
            PERCENTILE,
        ]
    )


def _by_fund(r: ValuationReport) -> Table:
    """A row a fund, its P/E against the large-cap fund's, narrow enough for a phone (45
    characters: the size, "Small (S&P 600)", without "caps"). Under a fund whose last recorded
    day is earlier than the others', that day; under one with none, that it has none."""
    rows = []
    for f in r.funds:
        pe = f.rows[0]
        rows.append(
            [
                f"{f.symbol} {f.label.replace(' caps', '')}",
                _multiple(pe.small),
                signed_pct(pe.discount_pct, 0),
                _percentile(pe.percentile),
                str(pe.days),
            ]
        )
        if f.session is None:
            rows.append(["  no day recorded", "", "", "", ""])
        elif f.session != r.session:
            rows.append([f"  as of {day(f.session)}", "", "", "", ""])
    return table(["Fund", "P/E", "Gap", "Pctl", "Days"], rows)


def _multiple(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}x"


def _percentile(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}"


COMMAND = Command(
    name="valuation",
    synonyms=("valuations", "value"),
    parse=no_arguments("valuation", ValuationQuery()),
    queries=(ValuationQuery,),
    shared=(ValuationQuery,),
    compute=compute,
    presenters={ValuationReport: Presenter(headline, document)},
    topic=Topic("P/E, P/B, P/S and P/CF of small vs large caps", ("valuation",), (), "valuation"),
)
