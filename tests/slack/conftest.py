"""The bot in HTTP mode on a free port, against the Slack stand-in, signed like Slack signs."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import redis
from slack_sdk.signature import SignatureVerifier
from waitress.server import create_server

from bot.config import Settings
from bot.services import Services
from bot.slack.app import http_front
from bot.slack.http import server_options
from bot.store.keys import Keys
from tests.factories import StreakMarket, write_streak_market
from tests.slack.standin import SlackStandIn

SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"


@dataclass
class Reply:
    status: int
    body: bytes
    elapsed: float


@dataclass
class Bot:
    url: str
    stand_in: SlackStandIn
    services: Services | None = None
    facts: StreakMarket | None = None

    def post(
        self,
        body: bytes,
        content_type: str,
        timestamp: int | None = None,
        signature: str | None = None,
        path: str = "/slack/events",
    ) -> Reply:
        stamp = str(timestamp if timestamp is not None else int(time.time()))
        signed = SignatureVerifier(SECRET).generate_signature(timestamp=stamp, body=body)
        request = urllib.request.Request(
            self.url + path,
            data=body,
            method="POST",
            headers={
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": stamp,
                "X-Slack-Signature": signature or signed,
            },
        )
        return _send(request)

    def forged(self, body: bytes) -> Reply:
        """`body` signed with the wrong secret, as a forger would."""
        stamp = int(time.time())
        return self.post(
            body,
            "application/x-www-form-urlencoded",
            timestamp=stamp,
            signature=forged_signature(body, stamp),
        )

    def command(self, text: str, response: str = "r1", **fields: str) -> Reply:
        form = {
            "token": "legacy",
            "team_id": "T0TEST",
            "channel_id": "C0CHAN",
            "user_id": "U0ASKER",
            "command": "/smallcaps",
            "text": text,
            "response_url": self.stand_in.response_url(response),
            "trigger_id": new_trigger_id(),
            **fields,
        }
        return self.post(urlencode(form).encode(), "application/x-www-form-urlencoded")

    def interact(self, payload: dict[str, Any]) -> Reply:
        payload = {"trigger_id": new_trigger_id(), **payload}
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self.post(body, "application/x-www-form-urlencoded")

    def event(self, event: dict[str, Any]) -> Reply:
        envelope = {
            "token": "legacy",
            "team_id": "T0TEST",
            "api_app_id": "A0APP",
            "type": "event_callback",
            "event_id": f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()),
            "event": event,
        }
        return self.post(json.dumps(envelope).encode(), "application/json")

    def get(self, path: str) -> Reply:
        return http_get(self.url + path)


def new_trigger_id() -> str:
    """Unique, as Slack's are: a delivery seen twice is a retry or a replay."""
    return f"{int(time.time())}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex[:16]}"


def http_get(url: str, headers: dict[str, str] | None = None) -> Reply:
    return _send(urllib.request.Request(url, headers=headers or {}))


def _send(request: urllib.request.Request) -> Reply:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Reply(response.status, response.read(), time.perf_counter() - started)
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.read(), time.perf_counter() - started)


def forged_signature(body: bytes, stamp: int) -> str:
    digest = hmac.new(b"wrong-secret", f"v0:{stamp}:".encode() + body, hashlib.sha256)
    return "v0=" + digest.hexdigest()


@pytest.fixture
def stand_in() -> Iterator[SlackStandIn]:
    server = SlackStandIn().start()
    yield server
    server.stop()


class RunningServer:
    """waitress on a free port in a thread; `close()` stops it without a stray traceback."""

    def __init__(self, application: Any) -> None:
        options = {**server_options(), "threads": 4}
        self._server = create_server(application, host="127.0.0.1", port=0, **options)
        self._closing = False
        self.url = f"http://127.0.0.1:{self._server.effective_port}"
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        try:
            self._server.run()
        except (OSError, ValueError):
            if not self._closing:
                raise

    def close(self) -> None:
        self._closing = True
        self._server.close()


def start_bot(services: Services) -> tuple[str, RunningServer]:
    server = RunningServer(http_front(services))
    return server.url, server


@pytest.fixture
def bot(
    stand_in: SlackStandIn, tmp_path: Path, redis_server: redis.Redis, keys: Keys
) -> Iterator[Bot]:
    market = tmp_path / "market"
    market.mkdir()
    facts = write_streak_market(market)
    settings = Settings(
        data=f"csv:{market}",
        home=tmp_path / "home",
        key_prefix=keys.prefix,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SECRET,
        slack_api_url=stand_in.api_url,
    )
    services = Services(settings, clock=facts.clock, redis_client=redis_server)
    url, server = start_bot(services)
    yield Bot(url, stand_in, services, facts)
    server.close()
