"""The "Daily summary" form (`bot/slack/views/summary_form.py`): opened from its global
shortcut, from the App Home; its zone menu types ahead over the time zones. A channel the
person is not in, or the bot cannot post in, is refused on the channel field
(`bot/slack/membership.py`); the subscription is made by `subscribe daily` (`forms.py`).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.services import Services
from bot.slack import membership
from bot.slack.replies import acknowledge
from bot.slack.views import summary_form
from bot.slack.views.home import DAILY_FORM_ACTION
from bot.slack.views.summary_form import SummaryDraft
from handlers.slack.forms import channel_of, close_or_show, maker


def open_summary_form(client: WebClient, trigger_id: str, draft: SummaryDraft) -> None:
    client.views_open(trigger_id=trigger_id, view=summary_form.summary_form(draft))


def register(app: App, services: Services) -> None:
    def from_shortcut(body: dict[str, Any], client: WebClient) -> None:
        open_summary_form(client, body["trigger_id"], SummaryDraft(channel_of(body)))

    app.shortcut(summary_form.CALLBACK)(ack=acknowledge, lazy=[from_shortcut])
    app.action(DAILY_FORM_ACTION)(ack=acknowledge, lazy=[from_shortcut])

    def zone_suggestions(ack: Ack, body: dict[str, Any]) -> None:
        ack(options=summary_form.zone_options(str(body.get("value") or "")))

    app.options(summary_form.ZONE)(zone_suggestions)

    def check(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ) -> None:
        draft = summary_form.read_view(view)
        close_or_show(ack, context, summary_errors(client, draft, body))

    app.view(summary_form.CALLBACK)(ack=check, lazy=[maker(services, summary_form.read_view)])


def summary_errors(client: WebClient, draft: SummaryDraft, body: dict[str, Any]) -> dict[str, str]:
    """The form's field errors: the grammar's, then whether the person may act on the
    channel."""
    errors = summary_form.field_errors(draft)
    if errors or draft.channel is None:
        return errors
    refused = membership.refusal(client, draft.channel, body["user"]["id"])
    return {summary_form.CHANNEL: refused} if refused else {}
