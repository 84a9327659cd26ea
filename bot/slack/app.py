"""The Bolt app: one Web API client (SLACK_API_URL when set) and every listener registered."""

from __future__ import annotations

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from bot.config import Settings
from bot.services import Services
from handlers import register_listeners


def web_client(settings: Settings) -> WebClient:
    """The one Web API client: Slack's, or a stand-in's, retrying on 429 and lost connections.

    Only background posting uses it; acknowledging a request never waits on it.
    """
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url or WebClient.BASE_URL,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
        ],
    )


def build_app(services: Services) -> App:
    settings = services.settings
    app = App(
        client=web_client(settings),
        # Socket Mode requests carry no signature; HTTP requests are always verified.
        signing_secret=settings.slack_signing_secret or "",
        # Listeners only ack in the request thread; the work runs in lazy listeners after the
        # response is sent, so no request waits on Bolt's polling for an ack.
        process_before_response=True,
    )
    register_listeners(app, services)
    return app
