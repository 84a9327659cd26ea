"""Front ends: each turns what a person typed into an answer (`bot.answers`) and renders it.

Slack listeners are grouped by kind, each module with a `register(app, services)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.services import Services


def register_listeners(app: App, services: Services) -> None:
    from handlers import actions, commands, forms, home, lifecycle

    commands.register(app, services)
    actions.register(app, services)
    forms.register(app, services)
    home.register(app, services)
    lifecycle.register(app, services)
