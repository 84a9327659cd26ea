"""How numbers read in answers: signs on changes, thousands separators, points and percents."""

from __future__ import annotations

from datetime import date
from decimal import Decimal


def signed_pct(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:+,.{digits}f}%"


def signed_pts(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:+,.{digits}f} pts"


def level(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.2f}"


def as_typed(value: float) -> str:
    """A threshold with the precision it was typed with: 2750 -> "2,750", 0.393 -> "0.393",
    2750.5 -> "2,750.5"."""
    exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    decimals = max(0, -exponent) if isinstance(exponent, int) else 0
    return f"{value:,.{decimals}f}"


def plain_pct(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}%"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def sessions(n: int) -> str:
    return f"{n} session" if n == 1 else f"{n} sessions"


def day(value: date | None) -> str:
    return "n/a" if value is None else value.isoformat()


def percentile_band(percentile: float) -> str:
    """The words a reader uses for a percentile: top decile, above median, bottom quartile..."""
    if percentile >= 90:
        return "top decile"
    if percentile >= 75:
        return "top quartile"
    if percentile >= 50:
        return "above median"
    if percentile > 25:
        return "below median"
    if percentile > 10:
        return "bottom quartile"
    return "bottom decile"


def span(start: date, end: date) -> str:
    """ "2025-12-31 close to 2026-01-22 close"."""
    return f"{day(start)} close to {day(end)} close"
