"""`/smallcaps <question>`: acknowledge at once, then answer through `response_url`; `alert add`
alone opens the alert form.

Registered as a lazy listener: the ack is the HTTP response, sent before any work starts, and
the answer runs afterwards in Bolt's lazy-listener threads.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot.asker import Asker
from bot.replies import answer_or_failure
from bot.services import Services
from bot.slack.replies import acknowledge, reply
from bot.slack.views.alert_draft import AlertDraft
from handlers.slack.alert_form import open_alert_form, opens_alert_form


def register(app: App, services: Services) -> None:
    def smallcaps(command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        text = command.get("text") or ""
        asker = Asker(command["team_id"], command["channel_id"], command["user_id"])
        if opens_alert_form(text):
            open_alert_form(client, command["trigger_id"], AlertDraft(channel=asker.channel))
            return
        reply(client, respond, asker, text, answer_or_failure(services.answerer, text, asker=asker))

    app.command("/smallcaps")(ack=acknowledge, lazy=[smallcaps])
