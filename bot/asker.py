"""Who asks, and where: the workspace and channel an answer or a change belongs to."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Asker:
    """A workspace's watched levels apply, a channel's alerts and summary are its own."""

    workspace: str
    channel: str
    user: str
    on_server: bool = False
    """Asks on the server itself (the console, `python -m bot`), not through Slack: an
    operator."""
