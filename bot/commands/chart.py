"""`chart [period] [A vs B]`: A and B rebased to 100, and the A/B ratio with its average."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.analytics.relative import RATIO_AVERAGE_SESSIONS, ChartReport, relative_performance
from bot.analytics.returns import period_end
from bot.commands.base import Command, Computed, Context, Presenter
from bot.grammar import pair, period
from bot.help import PERIODS_LINE, Topic
from bot.options import GivenOnce
from bot.render.layout import Document, from_lines
from bot.render.numbers import day, signed_pct, signed_pts
from bot.universe import RUT, SPX, Instrument, display_name


@dataclass(frozen=True)
class ChartQuery:
    period: str = "1y"
    a: Instrument = RUT
    b: Instrument = SPX


EXAMPLE = "chart 1y"


def parse(words: list[str], today: date | None) -> ChartQuery:
    """A period and a pair, read as `streak` and `returns` read theirs: a word that is neither
    gets the same hint (`chart max`: "for the longest span use 5y")."""
    chosen: str | None = None
    rest = []
    given = GivenOnce("chart 1y iwm vs spy")
    for word in words:
        as_period = period(word, "chart", today)
        if as_period is None:
            rest.append(word)
        else:
            given.give("give the period", word)
            chosen = as_period
    a, b = pair(rest, EXAMPLE)
    return ChartQuery(chosen or ChartQuery.period, a, b)


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


COMMAND = Command(
    name="chart",
    parse=parse,
    queries=(ChartQuery,),
    shared=(ChartQuery,),
    compute=compute,
    presenters={ChartReport: Presenter(headline, document)},
    topic=Topic(
        "a chart of A and B rebased to 100, and the A/B ratio with its 50-day average",
        ("chart [period] [A vs B]",),
        (PERIODS_LINE, "Default: 1y, Russell 2000 vs S&P 500."),
        EXAMPLE,
    ),
)
