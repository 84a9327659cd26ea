"""What a new rule's confirmation says of where its target stands, in the measure's own unit.

Creating a rule never fires for the present state: when the value is already past the
threshold, the confirmation says so, and what will fire next.
"""

from __future__ import annotations

from datetime import date

from bot.alerts.rules import Direction, Kind, RuleSpec
from bot.render.numbers import as_typed, level, rose_or_fell, sessions, signed_pts


def present_side(spec: RuleSpec, value: float, session: date, figure: float | None = None) -> str:
    """Where the target stands against a new rule, and which change will fire it; `figure` is
    a measure read either way with its sign (a fall of 2.33% is -2.33, its value 2.33)."""
    when = session.isoformat()
    threshold = as_typed(spec.level)
    past = value > spec.threshold
    match spec.kind:
        case Kind.LEVEL:
            return _level(spec, value, when)
        case Kind.MOVE | Kind.SPREAD:
            unit = "%" if spec.kind is Kind.MOVE else " pts"
            signed = value if figure is None else figure
            now = (
                f"{spec.target.name} {rose_or_fell(signed)} on {when}"
                if spec.kind is Kind.MOVE
                else f"Small minus large was {signed_pts(signed)} on {when}"
            )
            what = "a day's move" if spec.kind is Kind.MOVE else "a day's spread"
            if past:
                return (
                    f"{now}, already past {threshold}{unit}, which does not fire: I will alert "
                    f"the next time {what} reaches {threshold}{unit} either way."
                )
            return f"{now}: I will alert when {what} reaches {threshold}{unit} either way."
        case Kind.STREAK:
            now = f"The small-cap streak is {sessions(int(value))} ({when})"
            reach = f"a new streak reaches {threshold}"
            if past and spec.direction is Direction.CROSSES:
                return (
                    f"{now}, already past {threshold}, which does not fire: I will alert when "
                    f"it ends, and when {reach}."
                )
            if past:
                return (
                    f"{now}, already past {threshold}, which does not fire: I will alert when "
                    f"{reach}."
                )
            ends = ", and when such a streak ends" if spec.direction is Direction.CROSSES else ""
            return f"{now}: I will alert when it reaches {threshold}{ends}."
        case Kind.HIGH_52W | Kind.ALL_TIME_HIGH:
            high = "52-week" if spec.kind is Kind.HIGH_52W else "all-time"
            if past:
                return (
                    f"{spec.target.name} closed at a new {high} high on {when}, which does not "
                    "fire: I will alert on each later close at a new high."
                )
            return (
                f"{spec.target.name} closed {abs(value):.2f}% below its {high} high on {when}: "
                "I will alert on each close at a new high."
            )
        case Kind.LONGEST_SINCE:
            return (
                "I will alert on each session the small-cap streak becomes the longest in more "
                "than a year."
            )
        case Kind.RATE_CUTS:
            return (
                f"The cuts priced for the year moved {value if figure is None else figure:+.2f} "
                f"on {when}: I will alert when a "
                f"day's change reaches {threshold} either way (`fed` shows the path)."
            )
    raise AssertionError(spec.kind)


def _level(spec: RuleSpec, value: float, when: str) -> str:
    name, threshold = spec.target.name, as_typed(spec.level)
    where = f"{level(value) if value >= 10 else f'{value:.4g}'} on {when}"
    above = value > spec.level
    if above and spec.direction is Direction.ABOVE:
        return f"{name} is already above {threshold} ({where}): I will alert on the next cross."
    if not above and spec.direction is Direction.BELOW:
        return f"{name} is already below {threshold} ({where}): I will alert on the next cross."
    gap = abs(spec.level / value - 1.0) * 100.0
    side, cross = ("above", "below") if above else ("below", "above")
    return (
        f"{name} is {gap:.2f}% {side} {threshold} ({where}): I will alert when it crosses {cross}."
    )
