"""Buttons on an answer.

- "Post to channel": the same answer, in the channel, saying who shared it.
- A choice (another period, "Precedents"): that answer, for today, in place of the one clicked,
  saying so when the one clicked was for another session. "Chart this": the chart, uploaded.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.render.numbers import day
from bot.replies import Failure, answer_or_failure
from bot.services import Services
from bot.slack.posting import post_with_fallback
from bot.slack.replies import NOT_MINE, acknowledge, asker_of, reply, respond_failure
from bot.slack.views.answers import answer_message
from bot.slack.views.buttons import ANSWER_ACTION, CHART_ACTION, SHARE_ACTION, read_ask_value

log = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    def share(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        try:
            text, as_of = read_ask_value(body["actions"][0]["value"])
        except (ValueError, KeyError, IndexError):
            respond_failure(respond, NOT_MINE)
            return
        result = answer_or_failure(services.answerer, text, as_of, asker_of(body))
        if isinstance(result, Failure):
            respond_failure(respond, result)
            return
        channel = body["channel"]["id"]
        message = answer_message(result, shared_by=body["user"]["id"])
        try:
            post_with_fallback(client, message.blocks, channel=channel, text=message.text)
        except SlackApiError as error:
            reason = error.response.get("error", "unknown error")
            log.warning("could not share in %s: %s", channel, reason)
            respond_failure(
                respond,
                Failure(f"I could not post in this channel ({reason}): invite me with /invite"),
            )
            return
        respond(delete_original=True)

    app.action(SHARE_ACTION)(ack=acknowledge, lazy=[share])

    def choice(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        """Another period, a chart, the precedents: answered for today."""
        try:
            text, asked = read_ask_value(body["actions"][0]["value"])
        except (ValueError, KeyError, IndexError):
            respond_failure(respond, NOT_MINE)
            return
        asker = asker_of(body)
        result = answer_or_failure(services.answerer, text, asker=asker)
        notice = None
        if asked and not isinstance(result, Failure) and result.as_of and result.as_of != asked:
            notice = (
                f"Answered for today, as of {day(result.as_of)}: the answer you clicked on was "
                f"as of {day(asked)}."
            )
        reply(client, respond, asker, text, result, notice)

    for action_id in (ANSWER_ACTION, CHART_ACTION):
        app.action(action_id)(ack=acknowledge, lazy=[choice])
