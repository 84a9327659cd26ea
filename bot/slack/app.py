"""The Bolt app: one Web API client (SLACK_API_URL when set) and every listener registered."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.middleware import Middleware
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from bot.config import Settings
from bot.logs import ContextExecutor
from bot.metrics import RATE_LIMITED
from bot.services import Services
from bot.slack.clients import ROTATE_BEFORE_MINUTES, InstalledClients, OneClient, WorkspaceClients
from bot.slack.guard import SeenDeliveries
from bot.slack.installations import RedisInstallationStore, RedisOAuthStateStore
from bot.slack.token_rotation import LockedTokenRotator
from bot.wsgi import WsgiApp
from handlers.slack import register_listeners

LISTENER_THREADS = 8
"""Answers computed at once after their acks, per web process."""


class CountedRateLimitHandler(RateLimitErrorRetryHandler):
    """slack-sdk's 429 handler (waits Retry-After, then retries), counting each 429."""

    def can_retry(self, **kwargs: Any) -> bool:
        response = kwargs.get("response")
        if response is not None and response.status_code == 429:
            RATE_LIMITED.inc()
        return super().can_retry(**kwargs)


def web_client(settings: Settings) -> WebClient:
    """The one Web API client: Slack's, or a stand-in's, retrying on 429 and lost connections.

    Only background posting uses it; acknowledging a request never waits on it.
    """
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url or WebClient.BASE_URL,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            CountedRateLimitHandler(max_retry_count=3),
        ],
    )


def installation_store(services: Services) -> RedisInstallationStore:
    """Many-workspace mode: the installations, in the bot's Redis."""
    assert services.settings.token_key, "many-workspace mode needs SMALLCAPS_TOKEN_KEY"
    return RedisInstallationStore(
        services.connection.client, services.keys, services.settings.token_key
    )


def workspace_clients(services: Services) -> WorkspaceClients:
    """The client that posts into each workspace: the one bot token, or each installation's."""
    settings = services.settings
    if settings.mode != "oauth":
        return OneClient(web_client(settings))
    assert settings.slack_client_id and settings.slack_client_secret
    return InstalledClients(
        installation_store(services),
        web_client(settings),
        settings.slack_client_id,
        settings.slack_client_secret,
    )


BOT_SCOPES = ("commands", "chat:write", "files:write", "channels:read", "groups:read")
"""What the bot asks a workspace for when installed (the manifest says the same; its test
checks both against the Web API calls the code makes)."""


def build_app(services: Services) -> App:
    settings = services.settings
    client = web_client(settings)
    store = installation_store(services) if settings.mode == "oauth" else None
    options = many_workspaces(services, client, store) if store is not None else {}
    app = App(
        client=client,
        # Socket Mode requests carry no signature; HTTP requests are always verified (here and
        # in bot.slack.guard, in front of Bolt).
        signing_secret=settings.slack_signing_secret or "",
        # Listeners only ack in the request thread; the work runs in lazy listeners after the
        # response is sent, so no request waits on Bolt's polling for an ack.
        process_before_response=True,
        # Lazy listeners keep the request id of the request that started them.
        listener_executor=ContextExecutor(max_workers=LISTENER_THREADS),
        **options,
    )
    if store is not None:
        app.use(_WorkspacesSeen(store))
    register_listeners(app, services)
    return app


def many_workspaces(
    services: Services, client: WebClient, store: RedisInstallationStore
) -> dict[str, Any]:
    """Bolt's OAuth flow (`/slack/install`, `/slack/oauth_redirect`) and per-request tokens,
    on the installations and one-time states in Redis; tokens refreshed before they expire,
    through the same Web API address as every other call."""
    settings = services.settings
    assert settings.slack_client_id and settings.slack_client_secret
    return {
        "oauth_settings": OAuthSettings(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret,
            scopes=list(BOT_SCOPES),
            installation_store=store,
            state_store=RedisOAuthStateStore(services.connection.client, services.keys),
            token_rotation_expiration_minutes=ROTATE_BEFORE_MINUTES,
        ),
        "authorize": authorize(
            store, settings.slack_client_id, settings.slack_client_secret, client
        ),
    }


def authorize(
    store: RedisInstallationStore, client_id: str, client_secret: str, client: WebClient
) -> InstallationStoreAuthorize:
    """Bolt's own authorize on the installations, its token rotation done under the lock every
    process refreshes a workspace's token under (`bot.slack.token_rotation`)."""
    found = InstallationStoreAuthorize(
        logger=logging.getLogger("slack_bolt.authorize"),
        installation_store=store,
        client_id=client_id,
        client_secret=client_secret,
        token_rotation_expiration_minutes=ROTATE_BEFORE_MINUTES,
        client=client,
        cache_enabled=True,
    )
    found.token_rotator = LockedTokenRotator(store, client_id, client_secret, client)
    return found


class _WorkspacesSeen(Middleware):
    """Remembers which org a workspace's requests come through (an org-wide install names no
    workspace when it is made), so the clock finds the token for its channels."""

    def __init__(self, store: RedisInstallationStore) -> None:
        self.store = store
        self.seen: set[str] = set()

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        context = req.context
        if context.is_enterprise_install and context.team_id and context.team_id not in self.seen:
            self.store.remember_workspace(context.team_id, context.enterprise_id, org=True)
            self.seen.add(context.team_id)
        return next()


def http_front(services: Services) -> WsgiApp:
    """The whole HTTP surface of a `web` process: Slack's endpoint behind its guard, health,
    readiness and metrics."""
    from bot.slack.http import wsgi_app
    from bot.trading_calendar import nyse

    nyse()  # built before the first request rather than by the first answers, all at once
    return wsgi_app(
        build_app(services),
        services.status.readiness,
        SeenDeliveries(services.connection.client, services.keys),
        services.settings.slack_signing_secret or "",
        services.settings.metrics_token,
    )
