"""The forms: "New alert" and "Daily summary" (`bot/slack/views/alert_form.py`,
`bot/slack/views/summary_form.py`).

They open from a global shortcut, from "Alert on this" on a message, from the App Home, from a
level chosen under `levels`, and from `/smallcaps alert add` alone. Their menus type ahead
over the universe and the time zones. The alert form replays the rule's last year as it is
filled in. A submission is checked before the form closes (what is wrong shows on its field
and nothing is stored; a channel the person is not in, or the bot cannot post in, is refused
on the channel field, see `bot/slack/membership.py`), then made by the same command a person
would type, confirmed in the channel. What is made is what the check accepted: the check's
verdict goes to the listener that makes it, so Slack is asked once a submission.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import Any

import redis
from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.alerts.reports import AlertTestReport
from bot.alerts.service import ChannelFull, SameRule
from bot.asker import Asker
from bot.errors import CommandError
from bot.replies import Failure, answer_or_failure
from bot.services import Services
from bot.slack import membership
from bot.slack.replies import acknowledge, post_change, respond_change
from bot.slack.views import alert_form, summary_form
from bot.slack.views.alert_form import AlertDraft
from bot.slack.views.blocks import error_text
from bot.slack.views.buttons import ALERT_HERE_ACTION
from bot.slack.views.home import DAILY_FORM_ACTION, NEW_ALERT_ACTION
from bot.slack.views.summary_form import SummaryDraft

log = logging.getLogger(__name__)

ALERT_FORM_WORDS = {("alert", "add"), ("alert", "new"), ("alert", "set")}
PREVIEWED = re.compile(
    rf"^({alert_form.TARGET}|{alert_form.CONDITION}|{alert_form.LEVEL}|{alert_form.PREVIEW_ACTION})$"
)
ACCEPTED = "smallcaps_form_accepted"
"""Set in the context by a submission's check when it closed the form; the listener that makes
the change runs only then."""


def opens_alert_form(text: str) -> bool:
    """Whether a typed command asks for the alert form: `alert add` with nothing after it."""
    return tuple(text.lower().split()) in ALERT_FORM_WORDS


def open_alert_form(client: WebClient, trigger_id: str, draft: AlertDraft) -> None:
    client.views_open(trigger_id=trigger_id, view=alert_form.alert_form(draft))


def open_summary_form(client: WebClient, trigger_id: str, draft: SummaryDraft) -> None:
    client.views_open(trigger_id=trigger_id, view=summary_form.summary_form(draft))


def _channel_of(body: dict[str, Any]) -> str | None:
    channel = body.get("channel") or {}
    return channel.get("id") if isinstance(channel, dict) else None


def register(app: App, services: Services) -> None:
    def alert_from_shortcut(body: dict[str, Any], client: WebClient) -> None:
        """A global shortcut, or "Alert on this" on a message (filled in from its text)."""
        channel = _channel_of(body)
        if body.get("type") == "message_action":
            draft = alert_form.draft_from_message(body.get("message", {}).get("text", ""), channel)
        else:
            draft = AlertDraft(channel=channel)
        open_alert_form(client, body["trigger_id"], draft)

    app.shortcut(alert_form.CALLBACK)(ack=acknowledge, lazy=[alert_from_shortcut])
    app.shortcut(alert_form.MESSAGE_SHORTCUT)(ack=acknowledge, lazy=[alert_from_shortcut])
    app.action(NEW_ALERT_ACTION)(ack=acknowledge, lazy=[alert_from_shortcut])

    def alert_at_level(body: dict[str, Any], client: WebClient) -> None:
        """A level chosen under `levels`: the form, at that level."""
        try:
            chosen = json.loads(body["actions"][0]["selected_option"]["value"])
            target, value = str(chosen["target"]), float(chosen["level"])
        except (KeyError, IndexError, TypeError, ValueError):
            return
        draft = AlertDraft(_channel_of(body), target, "crosses", f"{value:g}")
        open_alert_form(client, body["trigger_id"], draft)

    app.action(ALERT_HERE_ACTION)(ack=acknowledge, lazy=[alert_at_level])

    def summary_from_shortcut(body: dict[str, Any], client: WebClient) -> None:
        open_summary_form(client, body["trigger_id"], SummaryDraft(_channel_of(body)))

    app.shortcut(summary_form.CALLBACK)(ack=acknowledge, lazy=[summary_from_shortcut])
    app.action(DAILY_FORM_ACTION)(ack=acknowledge, lazy=[summary_from_shortcut])

    def target_suggestions(ack: Ack, body: dict[str, Any]) -> None:
        ack(options=alert_form.target_options(str(body.get("value") or "")))

    def zone_suggestions(ack: Ack, body: dict[str, Any]) -> None:
        ack(options=summary_form.zone_options(str(body.get("value") or "")))

    app.options(alert_form.TARGET)(target_suggestions)
    app.options(summary_form.ZONE)(zone_suggestions)

    def preview(body: dict[str, Any], client: WebClient) -> None:
        """The form again, its preview the replay of the rule as filled in so far."""
        view = body.get("view") or {}
        if view.get("callback_id") != alert_form.CALLBACK:
            return
        draft = alert_form.read_form(view.get("state", {}).get("values", {}))
        text = replay_text(services, body, draft)
        try:
            client.views_update(
                view_id=view["id"],
                hash=view.get("hash"),
                view=alert_form.alert_form(alert_form.opened_with(view), text),
            )
        except SlackApiError as error:  # hash_conflict: a newer preview is on its way
            log.info("alert form preview not shown: %s", error.response.get("error"))

    app.action(PREVIEWED)(ack=acknowledge, lazy=[preview])

    def check_alert(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ) -> None:
        """Before the form closes: its fields read by the grammar, who may act on the
        channel, the channel's room."""
        errors = alert_errors(services, client, read_alert(view), body)
        close_or_show(ack, context, errors)

    def make_alert(
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        respond: Respond | None,
        context: BoltContext,
    ) -> None:
        draft = read_alert(view)
        if not context.get(ACCEPTED) or draft.channel is None:
            return  # what was wrong is shown on the form, which stayed open
        asker = Asker(body["team"]["id"], draft.channel, body["user"]["id"])
        confirm(client, respond, asker, draft.query, services)

    app.view(alert_form.CALLBACK)(ack=check_alert, lazy=[make_alert])

    def check_summary(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ) -> None:
        close_or_show(ack, context, summary_errors(client, read_summary(view), body))

    def make_summary(
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        respond: Respond | None,
        context: BoltContext,
    ) -> None:
        draft = read_summary(view)
        if not context.get(ACCEPTED) or draft.channel is None:
            return
        asker = Asker(body["team"]["id"], draft.channel, body["user"]["id"])
        confirm(client, respond, asker, draft.query, services)

    app.view(summary_form.CALLBACK)(ack=check_summary, lazy=[make_summary])


