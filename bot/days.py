"""The dates a command may name: none before any market data (pandas counts from 1677)."""

from __future__ import annotations

from datetime import date

from bot.errors import CommandError

EARLIEST_DAY = date(1900, 1, 1)
"""No market data this bot knows starts earlier."""


def check_day(day: date, example: str) -> date:
    """`day`, or a CommandError when it is before any market data."""
    if day < EARLIEST_DAY:
        raise CommandError(
            f"{day.isoformat()} is before any market data: use a date from "
            f"{EARLIEST_DAY.isoformat()} on",
            example,
        )
    return day
