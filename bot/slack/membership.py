"""Who may change a channel's alerts and summary from a form or a menu: a person in the
channel, and, when the change makes the bot post there, the bot in it too.

A form's channel picker lists every public channel and the App Home's menus name channels,
so a choice proves nothing about the person who made it. Two Web API calls with the
workspace's own token answer instead, every time (nothing is cached: a person who just left
a channel is refused at once):

- `conversations.info`: the bot's side. It must be a member to post (the app asks for
  `chat:write`, not `chat:write.public`, and `files:write` uploads the charts only where it is
  a member); a private channel it is not in is `channel_not_found`.
- `users.conversations` for the person: their side, paged until the channel is found, as the
  App Home lists their channels. A person is in far fewer channels than a big channel has
  members, so this is one call for nearly everyone where `conversations.members` on a
  company-wide channel would page through thousands. Private channels come back only when the
  bot is in them too, which posting needs anyway.

The check runs before a modal's 3-second answer: each call gets `TIMEOUT_SECONDS` and is not
retried (a 429 is a refusal to try again, not a wait), and at most `PAGES` pages are read.
"""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

TIMEOUT_SECONDS = 1
"""Each call's timeout: three calls at most fit a modal's 3 seconds."""
PAGE = 999
"""Channels asked of `users.conversations` a page (its limit is under 1000)."""
PAGES = 2
"""Pages of a person's channels read before giving up on finding the channel."""
INVITE = "/invite @smallcaps"


def refusal(client: WebClient, channel: str, user: str, posts: bool = True) -> str | None:
    """Why `user` may not change what `channel` gets (its alerts, its summary), or None when
    they may. With `posts` (a new rule, a summary made or moved) the bot must be able to post
    there too; stopping or removing only needs the person in the channel."""
    quick = WebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=TIMEOUT_SECONDS,
        retry_handlers=[],
    )
    try:
        info: dict[str, Any] = quick.conversations_info(channel=channel).get("channel") or {}
    except SlackApiError as error:
        return _unreadable(error)
    except OSError as error:
        return _unchecked(type(error).__name__)
    if posts and info.get("is_archived"):
        return "This channel is archived: choose another one."
    if posts and not info.get("is_member"):
        return f"I am not in this channel, so I cannot post there: add me with {INVITE} first."
    try:
        found = _member(quick, channel, user)
    except SlackApiError as error:
        return _unreadable(error)
    except OSError as error:
        return _unchecked(type(error).__name__)
    if found is None:
        return (
            f"I could not find this channel among the first {PAGE * PAGES:,} you are in: "
            "type the command in the channel itself."
        )
    if not found:
        return "You are not in this channel: only its members can change its alerts and summary."
    return None


def _member(client: WebClient, channel: str, user: str) -> bool | None:
    """Whether `channel` is among `user`'s channels; None when there were more to read."""
    cursor = None
    for _ in range(PAGES):
        page = client.users_conversations(
            user=user,
            types="public_channel,private_channel",
            limit=PAGE,
            cursor=cursor,
        )
        if any(c.get("id") == channel for c in page.get("channels") or []):
            return True
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return False
    return None


def _unreadable(error: SlackApiError) -> str:
    reason = str(error.response.get("error", "unknown error"))
    if reason == "channel_not_found":
        return f"I cannot see this channel: if it is private, add me with {INVITE} first."
    if reason == "missing_scope":
        return "I lack the permission to read channels (missing_scope): reinstall the app."
    return _unchecked(reason)


def _unchecked(reason: str) -> str:
    return f"I could not check this channel just now ({reason}): try again in a minute."
