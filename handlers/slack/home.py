"""The App Home: made for the person who opens it (`bot/slack/views/home.py`), and its menus.

- A rule's menu: pause, resume or remove it (confirmed in its channel, as typed changes are),
  or replay its last year (in a modal).
- A channel's menu: a new alert there, its summary changed or stopped.
- "Status": `status` in a modal, as the person may see it: their workspace's own, or the
  operator's for an operator (SMALLCAPS_OPERATORS).
A change is made only for a person still in its channel (`bot/slack/membership.py`); the Home
says why not otherwise.
The forms themselves are `handlers/slack/alert_form.py` and `summary_form.py`.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import redis
from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.asker import Asker
from bot.commands.alert import rule_query
from bot.commands.unsubscribe import DailyUnsubscribeQuery
from bot.replies import Failure, answer_or_failure
from bot.reports import Answer
from bot.services import Services
from bot.slack import membership
from bot.slack.posting import publish_with_fallback
from bot.slack.replies import acknowledge, post_change
from bot.slack.views.alert_draft import AlertDraft
from bot.slack.views.blocks import escape
from bot.slack.views.charts import rebased_chart
from bot.slack.views.home import (
    CHANNEL_MENU_ACTION,
    RULE_MENU_ACTION,
    STATUS_ACTION,
    answer_modal,
    home_view,
)
from bot.slack.views.summary_form import SummaryDraft
from bot.workspaces import ChannelPlan
from handlers.slack.alert_form import open_alert_form
from handlers.slack.summary_form import open_summary_form

log = logging.getLogger(__name__)

MARKET = ("streak", "returns ytd")
"""The answers whose headlines open the Home; the first one's chart follows them."""
CHANNEL_PAGES = 5
"""Pages of 200 channels read from `users.conversations` for one Home."""


def register(app: App, services: Services) -> None:
    def app_home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if event.get("tab", "home") != "home":
            return
        publish_home(services, client, context.team_id or "", event["user"])

    app.event("app_home_opened")(ack=acknowledge, lazy=[app_home_opened])

    def rule_menu(body: dict[str, Any], client: WebClient) -> None:
        """Pause, resume or remove a rule (confirmed in its channel), or replay it."""
        chosen = _chosen(body, ("pause", "resume", "remove", "test"))
        workspace, user = body["team"]["id"], body["user"]["id"]
        if chosen is None or not isinstance(chosen.get("rule"), int):
            publish_home(services, client, workspace, user, "That menu is not one of mine.")
            return
        asker = Asker(workspace, chosen["channel"], user)
        changes = chosen["do"] != "test"
        refused = membership.refusal(client, asker.channel, user, posts=False) if changes else None
        if refused:
            publish_home(services, client, workspace, user, escape(refused))
            return
        query = rule_query(chosen["do"], str(chosen["rule"]))
        result = answer_or_failure(services.answerer, query, asker=asker)
        if isinstance(result, Failure):
            publish_home(services, client, workspace, user, escape(result.line()))
        elif chosen["do"] == "test":
            client.views_open(trigger_id=body["trigger_id"], view=answer_modal("Replay", result))
        else:
            notice = _posted(client, result, asker, f"Rule {chosen['rule']}: {chosen['do']}d")
            publish_home(services, client, workspace, user, notice)

    app.action(RULE_MENU_ACTION)(ack=acknowledge, lazy=[rule_menu])

    def channel_menu(body: dict[str, Any], client: WebClient) -> None:
        """A new alert in a channel, its summary changed (the forms) or stopped."""
        chosen = _chosen(body, ("alert", "summary", "stop"))
        if chosen is None:
            return
        workspace, user = body["team"]["id"], body["user"]["id"]
        channel = chosen["channel"]
        if chosen["do"] == "alert":
            open_alert_form(client, body["trigger_id"], AlertDraft(channel=channel))
            return
        if chosen["do"] == "summary":
            when = services.subscriptions.daily_time(channel)
            at, zone = (when.at.strftime("%H:%M"), when.zone) if when else (None, None)
            open_summary_form(client, body["trigger_id"], SummaryDraft(channel, at, zone))
            return
        refused = membership.refusal(client, channel, user, posts=False)
        if refused:
            publish_home(services, client, workspace, user, escape(refused))
            return
        asker = Asker(workspace, channel, user)
        result = answer_or_failure(services.answerer, DailyUnsubscribeQuery(), asker=asker)
        if isinstance(result, Failure):
            publish_home(services, client, workspace, user, escape(result.line()))
            return
        notice = _posted(client, result, asker, "The daily summary stopped")
        publish_home(services, client, workspace, user, notice)

    app.action(CHANNEL_MENU_ACTION)(ack=acknowledge, lazy=[channel_menu])

    def status(body: dict[str, Any], client: WebClient) -> None:
        asker = Asker(body["team"]["id"], body["user"]["id"], body["user"]["id"])
        result = answer_or_failure(services.answerer, "status", asker=asker)
        if isinstance(result, Failure):
            log.warning("status for the Home failed: %s", result.line())
            return
        client.views_open(trigger_id=body["trigger_id"], view=answer_modal("Status", result))

    app.action(STATUS_ACTION)(ack=acknowledge, lazy=[status])


