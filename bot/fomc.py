"""The FOMC's scheduled meetings: the data the rate path is read against.

No library publishes these; the Federal Reserve announces each year's schedule about a year and
a half ahead (press releases "Federal Open Market Committee announces its tentative meeting
schedule for …": 2025 and 2026 on 2024-08-09, 2027 on 2025-09-05). Each date here is the
meeting's second day, when the decision is announced (2 p.m. Eastern); a change takes effect
the next day. Unscheduled meetings are, by their nature, not here. Add the next year's dates
when the Fed announces them: the rate path reaches no further than the last date listed.
"""

from __future__ import annotations

from datetime import date

DECISIONS: tuple[date, ...] = tuple(
    date.fromisoformat(day)
    for day in (
        # 2024
        "2024-01-31",
        "2024-03-20",
        "2024-05-01",
        "2024-06-12",
        "2024-07-31",
        "2024-09-18",
        "2024-11-07",
        "2024-12-18",
        # 2025
        "2025-01-29",
        "2025-03-19",
        "2025-05-07",
        "2025-06-18",
        "2025-07-30",
        "2025-09-17",
        "2025-10-29",
        "2025-12-10",
        # 2026
        "2026-01-28",
        "2026-03-18",
        "2026-04-29",
        "2026-06-17",
        "2026-07-29",
        "2026-09-16",
        "2026-10-28",
        "2026-12-09",
        # 2027 (tentative, as announced 2025-09-05)
        "2027-01-27",
        "2027-03-17",
        "2027-04-28",
        "2027-06-09",
        "2027-07-28",
        "2027-09-15",
        "2027-10-27",
        "2027-12-08",
        # 2028
        "2028-01-26",
    )
)
"""Decision days of the scheduled meetings, in order."""


def after(day: date, meetings: tuple[date, ...] = DECISIONS) -> list[date]:
    """The meetings whose decision is still to come on `day` (a decision on `day` itself is
    counted as to come: futures settle on the day's average, and the close of the decision day
    already knows it, but the day's own rate is still the old one)."""
    return [m for m in meetings if m >= day]
