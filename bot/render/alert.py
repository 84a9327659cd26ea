"""What a posted alert says: what happened, when and from where, its context, and when its rule
re-arms (`alert list` says the last with the same words)."""

from __future__ import annotations

from datetime import date

from bot.alerts.reports import AlertMessage
from bot.alerts.rules import MEASURES, Kind
from bot.render.layout import Document, Part, et, from_lines
from bot.render.numbers import as_typed, day, level, rose_or_fell, sessions, signed_pct, signed_pts


def price(value: float) -> str:
    """Index levels with two decimals, ratios with four significant digits."""
    return f"{value:.4g}" if abs(value) < 10 else level(value)


def signed_figure(kind: str, change: float) -> str:
    """A day's figure of a rule read either way, with its sign and unit: "-3.52%" (a move),
    "+1.63 pts" (the spread), "+0.50" (the change in cuts priced)."""
    match kind:
        case Kind.MOVE:
            return signed_pct(change)
        case Kind.SPREAD:
            return signed_pts(change)
    return f"{change:+.2f}"


def rearm_words(kind: str, side: str, rearm_at: float | None) -> str:
    """When a fired rule can fire again: "re-arms once below 2,736.25", "re-arms at the next
    session", "re-arms when the streak ends"."""
    if MEASURES[Kind(kind)].daily:
        return "re-arms at the next session"
    if kind == Kind.STREAK:
        if side == "up" or rearm_at is None:
            return "re-arms when the streak ends"
        return f"re-arms when a streak reaches {rearm_at:.0f} sessions again"
    if rearm_at is None:
        return "re-arms after its cooldown"
    below = "below" if side == "up" else "above"
    return f"re-arms once {below} {price(rearm_at)}"


def quiet(until: date | None) -> str:
    return f"; quiet until {day(until)} (cooldown)" if until else ""


def alert_document(m: AlertMessage) -> Document:
    """An alert as it is posted: what happened, when and from where, and its context."""
    parts: list[Part] = [_headline(m)]
    if m.kind == Kind.RATE_CUTS and m.price is not None:
        before = f", from {m.previous_price:.2f} the session before" if m.previous_price else ""
        parts.append(f"{m.price:.2f} cuts priced for the year at {et(m.at)}{before}.")
    elif m.price is not None:
        line = f"{price(m.price)} at {et(m.at)}"
        if m.previous_price:
            change = signed_pct((m.price / m.previous_price - 1.0) * 100.0)
            since = "the previous close of " if MEASURES[Kind(m.kind)].daily else ""
            line += f", from {since}{price(m.previous_price)} ({change})"
        parts.append(line + ".")
    if m.late:
        parts.append("Detected late: I was not watching when this happened.")
    if m.source:
        parts.append(f"Prices: {m.source}, Yahoo having failed.")
    context = []
    if m.streak is not None:
        context.append(
            f"small-cap streak {sessions(m.streak)}" if m.streak else "no small-cap streak"
        )
    if m.next_level is not None and m.price:
        distance = (m.next_level.value / m.price - 1.0) * 100.0
        context.append(
            f"next level {level(m.next_level.value)} ({m.next_level.label}), "
            f"{signed_pct(distance)} away"
        )
    if context:
        parts.append("Context: " + "; ".join(context) + ".")
    after = (
        "retired (once)"
        if m.retired
        else rearm_words(m.kind, m.side, m.rearm_at) + quiet(m.quiet_until)
    )
    parts.append(f"Rule {m.rule_id}: {m.rule} · {after}")
    return from_lines(parts)


def _headline(m: AlertMessage) -> str:
    match m.kind:
        case Kind.LEVEL:
            direction = "above" if m.side == "up" else "below"
            return f"{m.target} crossed {direction} {as_typed(m.level)}"
        case Kind.MOVE:
            if m.figure is not None:
                return f"{m.target} {rose_or_fell(m.figure)} on the day"
            # queued by a version that did not keep the sign: the prices have it
            fell = m.price is not None and m.previous_price and m.price < m.previous_price
            return f"{m.target} {rose_or_fell(-m.value if fell else m.value)} on the day"
        case Kind.SPREAD:
            shown = f"{m.value:.2f} pts" if m.figure is None else signed_pts(m.figure)
            return f"Small minus large: {shown} on the day"
        case Kind.STREAK:
            if m.side == "up":
                return f"Small-cap streak reached {sessions(int(m.value))}"
            return f"A small-cap streak of at least {sessions(int(m.level))} ended"
        case Kind.HIGH_52W:
            return f"{m.target} closed at a new 52-week high, {m.value:.2f}% above the last"
        case Kind.ALL_TIME_HIGH:
            return f"{m.target} closed at a new all-time high, {m.value:.2f}% above the last"
        case Kind.RATE_CUTS:
            now = f", {m.price:.2f} now" if m.price is not None else ""
            change = (m.price or 0.0) - (m.previous_price or 0.0)
            return f"Fed cuts priced for the year moved {change:+.2f} on the day{now}"
        case Kind.LONGEST_SINCE:
            run = f" ({sessions(m.streak)})" if m.streak else ""
            if m.longest_since is None:
                return f"The small-cap streak{run} is the longest on record"
            return (
                f"The small-cap streak{run} is the longest since {day(m.longest_since.date)} "
                f"({sessions(m.longest_since.length)})"
            )
    return f"Alert: {m.rule}"
