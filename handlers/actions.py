"""Buttons and menus on answers and alerts.

- "Post to channel": the same answer, in the channel, saying who shared it.
- A choice (another period, "Precedents"): that answer, for today, in place of the one clicked,
  saying so when the one clicked was for another session. "Chart this": the chart, uploaded.
- A rule's buttons (on an alert, a change, a rule chosen from `alert list`'s menu): `alert
  pause|resume|remove <#>`, confirmed in the channel, and "Replay a year" (`alert test <#>`).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.amounts import is_digits
from bot.commands.alert import rule_query
from bot.errors import CommandError
from bot.render.numbers import day
from bot.replies import Failure, answer_or_failure
from bot.services import Services
from bot.slack.posting import post_with_fallback
from bot.slack.replies import (
    acknowledge,
    asker_of,
    reply,
    respond_failure,
)
from bot.slack.views.answers import answer_message
from bot.slack.views.blocks import escape, section
from bot.slack.views.buttons import (
    ANSWER_ACTION,
    CHART_ACTION,
    RULE_ACTIONS,
    RULE_MENU_ACTION,
    SHARE_ACTION,
    read_ask_value,
    rule_buttons,
)

log = logging.getLogger(__name__)

NOT_MINE = Failure("that button is not one of mine")


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

    def rule_button(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        """`alert pause|resume|remove|test <#>` for the rule a button belongs to."""
        action = body["actions"][0]
        rule = str(action.get("value", ""))
        if not is_digits(rule):
            respond_failure(respond, NOT_MINE)
            return
        verb = RULE_ACTIONS[action["action_id"]]
        try:
            query = rule_query(verb, rule)
        except CommandError as error:
            respond_failure(respond, Failure(error.message, error.example, status=2))
            return
        text = f"alert {verb} {rule}"  # what "Post to channel" asks again
        asker = asker_of(body)
        answer = answer_or_failure(services.answerer, query, asker=asker)
        reply(client, respond, asker, text, answer)

    for action_id in RULE_ACTIONS:
        app.action(action_id)(ack=acknowledge, lazy=[rule_button])

    def rule_chosen(body: dict[str, Any], respond: Respond) -> None:
        """A rule chosen from `alert list`'s menu: its buttons, to the one who chose it."""
        chosen = body["actions"][0].get("selected_option") or {}
        rule = str(chosen.get("value", ""))
        if not is_digits(rule):
            respond_failure(respond, NOT_MINE)
            return
        asker = asker_of(body)
        lines = services.alerts.listing(asker.channel, asker.workspace).rules
        line = next((line for line in lines if str(line.id) == rule), None)
        if line is None:
            respond_failure(respond, Failure(f"there is no rule {rule} in this channel any more"))
            return
        respond(
            response_type="ephemeral",
            replace_original=False,
            text=escape(f"Rule {line.id}: {line.rule.text}"),
            blocks=[
                section(f"*Rule {line.id}*: {escape(line.rule.text)} · {line.state}"),
                rule_buttons(line.id, line.state == "paused", line.state == "retired"),
            ],
        )

    app.action(RULE_MENU_ACTION)(ack=acknowledge, lazy=[rule_chosen])
