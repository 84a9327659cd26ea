"""Alerts in Slack: an alert made a document once and read into its blocks and text in one pass,
posted into its channel through its workspace's Web API client and the client's retry handlers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.error import URLError

import redis
from slack_sdk.errors import SlackApiError

from bot.alerts.delivery import PostFailed
from bot.alerts.reports import AlertMessage
from bot.slack.clients import NotInstalled, WorkspaceClients
from bot.slack.installations import UnreadableInstallation
from bot.slack.views.alerts import alert_message

GONE = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "account_inactive",
        "invalid_auth",
        "token_revoked",
        "restricted_action",
        "msg_too_long",
        "invalid_blocks",
        "not_authed",
        "not_installed",
        "team_not_found",
    }
)
"""Errors that posting again cannot fix."""


class SlackPoster:
    def __init__(self, clients: WorkspaceClients) -> None:
        self.clients = clients

    def post(self, message: AlertMessage) -> None:
        posted = alert_message(message)
        with posting():
            self.clients.for_workspace(message.workspace).chat_postMessage(
                channel=message.channel, text=posted.text, blocks=posted.blocks
            )


@contextmanager
def posting() -> Iterator[None]:
    """What went wrong as PostFailed, once slack-sdk's retry handlers have given up: lasting
    (an error in GONE, no installation) or passing; and passing with an unknown outcome when
    the request left and its answer did not come (urllib raises a refused or failed connection
    as URLError, before the request is sent; a timeout or a dropped connection while waiting
    for the answer as the bare OSError)."""
    try:
        yield
    except SlackApiError as error:
        reason = str(error.response.get("error", "unknown_error"))
        raise PostFailed(reason, permanent=reason in GONE) from None
    except NotInstalled:
        raise PostFailed("not_installed", permanent=True) from None
    except UnreadableInstallation:
        raise PostFailed("token_key_cannot_read_installation", permanent=False) from None
    except redis.RedisError as error:
        raise PostFailed(f"Redis unavailable: {error}", permanent=False) from None
    except URLError as error:
        raise PostFailed(f"Slack unreachable: {error.reason}", permanent=False) from None
    except OSError as error:
        raise PostFailed(f"no answer from Slack: {error!r}", False, unknown=True) from None
