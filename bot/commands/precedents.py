"""`precedents [min] [horizon] [A vs B]`: past streaks at least this long, and what followed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.amounts import Bounds, is_digits, whole_number
from bot.analytics.precedents import HORIZONS, PrecedentsReport, precedents
from bot.analytics.streak import streak
from bot.commands.base import Command, Computed, Context, Presenter
from bot.errors import CommandError, shown
from bot.grammar import VERSUS, pair
from bot.help import Topic
from bot.options import GivenOnce
from bot.render.layout import Document, Part, from_lines, table
from bot.render.numbers import counted, day, plain_pct, sessions, signed_pct, signed_pts
from bot.universe import RUT, SPX, Instrument, display_name

DEFAULT_LENGTH = 10
"""Precedents asked for on a day without a streak of 2 or more look at runs of this length."""


@dataclass(frozen=True)
class PrecedentsQuery:
    min_length: int | None = None
    horizon: str = "12m"
    a: Instrument = RUT
    b: Instrument = SPX


EXAMPLE = "precedents 12 6m"
_MIN_LENGTHS = Bounds(1, 250, whole=True, unit=" sessions")


def parse(words: list[str], today: date | None) -> PrecedentsQuery:
    min_length: int | None = None
    horizon = "12m"
    rest = []
    given = GivenOnce(EXAMPLE)
    for word in words:
        lowered = word.lower()
        if is_digits(lowered):
            min_length = whole_number(lowered, "the minimum streak length", _MIN_LENGTHS, EXAMPLE)
            given.give("give the minimum streak length", word)
        elif lowered in HORIZONS or lowered == "1y":
            horizon = "12m" if lowered == "1y" else lowered
            given.give("give the horizon", word)
        else:
            rest.append(word)
    if rest and not any(w.lower() in VERSUS or "/" in w for w in rest):
        raise CommandError(
            f"could not read {shown(' '.join(rest))}: give a length, a horizon (3m, 6m or 12m) "
            "and A vs B",
            EXAMPLE,
        )
    a, b = pair(rest, EXAMPLE)
    return PrecedentsQuery(min_length, horizon, a, b)


def compute(ctx: Context, query: PrecedentsQuery, on: date) -> Computed:
    (a, b), source = ctx.histories([query.a, query.b])
    closes_a, closes_b = a.require(), b.require()
    min_length = query.min_length
    if min_length is None:
        current = streak(closes_a, closes_b, on).length
        min_length = current if current >= 2 else DEFAULT_LENGTH
    report = precedents(closes_a, closes_b, on, min_length, query.horizon, query.a.key, query.b.key)
    return Computed(report, report.session, source)


def headline(r: PrecedentsReport) -> str:
    """ "4 earlier streaks of 12+ sessions: Russell 2000 kept leading 3 of 4 over the next 12
    months, by +0.4 pts on average"."""
    a = display_name(r.a)
    if not r.episodes:
        return f"No earlier streak of {r.min_length}+ sessions of {a} beating {display_name(r.b)}"
    chosen = next((s for s in r.summary if s.horizon == r.horizon), None)
    lead = f"{counted(len(r.episodes), 'earlier streak')} of {r.min_length}+ sessions"
    if chosen is None or not chosen.known:
        return f"{lead}: none is {r.horizon.removesuffix('m')} months old yet"
    return (
        f"{lead}: {a} kept leading {chosen.a_led} of {chosen.known} over the next "
        f"{r.horizon.removesuffix('m')} months, by {signed_pts(chosen.avg_spread_pts, 1)} on "
        "average"
    )


def document(r: PrecedentsReport) -> Document:
    """The episodes with their returns over the horizon asked (the others in one line)."""
    a, b = display_name(r.a), display_name(r.b)
    months = r.horizon.removesuffix("m")
    lines: list[Part] = [
        f"Streaks of {sessions(r.min_length)} or more: {a} vs {b}, {months} months after"
    ]
    if not r.episodes:
        lines.append("None before this date.")
    else:
        rows = []
        for e in r.episodes:
            f = e.forward[r.horizon]
            if f is None:
                rows.append([day(e.end), str(e.length), "open", "", ""])
            else:
                lead = signed_pts(f.a - f.b, 1)
                rows.append(
                    [day(e.end), str(e.length), signed_pct(f.a, 1), signed_pct(f.b, 1), lead]
                )
        header = ["Ended", "Len", f"{r.a.upper()} {r.horizon}", f"{r.b.upper()} {r.horizon}"]
        lines.append(table([*header, "Lead"], rows))
    chosen = next((s for s in r.summary if s.horizon == r.horizon), None)
    if chosen and chosen.known:
        lines.append(
            f"{months} months after: {a} kept leading {chosen.a_led} of {chosen.known} "
            f"({plain_pct(chosen.a_led_pct, 0)}); average {signed_pct(chosen.avg_a_pct, 1)} vs "
            f"{signed_pct(chosen.avg_b_pct, 1)}, {signed_pts(chosen.avg_spread_pts, 1)}."
        )
    elif r.episodes:
        lines.append(f"{months} months after: no episode is that old yet.")
    others = [
        f"{s.horizon} led {s.a_led} of {s.known}, {signed_pts(s.avg_spread_pts, 1)}"
        for s in r.summary
        if s.horizon != r.horizon and s.known
    ]
    if others:
        lines.append("Other horizons: " + "; ".join(others) + ".")
    if r.current:
        lines.append(
            f"Now: a {r.current.length}-session run since {day(r.current.start)}, still open."
        )
    return from_lines(lines)


COMMAND = Command(
    name="precedents",
    synonyms=("precedent",),
    parse=parse,
    queries=(PrecedentsQuery,),
    shared=(PrecedentsQuery,),
    compute=compute,
    presenters={PrecedentsReport: Presenter(headline, document)},
    topic=Topic(
        "past streaks at least this long and what followed 3, 6 or 12 months on",
        ("precedents [min_sessions] [3m|6m|12m] [A vs B]",),
        (
            "min_sessions: 1 to 250 (default: today's streak). Horizon: 3m, 6m or 12m "
            "(1y), default 12m.",
        ),
        EXAMPLE,
    ),
)
