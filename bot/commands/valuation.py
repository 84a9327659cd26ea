"""`valuation`: P/E, P/B, P/S and P/CF of small vs large caps, the gap and its percentile."""

from __future__ import annotations

from datetime import date

from bot.analytics.valuation import ValuationReport, valuation
from bot.commands.base import Command, Computed, Context, Presenter
from bot.grammar import ValuationQuery
from bot.render.layout import Document, from_lines, table
from bot.render.numbers import day, signed_pct
from bot.reports import Source
from bot.universe import VALUATION_PAIR

NO_FUND_DATA = (
    "No fund data recorded yet. From Yahoo the bot records each fund's multiples and assets "
    "once a trading day (17:05 New York, and when asked), so the history and its percentile "
    "grow by a day each session. Offline, put a funds.csv (date,symbol,pe,pb,ps,pcf,"
    "total_assets) beside the price files: see the README, Try it offline on CSV files."
)
"""What valuation and flows say before any fund data is recorded, and how it accrues."""


def compute(ctx: Context, query: ValuationQuery, on: date) -> Computed:
    small, large = VALUATION_PAIR
    report = valuation(
        ctx.market.fund_history(small.symbol),
        ctx.market.fund_history(large.symbol),
        on,
        small.symbol,
        large.symbol,
    )
    return Computed(report, report.session, Source(f"{ctx.market.label} (fund data)"))


def headline(r: ValuationReport) -> str:
    """ "IWM trades at a -29% P/E discount to SPY (15.9x vs 22.4x), deeper than on 80% of 120
    recorded days"."""
    pe = next((row for row in r.rows if row.metric == "P/E"), None)
    if r.session is None or pe is None or pe.discount_pct is None:
        return f"No fund data recorded yet for {r.small} and {r.large}"
    depth = (
        f", deeper than on {pe.percentile:.0f}% of {r.recorded_days} recorded days"
        if pe.percentile is not None
        else ""
    )
    return (
        f"{r.small} trades at a {signed_pct(pe.discount_pct, 0)} P/E gap to {r.large} "
        f"({pe.small:.1f}x vs {pe.large:.1f}x){depth}"
    )


def document(r: ValuationReport) -> Document:
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


COMMAND = Command((ValuationQuery,), compute, {ValuationReport: Presenter(headline, document)})
