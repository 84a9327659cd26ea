"""`chart [period] [A vs B]`: A and B rebased to 100, and the A/B ratio with its average."""

from __future__ import annotations

from datetime import date

from bot.analytics.relative import RATIO_AVERAGE_SESSIONS, ChartReport, relative_performance
from bot.analytics.returns import period_end
from bot.commands.base import Command, Computed, Context, Presenter
from bot.grammar import ChartQuery
from bot.render.layout import Document, from_lines
from bot.render.numbers import day, signed_pct, signed_pts
from bot.universe import display_name


def compute(ctx: Context, query: ChartQuery, on: date) -> Computed:
    (a, b), source = ctx.histories([query.a, query.b])
    report = relative_performance(
        a.require(), b.require(), on, query.period, query.a.key, query.b.key
    )
    return Computed(report, report.end, source, period_end=period_end(query.period))


def headline(r: ChartReport) -> str:
    """ "Russell 2000 +23.0% vs S&P 500 +17.4% over 1Y: +5.6 pts"."""
    a, b = display_name(r.a), display_name(r.b)
    return (
        f"{a} {signed_pct(r.a_return_pct, 1)} vs {b} {signed_pct(r.b_return_pct, 1)} over "
        f"{r.period.upper()}: {signed_pts(r.a_return_pct - r.b_return_pct, 1)}"
    )


def document(r: ChartReport) -> Document:
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


COMMAND = Command((ChartQuery,), compute, {ChartReport: Presenter(headline, document)})
