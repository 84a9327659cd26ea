"""One token refresh at a time, in every process: slack-sdk's `TokenRotator` under the Redis
lock `lock:token-rotation:…`, for Bolt's authorize (`web`) and the clock's clients alike.

Slack spends a refresh token when it is used, so two processes refreshing the same installation
at once would leave one of them with a dead token. Whoever holds the lock re-reads the
installation first: when the token it came with was replaced meanwhile, another process has
refreshed it, and the stored one is used as it is. The refreshed installation is saved before
the lock is let go, so the next holder reads it.
"""

from __future__ import annotations

import time

from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.token_rotation import TokenRotator

from bot.slack.installations import RedisInstallationStore


def _expiring(expires_at: int | None, minutes: int) -> bool:
    return expires_at is not None and expires_at - time.time() <= minutes * 60


class LockedTokenRotator(TokenRotator):
    """slack-sdk's TokenRotator, as Bolt's `InstallationStoreAuthorize.token_rotator` and for
    the clock, refreshing under the installation's lock; the refresh itself is slack-sdk's."""

    def __init__(
        self, store: RedisInstallationStore, client_id: str, client_secret: str, client: WebClient
    ) -> None:
        super().__init__(client_id=client_id, client_secret=client_secret, client=client)
        self.store = store
        self._unlocked = TokenRotator(
            client_id=client_id, client_secret=client_secret, client=client
        )

    def perform_token_rotation(
        self, *, installation: Installation, minutes_before_expiration: int = 120
    ) -> Installation | None:
        """What Bolt's authorize calls: the installation with fresh tokens, or None when none
        expires yet."""
        if not (
            _expiring(installation.bot_token_expires_at, minutes_before_expiration)
            or _expiring(installation.user_token_expires_at, minutes_before_expiration)
        ):
            return None
        with self.store.rotation_lock(installation.to_bot()):
            current = self.store.find_installation(
                enterprise_id=installation.enterprise_id,
                team_id=installation.team_id,
                user_id=installation.user_id,
                is_enterprise_install=installation.is_enterprise_install,
            )
            if current is None:
                return None
            if (current.bot_token, current.user_token) != (
                installation.bot_token,
                installation.user_token,
            ):
                return current  # refreshed by another process while this one waited
            refreshed = self._unlocked.perform_token_rotation(
                installation=current, minutes_before_expiration=minutes_before_expiration
            )
            if refreshed is not None:
                self.store.save(refreshed)
            return refreshed

    def perform_bot_token_rotation(
        self, *, bot: Bot, minutes_before_expiration: int = 120
    ) -> Bot | None:
        """What the clock (and Bolt, for a bot-only store) calls: the bot with a fresh token,
        or None when it does not expire yet."""
        if not _expiring(bot.bot_token_expires_at, minutes_before_expiration):
            return None
        with self.store.rotation_lock(bot):
            current = self.store.find_bot(
                enterprise_id=bot.enterprise_id,
                team_id=bot.team_id,
                is_enterprise_install=bot.is_enterprise_install,
            )
            if current is None:
                return None
            if current.bot_token != bot.bot_token:
                return current  # refreshed by another process while this one waited
            refreshed = self._unlocked.perform_bot_token_rotation(
                bot=current, minutes_before_expiration=minutes_before_expiration
            )
            if refreshed is not None:
                self.store.save_bot(refreshed)
            return refreshed
