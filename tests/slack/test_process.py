"""`python -m bot` as a new user runs it: the mode comes from the environment."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from bot.config import ConfigError, Settings
from bot.slack.guard import MAX_BODY
from tests.factories import STREAK, write_streak_market
from tests.slack.conftest import BOT_TOKEN, SECRET, Bot
from tests.slack.standin import SlackStandIn
from tests.slack.test_guard import padded, send, signed, status_from_headers_alone

pytestmark = pytest.mark.slow  # starts processes of its own


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def http_bot(stand_in: SlackStandIn, tmp_path: Path) -> Iterator[Bot]:
    market = tmp_path / "market"
    market.mkdir()
    facts = write_streak_market(market)
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "SMALLCAPS_", "REDIS_URL", "PORT"))
    }
    env.update(
        SMALLCAPS_DATA=f"csv:{market}",
        SMALLCAPS_HOME=str(tmp_path / "home"),
        SMALLCAPS_NOW=facts.evening,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=stand_in.api_url,
        PORT=str(port),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "python -m bot did not start serving"
            time.sleep(0.1)
    yield Bot(url, stand_in)
    process.terminate()
    process.wait(timeout=30)
    # a stopped bot takes its embedded Redis with it
    home = tmp_path / "home"
    deadline = time.monotonic() + 10
    while redis_servers_in(home) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert redis_servers_in(home) == []


def redis_servers_in(home: Path) -> list[int]:
    """The redis-server processes working in `home` (the embedded server runs there)."""
    found = []
    for process in psutil.process_iter(["name", "cwd"]):
        if process.info["name"] == "redis-server" and process.info["cwd"] == str(home):
            found.append(process.pid)
    return found


def test_http_mode_serves_signed_requests_and_answers_on_response_url(http_bot: Bot) -> None:
    (auth,) = http_bot.stand_in.calls_to("auth.test")  # it checked its token with "Slack"
    assert auth.headers["Authorization"] == f"Bearer {BOT_TOKEN}"
    assert http_bot.command("streak", response="real").status == 200
    (answer,) = http_bot.stand_in.wait_for("response/real")
    text = str(answer.body["blocks"])
    assert f"{STREAK} sessions in a row" in text
    assert http_bot.forged(b"command=%2Fsmallcaps&text=streak").status == 401


def test_the_documented_body_limit_is_exact_in_the_real_server(http_bot: Bot) -> None:
    at_limit = padded(http_bot, "at-limit", MAX_BODY)
    assert send(http_bot, "POST", at_limit, signed(at_limit)).status == 200
    http_bot.stand_in.wait_for("response/at-limit")
    over = padded(http_bot, "over", MAX_BODY + 1)
    assert status_from_headers_alone(http_bot, over) == 413


@pytest.mark.parametrize(
    ("env", "mode"),
    [
        ({}, "console"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}, "http"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}, "socket"),
        (
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "SLACK_SIGNING_SECRET": "s"},
            "socket",
        ),
    ],
)
def test_the_mode_comes_from_the_environment(env: dict[str, str], mode: str) -> None:
    assert Settings.from_env(env).mode == mode


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "needs both SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET"),
        ({"SLACK_SIGNING_SECRET": "s"}, "needs both"),
        ({"SLACK_APP_TOKEN": "xapp-1"}, "also needs SLACK_BOT_TOKEN"),
        ({"PORT": "http"}, "PORT='http'"),
        ({"PORT": "³⁰⁰⁰"}, "PORT='³⁰⁰⁰'"),
        ({"SMALLCAPS_REFRESH_SECONDS": "⁹⁰⁰"}, "SMALLCAPS_REFRESH_SECONDS='⁹⁰⁰'"),
        ({"SMALLCAPS_FANOUT_WORKERS": "²"}, "SMALLCAPS_FANOUT_WORKERS='²'"),
    ],
)
def test_half_set_credentials_are_a_clear_error(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)
