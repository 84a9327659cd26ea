"""Slack's front end: thin Bolt listeners grouped by feature, each module with a
`register(app, services)` that registers every listener of its feature (the command, a
message's buttons, a form, the Home, the app's lifecycle).

Adding a Slack feature is one module here and one line in `FEATURES`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.services import Services

FEATURES = (
    "command",  # /smallcaps <question>
    "answer_buttons",  # "Post to channel", another period, "Chart this" on an answer
    "rule_buttons",  # a rule's buttons on an alert or a change, `alert list`'s rule menu
    "alert_form",  # "New alert": shortcuts, "Alert on this", a level under `levels`
    "summary_form",  # "Daily summary"
    "home",  # the App Home and its menus
    "lifecycle",  # uninstalled, tokens revoked
)


def register_listeners(app: App, services: Services) -> None:
    for feature in FEATURES:
        import_module(f"{__name__}.{feature}").register(app, services)
