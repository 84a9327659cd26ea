"""`fed`: the rate path fed funds futures price, meeting by meeting, and the cuts by year end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.analytics.fedwatch import (
    FedReport,
    RatePath,
    contract_symbol,
    cuts_distribution,
    months_needed,
    rate_path,
    year_horizon,
)
from bot.analytics.series import History
from bot.commands.base import Command, Computed, Context, Presenter
from bot.errors import NoDataError
from bot.fomc import DECISIONS, after
from bot.grammar import no_arguments
from bot.help import Topic
from bot.render.layout import Document, Part, from_lines, table
from bot.render.numbers import day
from bot.reports import Source
from bot.universe import FED, Instrument

MEETINGS_SHOWN = 8
"""The next meetings the `fed` table lists (the cuts by year end count every one priced)."""


@dataclass(frozen=True)
class FedQuery:
    pass


def read_rate_path(ctx: Context, on: date) -> tuple[RatePath, Source]:
    """The rate path on `on`, from the futures (Yahoo) and the effective rate and target range
    (FRED), for every meeting to the end of next year. When the newest closes of the contracts
    are older than `on`, the path is read as of their session, meetings, rate and range alike:
    exactly what `fed as of` that session answers, never today's meetings against those closes."""
    path, source, front = _path_on(ctx, on)
    if path.session is not None and path.session < on:
        path, source, front = _path_on(ctx, path.session)
    if front is not None:
        ctx.used.append(front)  # the front contract dates the answer
    return path, source


def _path_on(ctx: Context, on: date) -> tuple[RatePath, Source, History | None]:
    """The rate path on `on`, its source, and the front contract read."""
    until = date(on.year + 1, 12, 31)
    months = months_needed([m for m in after(on) if m <= until])
    contracts = [
        Instrument(
            contract_symbol(m).lower(), f"Fed funds futures {m:%b %Y}", (contract_symbol(m),)
        )
        for m in months
    ]
    histories, source = ctx.read([*contracts, *FED])
    *futures, effr, low, high = histories
    path = rate_path(
        {m: h.closes for m, h in zip(months, futures, strict=True) if h.closes is not None},
        effr.closes,
        (low.closes, high.closes),
        DECISIONS,
        on,
        until,
    )
    return path, source, futures[0] if futures else None


def compute(ctx: Context, query: FedQuery, on: date) -> Computed:
    path, source = read_rate_path(ctx, on)
    if path.session is None:
        missing = ", ".join(path.missing) or "the contracts"
        raise NoDataError(
            f"no fed funds futures recorded for the next meeting: no close for {missing} on or "
            f"before {on.isoformat()}, or no effective rate (the path needs the front contract "
            "and the effective fed funds rate; see README, The rate path)"
        )
    horizon = year_horizon(path.session, DECISIONS)
    horizons = [horizon, date(horizon.year + 1, 12, 31)]
    return Computed(FedReport(path, horizons), path.session, source)


def target_after(path: RatePath, steps: int) -> str:
    """ "3.50-3.75%" for the range `steps` moves from today's, or "2 cuts" when the range is
    not known."""
    if path.target is None:
        return _cuts_words(-steps)
    low, high = (bound + 0.25 * steps for bound in path.target)
    return f"{low:.2f}-{high:.2f}%"


def _cuts_words(cuts: int) -> str:
    if cuts == 0:
        return "no change"
    word = "cut" if cuts > 0 else "hike"
    return f"{abs(cuts)} {word}{'s' if abs(cuts) != 1 else ''}"


def next_meeting_line(path: RatePath) -> str | None:
    """ "Dec 9: 49% a 25 bp cut, 51% no change"."""
    if not path.meetings:
        return None
    first = path.meetings[0]
    odds = sorted(first.moves.items(), key=lambda kv: -kv[1])
    parts = [f"{p:.0%} {_move_words(steps)}" for steps, p in odds if p >= 0.005]
    return f"{_short_day(first.decision)}: {', '.join(parts)}"


