"""Every Redis key the bot uses, in one place. Nothing else builds a key.

Layout (prefix default `smallcaps:`):

- `prices:<SYMBOL>` (hash): `closes` (packed day/close records), `fetched_at` (ISO, UTC),
  `last_session` (ISO date of the newest close).
- `prices:failures` (hash): `<SYMBOL>` -> JSON `{"at": ISO UTC, "error": text}`.
- `lock:prices-refresh` (string): the single-flight lock held while Yahoo is being asked.
- `funds:<SYMBOL>` (hash): `<YYYY-MM-DD>` -> JSON fund multiples recorded that day.

Symbols are checked against the shape of a Yahoo symbol before they become part of a key, so
user text can never form, or collide with, another key.
"""

from __future__ import annotations

import re

_SYMBOL = re.compile(r"\^?[A-Z0-9][A-Z0-9.\-=]{0,14}")


def checked_symbol(symbol: str) -> str:
    if not _SYMBOL.fullmatch(symbol):
        raise ValueError(f"not a Yahoo symbol: {symbol!r}")
    return symbol


class Keys:
    def __init__(self, prefix: str = "smallcaps:") -> None:
        self.prefix = prefix

    def prices(self, symbol: str) -> str:
        return f"{self.prefix}prices:{checked_symbol(symbol)}"

    def price_failures(self) -> str:
        return f"{self.prefix}prices:failures"

    def prices_refresh_lock(self) -> str:
        return f"{self.prefix}lock:prices-refresh"

    def fund_snapshots(self, symbol: str) -> str:
        return f"{self.prefix}funds:{checked_symbol(symbol)}"
