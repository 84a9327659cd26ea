"""Every Redis key the bot uses, in one place. Nothing else builds a key.

Layout (prefix default `smallcaps:`):

- `prices:<SYMBOL>` (hash): `closes` (packed day/close records), `fetched_at` (ISO, UTC),
  `last_session` (ISO date of the newest close).
- `prices:failures` (hash): `<SYMBOL>` -> JSON `{"at": ISO UTC, "error": text}`.
- `lock:prices-refresh` (string): the single-flight lock held while Yahoo is being asked.
- `funds:<SYMBOL>` (hash): `<YYYY-MM-DD>` -> JSON fund data recorded that day (multiples and
  total assets).
- `levels:<WORKSPACE>` (hash): the Russell 2000 levels a workspace watches, `<value>` -> label,
  plus `_edited` once the workspace has changed the defaults.

Symbols and workspace ids are checked against their shapes before they become part of a key, so
user text can never form, or collide with, another key.
"""

from __future__ import annotations

import re

_SYMBOL = re.compile(r"\^?[A-Z0-9][A-Z0-9.\-=]{0,14}")


def checked_symbol(symbol: str) -> str:
    if not _SYMBOL.fullmatch(symbol):
        raise ValueError(f"not a Yahoo symbol: {symbol!r}")
    return symbol


_WORKSPACE = re.compile(r"[A-Za-z0-9_-]{1,32}")


def checked_workspace(workspace: str) -> str:
    if not _WORKSPACE.fullmatch(workspace):
        raise ValueError(f"not a workspace id: {workspace!r}")
    return workspace


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

    def watched_levels(self, workspace: str) -> str:
        return f"{self.prefix}levels:{checked_workspace(workspace)}"
