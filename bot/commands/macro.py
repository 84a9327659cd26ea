"""`macro`: yields, volatility and credit, with their recent change."""

from __future__ import annotations

from datetime import date

from bot.analytics.macro import MacroReport, macro
from bot.commands.base import Command, Computed, Context, Presenter
from bot.grammar import MacroQuery
from bot.render.layout import Document, footnotes, from_lines, table
from bot.render.numbers import day
from bot.universe import BILL, HIGH_YIELD, TEN_YEAR, TREASURIES, VIX


def compute(ctx: Context, query: MacroQuery, on: date) -> Computed:
    histories, source = ctx.histories([TEN_YEAR, BILL, VIX, HIGH_YIELD, TREASURIES])
    tnx, irx, vix, hyg, ief = histories
    report = macro([tnx, irx], vix, (hyg, ief), on)
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
    return from_lines(
        [f"Macro, {day(r.session)}", table(["", "Level", "1d", "5d", "1m"], rows, notes)]
    )


COMMAND = Command((MacroQuery,), compute, {MacroReport: Presenter(headline, document)})
