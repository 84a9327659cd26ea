"""`sizes [period]`: the change by size segment, mega to micro, and whether it is inverse to
size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.analytics.returns import period_end
from bot.analytics.sizes import SizesReport, size_ladder
from bot.commands.base import Choice, Command, Computed, Context, Presenter, periods
from bot.grammar import single_period
from bot.help import PERIODS_LINE, Topic
from bot.render.layout import Document, footnotes, from_lines, table
from bot.render.numbers import signed_pct, span
from bot.universe import SIZE_LADDER


@dataclass(frozen=True)
class SizesQuery:
    period: str = "1d"


def parse(words: list[str], today: date | None) -> SizesQuery:
    return SizesQuery(single_period(words, "sizes", "1d", today))


def compute(ctx: Context, query: SizesQuery, on: date) -> Computed:
    histories, source = ctx.histories([instrument for _, instrument in SIZE_LADDER])
    segments = [(name, h) for (name, _), h in zip(SIZE_LADDER, histories, strict=True)]
    report = size_ladder(segments, query.period, on)
    return Computed(report, report.end, source, period_end=period_end(query.period))


def headline(r: SizesReport) -> str:
    """ "By size, 1D: Micro cap best (+1.9%), Mega cap worst (-0.4%): mostly inverse to size"."""
    known = [row for row in r.rows if row.return_pct is not None]
    if not known:
        return f"By size, {r.period.upper()}: no segment has prices"
    best = max(known, key=lambda row: row.return_pct or 0.0)
    worst = min(known, key=lambda row: row.return_pct or 0.0)
    if len(known) == 1:
        return (
            f"By size, {r.period.upper()}: only {best.segment} has prices "
            f"({signed_pct(best.return_pct, 1)})"
        )
    order = f": {r.order}" if r.rank_correlation is not None else ""
    return (
        f"By size, {r.period.upper()}: {best.segment} best ({signed_pct(best.return_pct, 1)}), "
        f"{worst.segment} worst ({signed_pct(worst.return_pct, 1)}){order}"
    )


def document(r: SizesReport) -> Document:
    rows = [[row.segment, row.name, signed_pct(row.return_pct)] for row in r.rows]
    notes = footnotes([(row.segment, row.note) for row in r.rows])
    correlation = (
        "" if r.rank_correlation is None else f" (rank correlation {r.rank_correlation:+.2f})"
    )
    return from_lines(
        [
            f"By size, {r.period.upper()}: {span(r.start, r.end)}",
            table(["Segment", "", "Change"], rows, notes),
            f"Order: {r.order}{correlation}",
        ]
    )


def choices(r: SizesReport) -> list[Choice]:
    return periods(r.period, lambda p: f"sizes {p}")


COMMAND = Command(
    name="sizes",
    synonyms=("size", "ladder"),
    parse=parse,
    queries=(SizesQuery,),
    shared=(SizesQuery,),
    compute=compute,
    presenters={SizesReport: Presenter(headline, document, choices)},
    topic=Topic(
        "the change by size segment, mega to micro, and whether it is inverse to size",
        ("sizes [period]",),
        (PERIODS_LINE, "Default: 1d."),
        "sizes",
    ),
)
