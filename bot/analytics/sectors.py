"""Small-cap sectors next to their large-cap twins: returns, divergence, leaders and laggards."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.analytics.returns import returns_table
from bot.analytics.series import History
from bot.errors import NoDataError


@dataclass(frozen=True)
class SectorRow:
    sector: str
    small: str
    large: str
    small_pct: float | None
    large_pct: float | None
    divergence_pts: float | None


@dataclass(frozen=True)
class SectorsReport:
    period: str
    start: date
    end: date
    rows: list[SectorRow]
    leaders: list[str]
    laggards: list[str]
    missing: list[str] = field(default_factory=list)
    """The funds with no prices, by symbol."""


def sectors(
    pairs: Sequence[tuple[str, History, History]], period: str, as_of: date, top: int = 3
) -> SectorsReport:
    """Each sector's small-cap and large-cap return over `period`; divergence is small minus
    large in points. Leaders and laggards are the `top` best and worst small-cap sectors. A fund
    without prices is n/a and listed in `missing`; with none at all, there is no table.
    """
    histories = [h for _, small, large in pairs for h in (small, large)]
    missing = [h.symbol for h in histories if h.closes is None or h.closes.empty]
    if len(missing) == len(histories):
        raise NoDataError(f"no sector fund has prices ({', '.join(missing)})")
    table = returns_table(histories, period, as_of)
    rows = []
    for i, (sector, small, large) in enumerate(pairs):
        s, lg = table.rows[2 * i].return_pct, table.rows[2 * i + 1].return_pct
        divergence = s - lg if s is not None and lg is not None else None
        rows.append(SectorRow(sector, small.symbol, large.symbol, s, lg, divergence))
    ranked = sorted(
        (r for r in rows if r.small_pct is not None), key=lambda r: r.small_pct or 0.0, reverse=True
    )
    leaders = [r.sector for r in ranked[:top]]
    laggards = [r.sector for r in ranked[::-1][:top] if r.sector not in leaders]
    return SectorsReport(period, table.start, table.end, rows, leaders, laggards, missing)
