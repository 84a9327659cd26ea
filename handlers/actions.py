"""Buttons: "Post to channel" (the same answer, in the channel, saying who shared it), and an
alert's "Mute" and "Remove" (the rule's `alert pause` / `alert remove`, confirmed in the channel).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.amounts import is_digits
from bot.services import Services
from bot.slack.blocks import (
    PAUSE_ALERT_ACTION,
    REMOVE_ALERT_ACTION,
    SHARE_ACTION,
    answer_blocks,
    fallback_text,
)
from bot.slack.charts import post_with_fallback
from handlers.replies import Failure, answer_or_failure
from handlers.slack_replies import (
    acknowledge,
    asker_of,
    read_share_value,
    respond_change,
    respond_failure,
)

log = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    def share(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        try:
            text, as_of = read_share_value(body["actions"][0]["value"])
        except (ValueError, KeyError, IndexError):
            respond_failure(respond, Failure("that button is not one of mine"))
            return
        result = answer_or_failure(services.answerer, text, as_of, asker_of(body))
        if isinstance(result, Failure):
            respond_failure(respond, result)
            return
        channel = body["channel"]["id"]
        try:
            post_with_fallback(
                client,
                answer_blocks(result, shared_by=body["user"]["id"]),
                channel=channel,
                text=fallback_text(result),
            )
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

    def alert_button(body: dict[str, Any], respond: Respond) -> None:
        """Mute (pause) or remove the rule an alert came from: `alert pause|remove <id>`."""
        action = body["actions"][0]
        verb = "pause" if action["action_id"] == PAUSE_ALERT_ACTION else "remove"
        rule = str(action.get("value", ""))
        if not is_digits(rule):
            respond_failure(respond, Failure("that button is not one of mine"))
            return
        result = answer_or_failure(services.answerer, f"alert {verb} {rule}", asker=asker_of(body))
        if isinstance(result, Failure):
            respond_failure(respond, result)
        else:
            respond_change(respond, result, body["user"]["id"])

    for action_id in (PAUSE_ALERT_ACTION, REMOVE_ALERT_ACTION):
        app.action(action_id)(ack=acknowledge, lazy=[alert_button])
