"""`macro`: yields, volatility and credit, with their recent change."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from bot.analytics.fedwatch import year_horizon
from bot.analytics.macro import MacroReport, macro
from bot.commands.base import Command, Computed, Context, Presenter
from bot.commands.fed import cuts_line, next_meeting_line, read_rate_path
from bot.errors import NoDataError
from bot.fomc import DECISIONS
from bot.grammar import no_arguments
from bot.help import Topic
from bot.render.layout import Document, Part, footnotes, from_lines, table
from bot.render.numbers import day
from bot.universe import BILL, HIGH_YIELD, HY_SPREAD, TEN_YEAR, TREASURIES, VIX


@dataclass(frozen=True)
class MacroQuery:
    pass


def compute(ctx: Context, query: MacroQuery, on: date) -> Computed:
    histories, source = ctx.histories([TEN_YEAR, BILL, VIX, HIGH_YIELD, TREASURIES, HY_SPREAD])
    tnx, irx, vix, hyg, ief, oas = histories
    report = macro([tnx, irx], vix, (hyg, ief), on, [oas])
    rates, _ = read_rate_path(ctx, on)
    if rates.session is None and all(row.value is None for row in report.rows):
        why = "; ".join(f"{row.name}: {row.note}" for row in report.rows[:3])
        raise NoDataError(f"no yields, volatility, credit or fed funds futures ({why} …)")
    report = replace(report, rates=rates, horizon=year_horizon(rates.session or on, DECISIONS))
    return Computed(report, report.session, source)


def headline(r: MacroReport) -> str:
    """ "10-year Treasury yield 4.21% (-3 bp on the day), VIX 15.2 (+0.4), credit +0.10%"."""
    parts = [
        f"{row.name} {_level(row.value, row.unit)} ({_change(row.change_1d, row.change_unit)})"
        for row in r.rows
        if row.value is not None and row.key in ("tnx", "vix")
    ]
    if not parts:
        return f"Macro, {day(r.session)}: no yield or volatility data"
    return f"{', '.join(parts)} on {day(r.session)}"


def _level(value: float | None, unit: str) -> str:
    return "n/a" if value is None else f"{value:.2f}{'%' if unit == '%' else ''}"


def _change(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "%":
        return f"{value:+.2f}%"
    return f"{value:+.0f} bp" if unit == "bp" else f"{value:+.2f}"


def document(r: MacroReport) -> Document:
    rows = [
        [
            row.name,
            _level(row.value, row.unit),
            _change(row.change_1d, row.change_unit),
            _change(row.change_5d, row.change_unit),
            _change(row.change_1m, row.change_unit),
        ]
        for row in r.rows
    ]
    notes = footnotes([(row.name, row.note) for row in r.rows])
    title = f"Macro, {day(r.session)}"
    return from_lines([title, table(["", "Level", "1d", "5d", "1m"], rows, notes), *_fed_lines(r)])


def _fed_lines(r: MacroReport) -> list[Part]:
    """The next meeting's odds and the cuts priced for the year, from the futures (`fed`)."""
    if r.rates is None or r.rates.session is None or r.horizon is None:
        return ["Fed: no fed funds futures recorded (`fed` says which are missing)."]
    lines: list[Part] = []
    meeting = next_meeting_line(r.rates)
    if meeting:
        lines.append(f"Fed, next meeting {meeting} (futures, {day(r.rates.session)}).")
    cuts = cuts_line(r.rates, r.horizon)
    if cuts:
        lines.append(f"{cuts}. More: `fed`.")
    return lines


COMMAND = Command(
    name="macro",
    parse=no_arguments("macro", MacroQuery()),
    queries=(MacroQuery,),
    shared=(MacroQuery,),
    compute=compute,
    presenters={MacroReport: Presenter(headline, document)},
    topic=Topic("yields, volatility and credit, with their recent change", ("macro",), (), "macro"),
)
