"""The App Home tab: the streak, year-to-date returns, levels and the bot's status, fresh each
time it opens."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.asker import Asker
from bot.reports import Answer
from bot.services import Services
from bot.slack.blocks import home_view
from handlers.replies import Failure, answer_or_failure
from handlers.slack_replies import acknowledge

HOME_COMMANDS = ("streak", "returns ytd", "levels", "status")


def register(app: App, services: Services) -> None:
    def app_home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if event.get("tab", "home") != "home":
            return
        asker = Asker(context.team_id or "", event.get("channel") or event["user"], event["user"])
        sections: list[Answer | str] = []
        for text in HOME_COMMANDS:
            result = answer_or_failure(services.answerer, text, asker=asker)
            sections.append(f"{text}: {result.line()}" if isinstance(result, Failure) else result)
        client.views_publish(user_id=event["user"], view=home_view(sections))

    app.event("app_home_opened")(ack=acknowledge, lazy=[app_home_opened])
