"""The shapes of a WSGI application, shared by the bot's two HTTP front ends (Slack's endpoint
and `/metrics`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
