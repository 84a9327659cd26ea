"""What both forms share: a submission is checked before the form closes (what is wrong shows
on its field and nothing is stored), then made by the same command a person would type,
confirmed in the channel. What is made is what the check accepted: the check's verdict goes to
the listener that makes it (`ACCEPTED` in Bolt's context), so Slack is asked once a submission.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.asker import Asker
from bot.errors import CommandError
from bot.replies import Failure, answer_or_failure
from bot.services import Services
from bot.slack.replies import post_change, respond_change
from bot.slack.views.blocks import error_text

log = logging.getLogger(__name__)

ACCEPTED = "smallcaps_form_accepted"
"""Set in the context by a submission's check when it closed the form; the listener that makes
the change runs only then."""


def channel_of(body: dict[str, Any]) -> str | None:
    """The channel a shortcut, menu or button was used in, if any."""
    channel = body.get("channel") or {}
    return channel.get("id") if isinstance(channel, dict) else None


def close_or_show(ack: Ack, context: BoltContext, errors: dict[str, str]) -> None:
    """Closes the form, its change accepted, or keeps it open with what is wrong on its
    fields."""
    if errors:
        ack(response_action="errors", errors=errors)
    else:
        context[ACCEPTED] = True
        ack()


def accepted_asker(body: dict[str, Any], context: BoltContext, channel: str | None) -> Asker | None:
    """Who made an accepted submission, in the channel it chose; None when the check kept the
    form open (what was wrong is shown on it)."""
    if not context.get(ACCEPTED) or channel is None:
        return None
    return Asker(body["team"]["id"], channel, body["user"]["id"])


class Draft(Protocol):
    """What a form holds: the channel it chose and the query it asks."""

    @property
    def channel(self) -> str | None: ...

    def query(self) -> Any: ...


def maker(services: Services, read: Callable[[dict[str, Any]], Draft]) -> Callable[..., None]:
    """The lazy listener that makes what a form's accepted submission asks, `read` from its
    view."""

    def make(
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        respond: Respond | None,
        context: BoltContext,
    ) -> None:
        draft = read(view)
        asker = accepted_asker(body, context, draft.channel)
        if asker is not None:
            confirm(client, respond, asker, draft.query, services)

    return make


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
