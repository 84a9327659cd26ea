"""`streak [A vs B]`: sessions in a row that A's daily return beat B's, and how rare that is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.analytics.streak import StreakReport, streak
from bot.commands.base import Choice, Command, Computed, Context, Presenter, rebased
from bot.grammar import pair
from bot.help import Topic
from bot.names import typed
from bot.render.layout import Document, Part, from_lines
from bot.render.numbers import counted, day, sessions, signed_pct, signed_pts
from bot.universe import RUT, SPX, Instrument, display_name


@dataclass(frozen=True)
class StreakQuery:
    a: Instrument = RUT
    b: Instrument = SPX


EXAMPLE = "streak iwm vs spy"


def parse(words: list[str], today: date | None) -> StreakQuery:
    a, b = pair(words, EXAMPLE)
    return StreakQuery(a, b)


def compute(ctx: Context, query: StreakQuery, on: date) -> Computed:
    (a, b), source = ctx.histories([query.a, query.b])
    report = streak(a.require(), b.require(), on, query.a.key, query.b.key)
    return Computed(report, report.session, source, rebased(a, b, report.session, CHART_PERIOD))


CHART_PERIOD = "1m"
"""The streak's picture: both rebased over the last month, about twenty sessions."""


def headline(r: StreakReport) -> str:
    """ "Russell 2000 has beaten the S&P 500 14 sessions in a row, the longest since 1996-05-07
    (top 0.04% of runs)"."""
    a, b = display_name(r.a), display_name(r.b)
    if not r.length:
        spread = f" ({signed_pts(r.spread_pts)})" if r.spread_pts is not None else ""
        last = f"; its last run was {sessions(r.previous.length)}" if r.previous else ""
        return f"{a} did not beat {b} on {day(r.session)}{spread}{last}"
    since = (
        f"the longest since {day(r.longest_since.date)}"
        if r.longest_since
        else f"the longest on record (since {day(r.first_session)})"
    )
    rare = f" (top {_top(r.percentile)} of runs)" if r.percentile is not None else ""
    run = "a session" if r.length == 1 else f"{r.length} sessions in a row"
    return f"{a} has beaten {b} {run}, {since}{rare}"


def _top(percentile: float) -> str:
    share = 100.0 - percentile
    return f"{share:.2f}%" if share < 1 else f"{share:.0f}%"


def document(r: StreakReport) -> Document:
    a, b = display_name(r.a), display_name(r.b)
    lines: list[Part] = [f"{a} vs {b}: outperformance streak"]
    if r.length:
        lines.append(f"{sessions(r.length)} in a row, since {day(r.start)}.")
    else:
        lines.append(f"No streak: {a} did not beat {b} on {day(r.session)}.")
    if r.spread_pts is not None:
        lines.append(
            f"{day(r.session)}: {a} {signed_pct(r.a_return_pct)}, "
            f"{b} {signed_pct(r.b_return_pct)}, spread {signed_pts(r.spread_pts)}."
        )
    if r.length and r.longest_since:
        lines.append(
            f"Longest since {day(r.longest_since.date)} ({sessions(r.longest_since.length)})."
        )
    elif r.length:
        lines.append(f"Longest on record (data since {day(r.first_session)}).")
    if r.percentile is not None:
        share = f"{r.percentile:.2f}" if r.percentile >= 99 else f"{r.percentile:.1f}"
        lines.append(
            f"Longer than {share}% of the {counted(r.runs_on_record, 'run')} since "
            f"{day(r.first_session)}."
        )
    if r.previous:
        lines.append(
            f"Previous run: {sessions(r.previous.length)}, "
            f"{day(r.previous.start)} to {day(r.previous.end)}."
        )
    return from_lines(lines)


def choices(r: StreakReport) -> list[Choice]:
    pair = f"{typed(r.a, r.a)} vs {typed(r.b, r.b)}"
    offered = [Choice("Chart this", f"chart {CHART_PERIOD} {pair}", chart=True)]
    if r.length >= 2:
        offered.append(Choice("Precedents", f"precedents {r.length} {pair}"))
    return offered


COMMAND = Command(
    name="streak",
    synonyms=("streaks",),
    parse=parse,
    queries=(StreakQuery,),
    shared=(StreakQuery,),
    compute=compute,
    presenters={StreakReport: Presenter(headline, document, choices)},
    topic=Topic(
        "sessions in a row that A's daily return beat B's, and how rare that is",
        ("streak [A vs B]",),
        ("Default: Russell 2000 vs S&P 500. A alone compares it with the S&P 500.",),
        EXAMPLE,
    ),
)
