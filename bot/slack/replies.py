"""Answering in Slack: an ephemeral answer with its buttons, a change confirmed in the channel,
a chart uploaded into it, or an ephemeral error: `reply` picks which, for a command or a click.
The listeners in `handlers/` answer through here. The message of an answer shared by every
workspace is made once for all that ask it alike (`answer_reply`)."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from cachetools import LRUCache
from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.alerts.reports import AlertChangeReport
from bot.analytics.relative import ChartReport
from bot.asker import Asker
from bot.render.chart import answer_png, chart_path
from bot.render.document import document, source_line
from bot.render.text import document_text
from bot.replies import Failure
from bot.reports import Answer
from bot.slack.posting import post_with_fallback, respond_with_fallback
from bot.slack.views.answers import answer_message
from bot.slack.views.blocks import SlackMessage, error_blocks, error_text
from bot.slack.views.buttons import ask_value
from bot.summaries.reports import DailyChangeReport
from bot.watched_levels import WatchedLevelsReport

log = logging.getLogger(__name__)

NOT_MINE = Failure("that button is not one of mine")
"""What a button or menu that is not the app's, or no longer reads, gets."""

CHANGES = (WatchedLevelsReport, AlertChangeReport, DailyChangeReport)
"""Answers that change the workspace or channel: confirmed in the channel, with who did it."""


def reply(
    client: WebClient,
    respond: Respond,
    asker: Asker,
    text: str,
    result: Answer | Failure,
    notice: str | None = None,
) -> None:
    """The answer to `text` (or why there is none), the way it is shown in Slack."""
    if isinstance(result, Failure):
        respond_failure(respond, result)
    elif isinstance(result.report, ChartReport):
        post_chart(client, asker, respond, result)
    elif isinstance(result.report, CHANGES):
        respond_change(respond, result, asker.user)
    else:
        respond_answer(respond, text, result, notice)


def post_chart(client: WebClient, asker: Asker, respond: Respond, answer: Answer) -> None:
    try:
        upload_chart(client, asker.channel, answer, asker.user)
    except SlackApiError as error:
        reason = error.response.get("error", "unknown error")
        log.warning("chart upload to %s failed: %s", asker.channel, reason)
        respond_failure(
            respond, Failure(f"I could not post the chart here ({reason}): invite me with /invite")
        )
        return
    respond(response_type="ephemeral", replace_original=False, text="Chart posted in the channel.")


def asker_of(body: dict[str, Any]) -> Asker:
    """Who pressed a button, and where."""
    return Asker(body["team"]["id"], body["channel"]["id"], body["user"]["id"])


def acknowledge(ack: Ack) -> None:
    """Every listener's ack: sent as the HTTP response before any work starts."""
    ack()


def respond_failure(respond: Respond, failure: Failure) -> None:
    respond(
        response_type="ephemeral",
        replace_original=False,
        text=error_text(failure.message, failure.example),
        blocks=error_blocks(failure.message, failure.example),
    )


def respond_change(respond: Respond, answer: Answer, user: str) -> None:
    """A change to the workspace's settings, confirmed in the channel with who made it."""
    message = answer_message(answer, changed_by=user)
    respond(
        response_type="in_channel",
        replace_original=False,
        text=message.text,
        blocks=message.blocks,
    )


def post_change(client: WebClient, channel: str, answer: Answer, user: str) -> None:
    """A change made without a `response_url` (a form, the Home), confirmed in its channel
    with who made it, as a typed change is."""
    message = answer_message(answer, changed_by=user)
    post_with_fallback(client, message.blocks, channel=channel, text=message.text)


SHARED_MESSAGES = 256
"""Messages of shared answers kept made, the least recently used dropped first."""
_made: LRUCache[tuple[str | None, ...], SlackMessage] = LRUCache(SHARED_MESSAGES)
_made_lock = threading.Lock()


def answer_reply(answer: Answer, text: str, notice: str | None = None) -> SlackMessage:
    """The message of an answer to `text`. A shared answer's is made once for every workspace
    that asks it alike (the same words, source line and notice): nothing in it is the asker's.
    Callers never change a message they are given."""
    share_value = ask_value(text, answer.as_of)
    if answer.shared_as is None:
        return answer_message(answer, share_value=share_value, notice=notice)
    line = source_line(answer.source) if answer.source else None
    key = (answer.shared_as, line, share_value, notice)
    with _made_lock:
        made = _made.get(key)
    if made is None:
        made = answer_message(answer, share_value=share_value, notice=notice)
        with _made_lock:
            _made[key] = made
    return made


def respond_answer(respond: Respond, text: str, answer: Answer, notice: str | None = None) -> None:
    message = answer_reply(answer, text, notice)
    respond_with_fallback(
        respond,
        message.blocks,
        response_type="ephemeral",
        replace_original=False,
        text=message.text,
    )


def upload_chart(client: WebClient, channel: str, answer: Answer, asked_by: str) -> None:
    """Uploads the chart into `channel` (files_upload_v2), with the figures as its comment."""
    assert isinstance(answer.report, ChartReport)
    doc = document(answer)
    client.files_upload_v2(
        channel=channel,
        file=answer_png(answer),
        filename=chart_path(answer.report, Path()).name,
        title=doc.title,
        initial_comment=f"<@{asked_by}> asked for a chart.\n{document_text(doc)}",
    )
