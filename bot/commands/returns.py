"""`returns [period] [names...]`: returns over a period, volatility, the spread, the year's rank."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.analytics.returns import ReturnsReport, period_end, returns_table
from bot.commands.base import Choice, Command, Computed, Context, Presenter, periods, rebased
from bot.errors import CommandError
from bot.grammar import period
from bot.help import PERIODS_LINE, Topic
from bot.names import instrument, typed
from bot.options import GivenOnce
from bot.render.layout import Document, Part, footnotes, from_lines, table
from bot.render.numbers import day, ordinal, percentile_band, plain_pct, signed_pct, signed_pts
from bot.universe import NASDAQ, RUT, SPX, Instrument


@dataclass(frozen=True)
class ReturnsQuery:
    period: str = "ytd"
    instruments: tuple[Instrument, ...] = (RUT, SPX, NASDAQ)


EXAMPLE = "returns ytd"


def parse(words: list[str], today: date | None) -> ReturnsQuery:
    chosen: str | None = None
    instruments: list[Instrument] = []
    given = GivenOnce("returns ytd rut spx")
    for word in words:
        as_period = period(word, "returns", today)
        if as_period is not None:
            given.give("give the period", word)
            chosen = as_period
        else:
            named = instrument(word, EXAMPLE)
            given.give(f"name the {named.name}", word)
            instruments.append(named)
    if len(instruments) > 12:
        raise CommandError("ask for at most 12 names at once", "returns ytd rut spx")
    default = ReturnsQuery()
    return ReturnsQuery(chosen or default.period, tuple(instruments) or default.instruments)


def compute(ctx: Context, query: ReturnsQuery, on: date) -> Computed:
    histories, source = ctx.histories(query.instruments)
    report = returns_table(histories, query.period, on)
    chart = (
        rebased(histories[0], histories[1], report.end, query.period)
        if len(histories) > 1
        else None
    )
    return Computed(report, report.end, source, chart, period_end(query.period))


def headline(r: ReturnsReport) -> str:
    """ "Russell 2000 +9.5% YTD vs S&P 500 +1.0%: +8.5 pts, 2nd of 39 years"."""
    known = [row for row in r.rows if row.return_pct is not None]
    if not known:
        return f"No returns over {r.period.upper()} to {day(r.end)}: no series has prices"
    first = known[0]
    text = f"{first.name} {signed_pct(first.return_pct, 1)} {r.period.upper()}"
    if len(known) >= 2:
        text += f" vs {known[1].name} {signed_pct(known[1].return_pct, 1)}"
        if r.spread_pts is not None and known[1] is r.rows[1] and first is r.rows[0]:
            text += f": {signed_pts(r.spread_pts, 1)}"
    if first.rank:
        text += f", {ordinal(first.rank.rank)} of {first.rank.years} years"
    return text


def document(r: ReturnsReport) -> Document:
    rows = []
    for row in r.rows:
        rank = ""
        if row.rank:
            rank = (
                f"{ordinal(row.rank.rank)} of {row.rank.years} "
                f"({percentile_band(row.rank.percentile)})"
            )
        cells = [row.name, signed_pct(row.return_pct), plain_pct(row.vol_pct)]
        rows.append([*cells, rank] if r.period == "ytd" else cells)
    header = ["", "Return", "Daily vol", *(["Year rank"] if r.period == "ytd" else [])]
    notes = footnotes([(row.name, row.note) for row in r.rows])
    lines: list[Part] = [
        f"Returns, {r.period.upper()}: {day(r.start)} close to {day(r.end)} close",
        table(header, rows, notes),
    ]
    if r.spread_pts is not None and len(r.rows) >= 2:
        lines.append(f"{r.rows[0].name} minus {r.rows[1].name}: {signed_pts(r.spread_pts)}")
    return from_lines(lines)


def choices(r: ReturnsReport) -> list[Choice]:
    names = " ".join(typed(row.key, row.symbol) for row in r.rows)
    offered = periods(r.period, lambda p: f"returns {p} {names}")
    if len(r.rows) >= 2:
        a, b = (typed(row.key, row.symbol) for row in r.rows[:2])
        offered.append(Choice("Chart this", f"chart {r.period} {a} vs {b}", chart=True))
    return offered


COMMAND = Command(
    name="returns",
    synonyms=("return", "performance", "perf"),
    parse=parse,
    queries=(ReturnsQuery,),
    shared=(ReturnsQuery,),
    compute=compute,
    presenters={ReturnsReport: Presenter(headline, document, choices)},
    topic=Topic(
        "index returns over a period, volatility, the spread and the year's rank",
        ("returns [period] [names...]",),
        (PERIODS_LINE, "Default: ytd for the Russell 2000, S&P 500 and Nasdaq Composite."),
        EXAMPLE,
    ),
)
