"""Which Web API client speaks for the bot in a workspace: the one bot token (single-workspace
modes), or each workspace's own installation, its token refreshed before it expires.

The clock asks here for every alert and summary it posts; a workspace with no installation (it
uninstalled the app) raises `NotInstalled`, which posting treats as lasting: dropped with a log
line, never retried forever.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Protocol

from slack_sdk import WebClient

from bot.slack.installations import RedisInstallationStore
from bot.slack.token_rotation import LockedTokenRotator

log = logging.getLogger(__name__)

ROTATE_BEFORE_MINUTES = 120
"""A token that expires within this is refreshed first (as Bolt does for requests)."""
CACHE_SECONDS = 60.0
"""How long a workspace's client is reused before its installation is read again."""


class NotInstalled(Exception):
    """The workspace has no installation of the app (any more)."""


class WorkspaceClients(Protocol):
    def for_workspace(self, workspace: str) -> WebClient:
        """The client whose token speaks for the bot in `workspace`; NotInstalled if none."""
        ...


class OneClient:
    """Single-workspace modes: one bot token for every channel."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def for_workspace(self, workspace: str) -> WebClient:
        return self.client


class InstalledClients:
    """Many-workspace mode: each workspace's client from its installation in Redis, reused for
    a minute, its token refreshed (under a lock shared by every process) before it expires."""

    def __init__(
        self,
        store: RedisInstallationStore,
        base: WebClient,
        client_id: str,
        client_secret: str,
    ) -> None:
        self.store = store
        self.base = base
        self.rotator = LockedTokenRotator(store, client_id, client_secret, base)
        self._cache: dict[str, tuple[float, WebClient, int | None]] = {}
        self._lock = threading.Lock()

    def for_workspace(self, workspace: str) -> WebClient:
        now = time.time()
        with self._lock:
            cached = self._cache.get(workspace)
        if cached is not None:
            fetched, client, expires = cached
            fresh = now - fetched < CACHE_SECONDS
            if fresh and (expires is None or expires - now > ROTATE_BEFORE_MINUTES * 60):
                return client
        bot = self.store.bot_for_workspace(workspace)
        if bot is None or bot.bot_token is None:
            with self._lock:
                self._cache.pop(workspace, None)
            raise NotInstalled(workspace)
        refreshed = self.rotator.perform_bot_token_rotation(
            bot=bot, minutes_before_expiration=ROTATE_BEFORE_MINUTES
        )
        if refreshed is not None:
            log.info("refreshed the bot token of %s", bot.team_id or bot.enterprise_id)
            bot = refreshed
        client = WebClient(
            token=bot.bot_token,
            base_url=self.base.base_url,
            timeout=self.base.timeout,
            retry_handlers=self.base.retry_handlers,
        )
        with self._lock:
            self._cache[workspace] = (now, client, bot.bot_token_expires_at)
        return client
