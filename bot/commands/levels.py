"""`levels [name]`, `levels set <value> <label>`, `levels remove <value>`: technical levels, and
the Russell 2000 levels a workspace watches."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.alerts.rule_words import LEVELS
from bot.amounts import number
from bot.analytics.levels import Level, LevelsReport, levels
from bot.commands.base import Command, Computed, Context, Presenter
from bot.errors import CommandError, NoDataError
from bot.help import Topic
from bot.names import instrument
from bot.render.layout import Document, Part, from_lines, table
from bot.render.numbers import as_typed, counted, day, level, signed_pct, signed_pts
from bot.universe import RUT, Instrument, display_name
from bot.watched_levels import EDITABLE_KEY, WatchedLevelsReport


@dataclass(frozen=True)
class LevelsQuery:
    target: Instrument = RUT


@dataclass(frozen=True)
class EditLevelsQuery:
    action: str
    value: float
    label: str | None = None


_LABEL = re.compile(r"[\w .,'&/()+-]{1,40}")


def parse(words: list[str], today: date | None) -> LevelsQuery | EditLevelsQuery:
    if words and words[0].lower() in ("set", "remove"):
        return _edit_levels(words[0].lower(), words[1:])
    if len(words) > 1:
        raise CommandError("`levels` takes one name at most", "levels rut")
    return LevelsQuery(instrument(words[0], "levels rut")) if words else LevelsQuery()


def _edit_levels(action: str, words: list[str]) -> EditLevelsQuery:
    example = "levels set 2750 Resistance" if action == "set" else "levels remove 2750"
    value = number(words[0] if words else None, "a level", LEVELS, example)
    if action == "remove":
        if len(words) > 1:
            raise CommandError("`levels remove` takes just the level", example)
        return EditLevelsQuery("remove", value)
    label = " ".join(words[1:]) or "Watched"
    if not _LABEL.fullmatch(label):
        raise CommandError(
            "a label is up to 40 letters, digits, spaces and simple punctuation", example
        )
    return EditLevelsQuery("set", value, label)


def compute(ctx: Context, query: LevelsQuery | EditLevelsQuery, on: date) -> Computed:
    if isinstance(query, EditLevelsQuery):
        return Computed(_edit(ctx, query))
    (history,), source = ctx.histories([query.target])
    watched = ctx.watched.levels(ctx.workspace, query.target.key)
    report = levels(history.require(), on, watched, query.target.key, history.symbol)
    return Computed(report, report.session, source)


def _edit(ctx: Context, query: EditLevelsQuery) -> WatchedLevelsReport:
    workspace = ctx.workspace
    if workspace is None:
        raise CommandError("watched levels belong to a workspace: edit them in Slack", "levels")
    if query.action == "set":
        watched = ctx.watched.set(workspace, query.value, query.label or "Watched")
    elif ctx.watched.remove(workspace, query.value):
        watched = ctx.watched.levels(workspace, EDITABLE_KEY)
    else:
        raise NoDataError(
            f"{as_typed(query.value)} is not a watched level: `levels` lists them", "levels"
        )
    ctx.alerts.sync_watched(workspace)
    return WatchedLevelsReport(EDITABLE_KEY, query.action, query.value, query.label, list(watched))


def headline(r: LevelsReport) -> str:
    """ "Russell 2000 2,525.30 on 2026-03-06: support 2,407.26 (200-day average) -4.7%, resistance
    2,600 (Support) +3.0%"."""
    text = f"{display_name(r.key)} {level(r.current)} on {day(r.session)}"
    sides = [
        f"{name} {_value(found)} ({found.label}) {signed_pct(found.distance_pct, 1)}"
        for name, found in (("support", r.support), ("resistance", r.resistance))
        if found is not None
    ]
    return f"{text}: {', '.join(sides)}" if sides else text


def _value(found: Level) -> str:
    return as_typed(found.value) if found.value == round(found.value) else level(found.value)


def document(r: LevelsReport) -> Document:
    rows = [
        [
            lv.label,
            level(lv.value),
            signed_pts(lv.distance_pts, 1),
            signed_pct(lv.distance_pct),
            day(lv.on) if lv.on else "never" if lv.watched else "",
        ]
        for lv in r.levels
    ]
    lines: list[Part] = [
        f"{display_name(r.key)} ({r.symbol}) levels: {level(r.current)} on {day(r.session)}",
        table(["Level", "Value", "Distance", "%", "Date"], rows),
        _nearest("support", r.support, "below"),
        _nearest("resistance", r.resistance, "above"),
    ]
    if any(lv.watched for lv in r.levels):
        lines.append(
            "Date: the session a high or low was set; for a watched level, the last session "
            "that closed across it."
        )
    return from_lines(lines)


def _nearest(name: str, found: Level | None, side: str) -> str:
    """ "Nearest support 2,640 (Breakout), -2.9%", as a trader reads it at a glance."""
    if found is None:
        return f"Nearest {name}: none {side} the close."
    return f"Nearest {name} {_value(found)} ({found.label}), {signed_pct(found.distance_pct, 1)}."


def watched_headline(r: WatchedLevelsReport) -> str:
    """ "Set 2,750: Resistance; the Russell 2000 has 5 watched levels"."""
    change = (
        f"Set {as_typed(r.value)}: {r.label}"
        if r.action == "set"
        else f"Removed {as_typed(r.value)}"
    )
    return f"{change}; the {display_name(r.key)} has {counted(len(r.watched), 'watched level')}"


def watched_document(r: WatchedLevelsReport) -> Document:
    change = (
        f"Set {level(r.value)}: {r.label}." if r.action == "set" else f"Removed {level(r.value)}."
    )
    rows = [[level(w.value), w.label] for w in sorted(r.watched, key=lambda w: -w.value)]
    parts: list[Part] = [f"Watched levels of the {display_name(r.key)}", change]
    parts.append(table(["Level", "Label"], rows) if rows else "No levels are watched now.")
    return from_lines(parts)


COMMAND = Command(
    name="levels",
    synonyms=("level", "technicals"),
    parse=parse,
    queries=(LevelsQuery, EditLevelsQuery),
    compute=compute,
    presenters={
        LevelsReport: Presenter(headline, document),
        WatchedLevelsReport: Presenter(watched_headline, watched_document),
    },
    topic=Topic(
        "support, breakout and resistance, highs, lows and averages, with distances",
        ("levels [name]", "levels set <value> <label>", "levels remove <value>"),
        (
            "Default: the Russell 2000. set and remove edit the Russell 2000 levels this "
            f"workspace watches ({LEVELS}; a label of up to 40 characters).",
        ),
        "levels rut",
    ),
    changes=(EditLevelsQuery,),
)
