"""The levels watched on each index: support, breakout and resistance, as configured."""

from __future__ import annotations

from bot.analytics.levels import WatchedLevel

DEFAULT_WATCHED: dict[str, tuple[WatchedLevel, ...]] = {
    "rut": (
        WatchedLevel(2600.0, "Support"),
        WatchedLevel(2640.0, "Breakout"),
        WatchedLevel(2750.0, "Resistance"),
        WatchedLevel(2850.0, "Major resistance"),
    ),
}


def watched_levels(key: str) -> tuple[WatchedLevel, ...]:
    return DEFAULT_WATCHED.get(key, ())
