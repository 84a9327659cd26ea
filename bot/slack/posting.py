"""Posting Block Kit to Slack: a message, an answer through `response_url`, or a Home; where
Slack refuses a native chart, the same again without it, never nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.slack.views.charts import Block, has_charts, without_charts

log = logging.getLogger(__name__)


def respond_with_fallback(respond: Callable[..., Any], blocks: list[Block], **fields: Any) -> None:
    """Answers through `respond` (a `response_url`); when Slack refuses the message and it held
    a native chart, answers once more without it."""
    response = respond(blocks=blocks, **fields)
    status = getattr(response, "status_code", 200)
    if has_charts(blocks) and status >= 400:
        log.warning(
            "Slack refused a native chart (%s %s): answering without it",
            status,
            getattr(response, "body", ""),
        )
        respond(blocks=without_charts(blocks), **fields)


def post_with_fallback(client: WebClient, blocks: list[Block], **fields: Any) -> SlackResponse:
    """`chat.postMessage`; on `invalid_blocks` for a message with a native chart, posted once
    more without it. Any other error is the caller's."""
    try:
        return client.chat_postMessage(blocks=blocks, **fields)
    except SlackApiError as error:
        if error.response.get("error") != "invalid_blocks" or not has_charts(blocks):
            raise
        log.warning("Slack refused a native chart (invalid_blocks): posting without it")
        return client.chat_postMessage(blocks=without_charts(blocks), **fields)


REFUSED = ("invalid_blocks", "invalid_arguments")
"""How Slack refuses a block it does not know: in a message, and in a view."""


def publish_with_fallback(client: WebClient, user: str, view: dict[str, Any]) -> SlackResponse:
    """`views.publish` of a Home; when Slack refuses a Home with a native chart, published
    once more without it."""
    try:
        return client.views_publish(user_id=user, view=view)
    except SlackApiError as error:
        if error.response.get("error") not in REFUSED or not has_charts(view["blocks"]):
            raise
        log.warning("Slack refused a native chart in a Home: publishing without it")
        return client.views_publish(
            user_id=user, view={**view, "blocks": without_charts(view["blocks"])}
        )
