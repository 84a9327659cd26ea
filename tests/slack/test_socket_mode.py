"""Socket Mode over a real WebSocket: the test plays Slack's side of the connection."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from slack_bolt.adapter.socket_mode import SocketModeHandler
from websockets.sync.server import Server, ServerConnection, serve

from bot.config import Settings
from bot.services import Services
from bot.slack.app import build_app
from bot.store.keys import Keys
from tests.factories import STREAK, write_streak_market
from tests.slack.conftest import BOT_TOKEN
from tests.slack.standin import Scripted, SlackStandIn


class SocketModeSlack:
    """Says hello, sends one slash command envelope, and records what the app sends back."""

    def __init__(self, payload: dict[str, Any]) -> None:
        self.payload = payload
        self.from_app: queue.Queue[dict[str, Any]] = queue.Queue()
        self.server: Server = serve(self.handle, "127.0.0.1", 0)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.server.socket.getsockname()[1]}/link"

    def handle(self, connection: ServerConnection) -> None:
        connection.send(
            json.dumps(
                {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0APP"}}
            )
        )
        connection.send(
            json.dumps(
                {
                    "envelope_id": "env-1",
                    "type": "slash_commands",
                    "accepts_response_payload": True,
                    "payload": self.payload,
                }
            )
        )
        for message in connection:
            self.from_app.put(json.loads(message))


@pytest.fixture
def slack_side(stand_in: SlackStandIn) -> Iterator[SocketModeSlack]:
    side = SocketModeSlack(
        {
            "token": "legacy",
            "team_id": "T0TEST",
            "channel_id": "C0CHAN",
            "user_id": "U0ASKER",
            "command": "/smallcaps",
            "text": "streak",
            "trigger_id": "1.2.3",
            "response_url": stand_in.response_url("socket"),
        }
    )
    yield side
    side.server.shutdown()


def test_a_command_over_socket_mode_is_acked_then_answered(
    stand_in: SlackStandIn,
    slack_side: SocketModeSlack,
    tmp_path: Path,
    redis_server: redis.Redis,
    keys: Keys,
) -> None:
    stand_in.script("apps.connections.open", Scripted(200, {"ok": True, "url": slack_side.url}))
    market = tmp_path / "market"
    market.mkdir()
    facts = write_streak_market(market)
    settings = Settings(
        data=f"csv:{market}",
        home=tmp_path / "home",
        key_prefix=keys.prefix,
        slack_bot_token=BOT_TOKEN,
        slack_app_token="xapp-test",
        slack_api_url=stand_in.api_url,
    )
    assert settings.mode == "socket"
    handler = SocketModeHandler(
        build_app(Services(settings, clock=facts.clock, redis_client=redis_server)),
        settings.slack_app_token,
    )
    handler.connect()  # type: ignore[no-untyped-call]
    try:
        (opened,) = stand_in.calls_to("apps.connections.open")
        assert opened.headers["Authorization"] == "Bearer xapp-test"
        ack = slack_side.from_app.get(timeout=15)
        assert ack["envelope_id"] == "env-1"
        (answer,) = stand_in.wait_for("response/socket")
        assert answer.body["response_type"] == "ephemeral"
        assert f"{STREAK} sessions in a row" in str(answer.body["blocks"])
    finally:
        handler.close()  # type: ignore[no-untyped-call]
