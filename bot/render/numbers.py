"""How numbers read in answers: signs on changes, thousands separators, points and percents."""

from __future__ import annotations

from datetime import date
from decimal import Decimal


def signed_pct(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:+,.{digits}f}%"


def signed_pts(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:+,.{digits}f} pts"


def rose_or_fell(pct: float) -> str:
    """A day's move in words, as shown: "fell 2.33%", "rose 0.50%", "was flat"."""
    shown = f"{abs(pct):,.2f}"
    if float(shown) == 0:
        return "was flat"
    return f"{'fell' if pct < 0 else 'rose'} {shown}%"


def level(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.2f}"


def as_typed(value: float) -> str:
    """A threshold with the precision it was typed with: 2750 -> "2,750", 0.393 -> "0.393",
    2750.5 -> "2,750.5"."""
    return f"{value:,.{typed_decimals(value)}f}"


def typed_decimals(value: float) -> int:
    """How many decimals `value` was typed with: 2750 -> 0, 0.393 -> 3."""
    exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def plain_pct(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}%"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def counted(n: int, one: str, many: str | None = None) -> str:
    """`n` and the noun that goes with it: "1 rule", "2 rules", "3 daily summaries"."""
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def sessions(n: int) -> str:
    return counted(n, "session")


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
