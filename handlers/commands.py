"""`/smallcaps <question>`: acknowledge at once, then answer through `response_url`.

Registered as a lazy listener: the ack is the HTTP response, sent before any work starts, and
the answer runs afterwards in Bolt's lazy-listener threads.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.alerts.reports import AlertChangeReport
from bot.analytics.relative import ChartReport
from bot.asker import Asker
from bot.reports import Answer
from bot.services import Services
from bot.summaries.reports import DailyChangeReport
from bot.watched_levels import WatchedLevelsReport
from handlers.charts import upload_chart
from handlers.replies import Failure, answer_or_failure
from handlers.slack_replies import (
    acknowledge,
    respond_answer,
    respond_change,
    respond_failure,
)

log = logging.getLogger(__name__)

CHANGES = (WatchedLevelsReport, AlertChangeReport, DailyChangeReport)
"""Answers that change the workspace or channel: confirmed in the channel, with who did it."""


def register(app: App, services: Services) -> None:
    def smallcaps(command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        text = command.get("text") or ""
        asker = Asker(command["team_id"], command["channel_id"], command["user_id"])
        result = answer_or_failure(services.answerer, text, asker=asker)
        if isinstance(result, Failure):
            respond_failure(respond, result)
        elif isinstance(result.report, ChartReport):
            post_chart(client, command, respond, result)
        elif isinstance(result.report, CHANGES):
            respond_change(respond, result, command["user_id"])
        else:
            respond_answer(respond, text, result)

    app.command("/smallcaps")(ack=acknowledge, lazy=[smallcaps])


def post_chart(
    client: WebClient, command: dict[str, Any], respond: Respond, answer: Answer
) -> None:
    channel = command["channel_id"]
    try:
        upload_chart(client, channel, answer, command["user_id"])
    except SlackApiError as error:
        reason = error.response.get("error", "unknown error")
        log.warning("chart upload to %s failed: %s", channel, reason)
        respond_failure(
            respond, Failure(f"I could not post the chart here ({reason}): invite me with /invite")
        )
        return
    respond(response_type="ephemeral", replace_original=False, text="Chart posted in the channel.")