def _move_words(steps: int) -> str:
    if steps == 0:
        return "no change"
    size = f"{abs(steps) * 25} bp"
    return f"a {size} {'cut' if steps < 0 else 'hike'}"


def _short_day(moment: date) -> str:
    return f"{moment:%b} {moment.day}"


def cuts_line(path: RatePath, horizon: date) -> str | None:
    """ "2.1 cuts priced by end-2027: 2 cuts 48%, 3 cuts 27%, 1 cut 19%"."""
    priced = path.cuts_priced(horizon)
    last = path.by(horizon)
    if priced is None or last is None:
        return None
    odds = sorted(cuts_distribution(last).items(), key=lambda kv: -kv[1])
    parts = [f"{_cuts_words(n)} {p:.0%}" for n, p in odds[:3] if p >= 0.005]
    return f"{priced:.1f} cuts priced by end-{horizon.year}: {', '.join(parts)}"


def headline(r: FedReport) -> str:
    """ "Fed funds futures, 2026-12-02: Dec 9: 49% a 25 bp cut, 51% no change; 0.5 cuts priced
    by end-2026"."""
    path = r.path
    meeting = next_meeting_line(path)
    if path.session is None or meeting is None:
        return "No fed funds futures recorded for the next meeting"
    priced = path.cuts_priced(r.horizons[0])
    tail = f"; {priced:.1f} cuts priced by end-{r.horizons[0].year}" if priced else ""
    return f"Fed funds futures, {day(path.session)}: {meeting}{tail}"


def document(r: FedReport) -> Document:
    path = r.path
    now = []
    if path.target is not None:
        now.append(f"target {path.target[0]:.2f}-{path.target[1]:.2f}%")
    if path.effr is not None and path.effr_day is not None:
        now.append(f"effective {path.effr:.2f}% ({_short_day(path.effr_day)})")
    rows = []
    for odds in path.meetings[:MEETINGS_SHOWN]:
        steps, p = max(odds.after.items(), key=lambda kv: kv[1])
        cuts = (path.effr - odds.end) / 0.25 if path.effr is not None else 0.0
        rows.append(
            [
                day(odds.decision),
                f"{odds.end:.2f}%",
                f"{cuts:.1f}",
                f"{target_after(path, steps)} {p:.0%}",
            ]
        )
    lines: list[Part] = [
        f"Fed rate path, {day(path.session)} (futures closes)",
        f"Now: {', '.join(now)}" if now else "Now: effective rate unknown",
        table(["Meeting", "Rate", "Cuts", "Most likely"], rows),
    ]
    lines += [line for h in r.horizons if (line := cuts_line(path, h))]
    if path.unpriced:
        lines.append(
            f"Not priced: {', '.join(_short_day(m) for m in path.unpriced[:4])}"
            f"{' …' if len(path.unpriced) > 4 else ''} (no close for "
            f"{', '.join(path.missing[:3]) or 'their contracts'})."
        )
    lines.append(
        "Rate: expected effective rate after the meeting. Cuts: 25 bp cuts priced from today. "
        "Read as CME's FedWatch reads the futures; see README, The rate path, for its limits."
    )
    return from_lines(lines)


COMMAND = Command(
    name="fed",
    synonyms=("fomc", "rates"),
    parse=no_arguments("fed", FedQuery()),
    queries=(FedQuery,),
    shared=(FedQuery,),
    compute=compute,
    presenters={FedReport: Presenter(headline, document)},
    topic=Topic(
        "the rate path fed funds futures price: each next meeting's odds, cuts by year end",
        ("fed",),
        (
            "Read from the ZQ futures' closes and the FOMC's scheduled meetings the way "
            "CME's FedWatch reads them (README: The rate path). Works as of any recorded "
            "date: fed as of 2026-10-01.",
        ),
        "fed",
    ),
)
