"""A rule's buttons (on an alert, on a change, on a rule chosen from `alert list`'s menu):
`alert pause|resume|remove <#>`, confirmed in the channel, and "Replay a year" (`alert test <#>`).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot.amounts import is_digits
from bot.commands.alert import rule_query
from bot.errors import CommandError
from bot.replies import Failure, answer_or_failure
from bot.services import Services
from bot.slack.replies import NOT_MINE, acknowledge, asker_of, reply, respond_failure
from bot.slack.views.blocks import escape, section
from bot.slack.views.buttons import RULE_ACTIONS, RULE_MENU_ACTION, rule_buttons


def register(app: App, services: Services) -> None:
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
