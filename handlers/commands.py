"""`/smallcaps <question>`: acknowledge at once, then answer through `response_url`."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.services import Services
from handlers.replies import Failure, answer_or_failure
from handlers.slack_replies import respond_answer, respond_failure


def register(app: App, services: Services) -> None:
    @app.command("/smallcaps")
    def smallcaps(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()  # before any work: Slack gives up after 3 seconds
        text = command.get("text") or ""
        result = answer_or_failure(services.answerer, text)
        if isinstance(result, Failure):
            respond_failure(respond, result)
        else:
            respond_answer(respond, text, result)