def read_alert(view: dict[str, Any]) -> AlertDraft:
    return alert_form.read_form(view.get("state", {}).get("values", {}))


def read_summary(view: dict[str, Any]) -> SummaryDraft:
    return summary_form.read_form(view.get("state", {}).get("values", {}))


def close_or_show(ack: Ack, context: BoltContext, errors: dict[str, str]) -> None:
    """Closes the form, its change accepted, or keeps it open with what is wrong on its
    fields."""
    if errors:
        ack(response_action="errors", errors=errors)
    else:
        context[ACCEPTED] = True
        ack()


def alert_errors(
    services: Services, client: WebClient, draft: AlertDraft, body: dict[str, Any]
) -> dict[str, str]:
    """The form's field errors: the grammar's, then whether the person may act on the
    channel, then the channel's room (the same rule there already, no room for another, the
    state store down), which only a member may learn about."""
    errors = alert_form.field_errors(draft)
    if errors or draft.channel is None:
        return errors
    refused = membership.refusal(client, draft.channel, body["user"]["id"])
    if refused:
        return {alert_form.CHANNEL: refused}
    try:
        services.alerts.check_new(alert_form.rule_of(draft), draft.channel, body["team"]["id"])
    except SameRule as error:
        return {alert_form.LEVEL: _sentence(error.message)}
    except ChannelFull as error:
        return {alert_form.CHANNEL: _sentence(error.message)}
    except (redis.RedisError, OSError):
        return {alert_form.CHANNEL: "The state store is unavailable: try again in a minute."}
    except CommandError as error:
        return {alert_form.LEVEL: _sentence(error.message)}
    return {}


def summary_errors(client: WebClient, draft: SummaryDraft, body: dict[str, Any]) -> dict[str, str]:
    """The form's field errors: the grammar's, then whether the person may act on the
    channel."""
    errors = summary_form.field_errors(draft)
    if errors or draft.channel is None:
        return errors
    refused = membership.refusal(client, draft.channel, body["user"]["id"])
    return {summary_form.CHANNEL: refused} if refused else {}


def _sentence(message: str) -> str:
    return (message[0].upper() + message[1:])[:150]


def replay_text(services: Services, body: dict[str, Any], draft: AlertDraft) -> str:
    """What the rule would have done over the last year, or what it still needs."""
    errors = alert_form.field_errors(draft)
    errors.pop(alert_form.CHANNEL, None)
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


def confirm(
    client: WebClient,
    respond: Respond | None,
    asker: Asker,
    query_of: Callable[[], Any],
    services: Services,
) -> None:
    """Makes a form's change by its command's query (`query_of` reads the form, checked before
    it closed); confirmed in the channel (through the form's `response_url` when Slack gave
    one), or why not, to the person alone."""
    try:
        result = answer_or_failure(services.answerer, query_of(), asker=asker)
    except CommandError as error:
        result = Failure(error.message, error.example, status=2)
    if isinstance(result, Failure):
        tell(client, respond, asker, error_text(result.message, result.example))
    elif respond is not None:
        respond_change(respond, result, asker.user)
    else:
        try:
            post_change(client, asker.channel, result, asker.user)
        except SlackApiError as error:
            reason = error.response.get("error", "unknown error")
            tell(
                client,
                respond,
                asker,
                f"Done, but I could not say so in <#{asker.channel}> "
                f"({reason}): invite me with /invite.",
            )


def tell(client: WebClient, respond: Respond | None, asker: Asker, text: str) -> None:
    """A word to the person who filled in a form: in the channel, to them alone, or in their
    messages with the app."""
    if respond is not None:
        respond(response_type="ephemeral", replace_original=False, text=text)
        return
    try:
        client.chat_postMessage(channel=asker.user, text=text)
    except SlackApiError as error:
        log.warning("could not tell %s: %s", asker.user, error.response.get("error"))
