"""Who sees the operator's view of `status` (processes, Redis, totals, every workspace): whoever
asks on the server itself, and the Slack users named in SMALLCAPS_OPERATORS. Everyone else sees
their own workspace's."""

from __future__ import annotations

from collections.abc import Iterable

from bot.asker import Asker


class Operators:
    def __init__(self, named: Iterable[str]) -> None:
        """`named`: `TEAM:USER` entries (that user of that workspace) and bare `USER` entries
        (the settings allow those only when the app serves one workspace)."""
        self.named = frozenset(named)

    def include(self, asker: Asker | None) -> bool:
        """No asker, or one on the server: the command line of whoever runs the bot."""
        if asker is None or asker.on_server:
            return True
        return f"{asker.workspace}:{asker.user}" in self.named or asker.user in self.named
