"""An answer as a document (`bot.render.layout`): its headline, what its command writes (the
command's own module under `bot/commands/`), what the reader must know of its dates, and a dated
footer with the source."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import EXCHANGE_TZ
from bot.commands import presenter
from bot.render.layout import Document
from bot.render.numbers import day
from bot.reports import Answer, Dating, Source


def document(answer: Answer) -> Document:
    """The answer as its command writes it, with its headline, dating notes and footer."""
    how = presenter(answer.report)
    body = how.document(answer.report)
    notes = dating_notes(answer.dating) if answer.dating else []
    return Document(body.title, body.parts, footer_line(answer), notes, headline(answer))


def headline(answer: Answer) -> str:
    """The answer in one sentence with its numbers: the first line everywhere, and a Slack
    message's notification text. An answer dragged back by data that ends early says so here
    too, so a notification never shows old figures as today's."""
    text = presenter(answer.report).headline(answer.report)
    d = answer.dating
    if text and d and d.short and d.answered != d.expected:
        text += f" ({short_words(d)})"
    return text


def short_words(d: Dating) -> str:
    """ "as of 2026-02-27: ^GSPC data ends there; ^RUT ends 2026-03-06": each short series
    with its own last date, so no series is said to end where another does."""
    there = [s.symbol for s in d.short if s.last == d.answered]
    elsewhere = [f"{s.symbol} ends {day(s.last)}" for s in d.short if s.last != d.answered]
    ends = [f"{', '.join(dict.fromkeys(there))} data ends there"] if there else []
    return f"as of {day(d.answered)}: " + "; ".join([*ends, *elsewhere])


def dating_notes(d: Dating) -> list[str]:
    """What an answer says when it is not for the session asked, or some of its data ends
    before that session."""
    notes = []
    if d.no_session and d.requested and d.expected:
        notes.append(
            f"{day(d.requested)} is {d.no_session}, not a trading day: this is as of the "
            f"session before, {day(d.expected)}."
        )
    if d.short:
        ends = "; ".join(f"{_named(s.name, s.symbol)} data ends {day(s.last)}" for s in d.short)
        if d.past_period:
            asked = f"The period ends {day(d.expected)}"
        elif d.requested and not d.no_session:
            asked = f"Asked for {day(d.requested)}"
        else:
            asked = f"The newest session is {day(d.expected)}"
        moved = f": this is as of {day(d.answered)}" if d.answered != d.expected else ""
        notes.append(f"{asked}, but {ends}{moved}.")
    return notes


def _named(name: str, symbol: str) -> str:
    """ "Russell 2000 (^RUT)", or the name alone when it names its symbol already."""
    return name if f"({symbol})" in name or name == symbol else f"{name} ({symbol})"


def footer_line(answer: Answer) -> str:
    """ "As of 2026-01-22 · Yahoo Finance, delayed (fetched 2026-01-22 16:05 ET)"."""
    if answer.as_of is None or answer.source is None:
        return ""
    return f"As of {answer.as_of.isoformat()} · {source_line(answer.source)}"


def source_line(source: Source) -> str:
    text = source.label
    if source.fetched_at is not None:
        fetched = source.fetched_at.astimezone(EXCHANGE_TZ).strftime("%Y-%m-%d %H:%M ET")
        text += f" (fetched {fetched})"
    if source.stale:
        age = f", {_age(source.age)} old" if source.age is not None else ""
        text += f" · STALE{age}: the last refresh failed, these are the last good prices"
    return text


def _age(age: timedelta) -> str:
    """'3 h 20 min', '2 d 4 h', '12 min'."""
    minutes = int(age.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"
