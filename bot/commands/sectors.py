"""`sectors [period]`: small-cap sectors next to their large-cap twins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.analytics.returns import period_end
from bot.analytics.sectors import SectorsReport, sectors
from bot.commands.base import Choice, Command, Computed, Context, Presenter, periods
from bot.grammar import single_period
from bot.help import PERIODS_LINE, Topic
from bot.render.layout import Document, Part, from_lines, table
from bot.render.numbers import signed_pct, signed_pts, span
from bot.universe import SECTORS


@dataclass(frozen=True)
class SectorsQuery:
    period: str = "ytd"


def parse(words: list[str], today: date | None) -> SectorsQuery:
    return SectorsQuery(single_period(words, "sectors", "ytd", today))


def compute(ctx: Context, query: SectorsQuery, on: date) -> Computed:
    twins = [i for pair in SECTORS for i in (pair.small, pair.large)]
    histories, source = ctx.histories(twins)
    pairs = [(p.sector, histories[2 * n], histories[2 * n + 1]) for n, p in enumerate(SECTORS)]
    report = sectors(pairs, query.period, on)
    return Computed(report, report.end, source, period_end=period_end(query.period))


def headline(r: SectorsReport) -> str:
    """ "Small-cap sectors, YTD: Energy leads (+12.1%), Utilities lags (-3.0%); small beat large
    in 6 of 9"."""
    known = [row for row in r.rows if row.small_pct is not None]
    if not known:
        return f"Small-cap sectors, {r.period.upper()}: no sector fund has prices"
    best = max(known, key=lambda row: row.small_pct or 0.0)
    worst = min(known, key=lambda row: row.small_pct or 0.0)
    both = [row for row in known if row.divergence_pts is not None]
    beat = sum(1 for row in both if (row.divergence_pts or 0.0) > 0)
    versus = f"; small beat large in {beat} of {len(both)}" if both else ""
    return (
        f"Small-cap sectors, {r.period.upper()}: {best.sector} leads "
        f"({signed_pct(best.small_pct, 1)}), {worst.sector} lags "
        f"({signed_pct(worst.small_pct, 1)}){versus}"
    )


def document(r: SectorsReport) -> Document:
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
        f"Sectors, {r.period.upper()}: {span(r.start, r.end)}",
        table(["Sector", "Small", "Large", "Small - large"], rows),
    ]
    if r.leaders:
        lines.append("Leaders: " + ", ".join(r.leaders))
    if r.laggards:
        lines.append("Laggards: " + ", ".join(r.laggards))
    if r.missing:
        lines.append("n/a: no prices for " + ", ".join(r.missing) + ".")
    return from_lines(lines)


def choices(r: SectorsReport) -> list[Choice]:
    return periods(r.period, lambda p: f"sectors {p}")


COMMAND = Command(
    name="sectors",
    synonyms=("sector",),
    parse=parse,
    queries=(SectorsQuery,),
    shared=(SectorsQuery,),
    compute=compute,
    presenters={SectorsReport: Presenter(headline, document, choices)},
    topic=Topic(
        "small-cap sectors next to their large-cap twins",
        ("sectors [period]",),
        (PERIODS_LINE, "Default: ytd."),
        "sectors 3m",
    ),
)
