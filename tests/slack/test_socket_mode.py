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
from tests.slack.test_forms import state


class SocketModeSlack:
    """Says hello, sends its envelopes (a slash command, interactions) in order, and records
    what the app sends back."""

    def __init__(self, *envelopes: dict[str, Any]) -> None:
        self.envelopes = envelopes
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
        for envelope in self.envelopes:
            connection.send(json.dumps(envelope))
        for message in connection:
            self.from_app.put(json.loads(message))

    def acks(self, count: int) -> dict[str, dict[str, Any]]:
        """The app's first `count` acks, by envelope id."""
        acks = [self.from_app.get(timeout=15) for _ in range(count)]
        return {ack["envelope_id"]: ack for ack in acks}


def envelope(envelope_id: str, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "envelope_id": envelope_id,
        "type": kind,
        "accepts_response_payload": True,
        "payload": payload,
    }


@pytest.fixture
def slack_side(stand_in: SlackStandIn) -> Iterator[SocketModeSlack]:
    command = {
        "token": "legacy",
        "team_id": "T0TEST",
        "channel_id": "C0CHAN",
        "user_id": "U0ASKER",
        "command": "/smallcaps",
        "text": "streak",
        "trigger_id": "1.2.3",
        "response_url": stand_in.response_url("socket"),
    }
    who = {"team": {"id": "T0TEST"}, "user": {"id": "U0ASKER"}, "api_app_id": "A0APP"}
    wrong_level = state(channel="C0CHAN", target="rut", condition="above", level="-1")
    side = SocketModeSlack(
        envelope("env-1", "slash_commands", command),
        envelope(
            "env-2",
            "interactive",
            {"type": "shortcut", "callback_id": "new_alert", "trigger_id": "2.3.4", **who},
        ),
        envelope(
            "env-3",
            "interactive",
            {
                "type": "block_suggestion",
                "action_id": "target",
                "block_id": "target",
                "value": "iwm",
                **who,
            },
        ),
        envelope(
            "env-4",
            "interactive",
            {
                "type": "view_submission",
                "trigger_id": "3.4.5",
                "view": {
                    "id": "V0",
                    "type": "modal",
                    "callback_id": "new_alert",
                    "state": {"values": wrong_level},
                },
                **who,
            },
        ),
    )
    yield side
    side.server.shutdown()


def test_commands_and_interactions_over_socket_mode(
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
        acks = slack_side.acks(4)
        assert set(acks) == {"env-1", "env-2", "env-3", "env-4"}
        (answer,) = stand_in.wait_for("response/socket")
        assert answer.body["response_type"] == "ephemeral"
        assert f"{STREAK} sessions in a row" in str(answer.body["blocks"])
        # the same interactions as over HTTP: a shortcut opens the form, the type-ahead and
        # a submission's field errors come back in the acks
        (opened,) = stand_in.wait_for("views.open")
        assert "new_alert" in str(opened.body["view"])
        options = acks["env-3"]["payload"]["options"]
        assert options[0]["value"] == "iwm"
        assert acks["env-4"]["payload"]["response_action"] == "errors"
        assert "level" in acks["env-4"]["payload"]["errors"]
    finally:
        handler.close()  # type: ignore[no-untyped-call]
