"""The "New alert" form (`bot/slack/views/alert_form.py`, its draft in `alert_draft.py`).

It opens from a global shortcut, from "Alert on this" on a message (filled in from its text),
from the App Home, from a level chosen under `levels`, and from `/smallcaps alert add` alone.
Its target menu types ahead over the universe; it replays the rule's last year as it is filled
in. A submission is checked before the form closes: the grammar's field errors, then whether
the person may act on the channel (`bot/slack/membership.py`), then the channel's room; the rule
is made by `alert add` (`forms.py`).
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import redis
from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.alerts.reports import AlertTestReport
from bot.alerts.service import ChannelFull, SameRule
from bot.asker import Asker
from bot.errors import CommandError
from bot.replies import Failure, answer_or_failure
from bot.services import Services
from bot.slack import membership
from bot.slack.replies import acknowledge
from bot.slack.views import alert_draft, alert_form
from bot.slack.views.alert_draft import CHANNEL, CONDITION, LEVEL, TARGET, AlertDraft
from bot.slack.views.buttons import ALERT_HERE_ACTION
from bot.slack.views.home import NEW_ALERT_ACTION
from handlers.slack.forms import channel_of, close_or_show, maker

log = logging.getLogger(__name__)

ALERT_FORM_WORDS = {("alert", "add"), ("alert", "new"), ("alert", "set")}
PREVIEWED = re.compile(rf"^({TARGET}|{CONDITION}|{LEVEL}|{alert_form.PREVIEW_ACTION})$")
"""The fields whose change replays the rule again."""


def opens_alert_form(text: str) -> bool:
    """Whether a typed command asks for the alert form: `alert add` with nothing after it."""
    return tuple(text.lower().split()) in ALERT_FORM_WORDS


def open_alert_form(client: WebClient, trigger_id: str, draft: AlertDraft) -> None:
    client.views_open(trigger_id=trigger_id, view=alert_form.alert_form(draft))


def register(app: App, services: Services) -> None:
    def from_shortcut(body: dict[str, Any], client: WebClient) -> None:
        """A global shortcut, or "Alert on this" on a message (filled in from its text)."""
        channel = channel_of(body)
        if body.get("type") == "message_action":
            text = body.get("message", {}).get("text", "")
            draft = alert_draft.draft_from_message(text, channel)
        else:
            draft = AlertDraft(channel=channel)
        open_alert_form(client, body["trigger_id"], draft)

    app.shortcut(alert_form.CALLBACK)(ack=acknowledge, lazy=[from_shortcut])
    app.shortcut(alert_form.MESSAGE_SHORTCUT)(ack=acknowledge, lazy=[from_shortcut])
    app.action(NEW_ALERT_ACTION)(ack=acknowledge, lazy=[from_shortcut])

    def at_level(body: dict[str, Any], client: WebClient) -> None:
        """A level chosen under `levels`: the form, at that level."""
        try:
            chosen = json.loads(body["actions"][0]["selected_option"]["value"])
            target, value = str(chosen["target"]), float(chosen["level"])
        except (KeyError, IndexError, TypeError, ValueError):
            return
        draft = AlertDraft(channel_of(body), target, "crosses", f"{value:g}")
        open_alert_form(client, body["trigger_id"], draft)

    app.action(ALERT_HERE_ACTION)(ack=acknowledge, lazy=[at_level])

    def target_suggestions(ack: Ack, body: dict[str, Any]) -> None:
        ack(options=alert_form.target_options(str(body.get("value") or "")))

    app.options(TARGET)(target_suggestions)

    def preview(body: dict[str, Any], client: WebClient) -> None:
        """The form again, its preview the replay of the rule as filled in so far."""
        view = body.get("view") or {}
        if view.get("callback_id") != alert_form.CALLBACK:
            return
        text = replay_text(services, body, alert_draft.read_view(view))
        try:
            client.views_update(
                view_id=view["id"],
                hash=view.get("hash"),
                view=alert_form.alert_form(alert_draft.opened_with(view), text),
            )
        except SlackApiError as error:  # hash_conflict: a newer preview is on its way
            log.info("alert form preview not shown: %s", error.response.get("error"))

    app.action(PREVIEWED)(ack=acknowledge, lazy=[preview])

    def check(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ) -> None:
        errors = alert_errors(services, client, alert_draft.read_view(view), body)
        close_or_show(ack, context, errors)

    app.view(alert_form.CALLBACK)(ack=check, lazy=[maker(services, alert_draft.read_view)])


def alert_errors(
    services: Services, client: WebClient, draft: AlertDraft, body: dict[str, Any]
) -> dict[str, str]:
    """The form's field errors: the grammar's, then whether the person may act on the
    channel, then the channel's room (the same rule there already, no room for another, the
    state store down), which only a member may learn about."""
    errors = alert_draft.field_errors(draft)
    if errors or draft.channel is None:
        return errors
    refused = membership.refusal(client, draft.channel, body["user"]["id"])
    if refused:
        return {CHANNEL: refused}
    try:
        services.alerts.check_new(alert_draft.rule_of(draft), draft.channel, body["team"]["id"])
    except SameRule as error:
        return {LEVEL: _sentence(error.message)}
    except ChannelFull as error:
        return {CHANNEL: _sentence(error.message)}
    except (redis.RedisError, OSError):
        return {CHANNEL: "The state store is unavailable: try again in a minute."}
    except CommandError as error:
        return {LEVEL: _sentence(error.message)}
    return {}


def _sentence(message: str) -> str:
    return (message[0].upper() + message[1:])[:150]


def replay_text(services: Services, body: dict[str, Any], draft: AlertDraft) -> str:
    """What the rule would have done over the last year, or what it still needs."""
    errors = alert_draft.field_errors(draft)
    errors.pop(CHANNEL, None)
    if errors:
        return "To replay the last year: " + " ".join(errors.values())
    user = body["user"]["id"]
    asker = Asker(body["team"]["id"], draft.channel or user, user)
    result = answer_or_failure(services.answerer, draft.replay_query(), asker=asker)
    if isinstance(result, Failure):
        return f"Cannot replay it: {result.line()}"
    if not isinstance(result.report, AlertTestReport):
        return alert_form.PREVIEW_HINT
    return alert_form.preview_of(result.report)
