"""The Bolt app: one Web API client (SLACK_API_URL when set) and every listener registered."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from bot.config import Settings
from bot.logs import ContextExecutor
from bot.metrics import RATE_LIMITED
from bot.services import Services
from bot.slack.guard import SeenDeliveries, WsgiApp
from handlers import register_listeners

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


def build_app(services: Services) -> App:
    settings = services.settings
    app = App(
        client=web_client(settings),
        # Socket Mode requests carry no signature; HTTP requests are always verified (here and
        # in bot.slack.guard, in front of Bolt).
        signing_secret=settings.slack_signing_secret or "",
        # Listeners only ack in the request thread; the work runs in lazy listeners after the
        # response is sent, so no request waits on Bolt's polling for an ack.
        process_before_response=True,
        # Lazy listeners keep the request id of the request that started them.
        listener_executor=ContextExecutor(max_workers=LISTENER_THREADS),
    )
    register_listeners(app, services)
    return app


def http_front(services: Services) -> WsgiApp:
    """The whole HTTP surface of a `web` process: Slack's endpoint behind its guard, health,
    readiness and metrics."""
    from bot.slack.http import wsgi_app
    from bot.trading_calendar import nyse

    nyse()  # built before the first request rather than by the first answers, all at once
    return wsgi_app(
        build_app(services),
        services.readiness,
        SeenDeliveries(lambda: services.redis, services.keys),
        services.settings.slack_signing_secret or "",
    )