def _chosen(body: dict[str, Any], doable: tuple[str, ...]) -> dict[str, Any] | None:
    """What an overflow menu's chosen option asks: `do`, `channel` (and `rule`); None when
    it is not one of ours or not one this listener does."""
    try:
        value = body["actions"][0]["selected_option"]["value"]
        chosen = json.loads(value)
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    if not isinstance(chosen, dict) or chosen.get("do") not in doable:
        return None
    return chosen if isinstance(chosen.get("channel"), str) else None


def _posted(client: WebClient, answer: Answer, asker: Asker, done: str) -> str:
    """Confirms a change in its channel; the Home's notice (mrkdwn) says where, or why not."""
    try:
        post_change(client, asker.channel, answer, asker.user)
    except SlackApiError as error:
        reason = error.response.get("error", "unknown error")
        return f"{escape(done)}, but I could not say so in <#{asker.channel}> ({escape(reason)})."
    return f"{escape(done)}; said so in <#{asker.channel}>."


def publish_home(
    services: Services,
    client: WebClient,
    workspace: str,
    user: str,
    notice: str | None = None,
) -> None:
    """Publishes `user`'s Home: fresh answers, and the channels they are in."""
    asker = Asker(workspace, user, user)
    market: list[Answer | str] = []
    chart = None
    for text in MARKET:
        result = answer_or_failure(services.answerer, text, asker=asker)
        if isinstance(result, Failure):
            market.append(f"{text}: {result.line()}")
            continue
        market.append(result)
        if chart is None and result.chart is not None:
            chart = rebased_chart(result.chart)
    plans = channel_plans(services, client, workspace, user)
    publish_with_fallback(client, user, home_view(market, plans, chart, notice))


def channel_plans(
    services: Services, client: WebClient, workspace: str, user: str
) -> list[ChannelPlan] | str:
    """The channels `user` is in that have rules or a summary; or why they cannot be listed."""
    member_of: list[str] = []
    cursor = None
    try:
        for _ in range(CHANNEL_PAGES):
            page = client.users_conversations(
                user=user,
                types="public_channel,private_channel",
                exclude_archived=True,
                limit=200,
                cursor=cursor,
            )
            channels: list[dict[str, Any]] = page.get("channels") or []
            member_of += [str(c["id"]) for c in channels]
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
    except SlackApiError as error:
        reason = error.response.get("error", "unknown error")
        log.warning("could not list the channels of %s: %s", user, reason)
        return f"I could not list your channels ({reason})."
    try:
        return services.workspaces.plans(workspace, member_of)
    except (redis.RedisError, OSError) as error:  # the Home still shows the market
        log.warning("could not read the channels' rules: %s", error)
        return "Your channels' rules and summaries cannot be read right now; try again soon."
