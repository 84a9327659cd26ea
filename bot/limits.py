"""What one workspace, and one person in it, may make and ask: the default of each bound (the
workspace's and per-minute ones are settings, `bot/config.py`), and the bounds in force, which
`help` states."""

from dataclasses import dataclass

MAX_RULES_PER_CHANNEL = 50
"""Rules a channel may have, besides the built-in ones: enough for any desk, few enough to read."""
RULES_PER_WORKSPACE = 500
"""Rules a workspace may have in all its channels, besides the built-in ones."""
SYMBOLS_PER_WORKSPACE = 20
"""Distinct symbols outside the universe a workspace's rules may watch (each is fetched and
kept for good while watched)."""
UPSTREAM_PER_USER = 10
"""Commands a minute one person may make that need fresh data from the data sources."""
UPSTREAM_PER_WORKSPACE = 60
"""The same for a whole workspace."""


@dataclass(frozen=True)
class Limits:
    """The bounds in force, as `help` states them."""

    rules_per_channel: int = MAX_RULES_PER_CHANNEL
    rules_per_workspace: int = RULES_PER_WORKSPACE
    symbols_per_workspace: int = SYMBOLS_PER_WORKSPACE
    upstream_per_user: int = UPSTREAM_PER_USER
    upstream_per_workspace: int = UPSTREAM_PER_WORKSPACE
