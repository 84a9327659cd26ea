"""The Sentinel settings: `REDIS_SENTINELS` and its companions read into `Sentinels`, every wrong
value a clear error at start (exit status 2, as every bad setting), and a web or clock process
with no Redis setting at all warns that its state is its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from bot.config import ConfigError, Settings
from bot.logs import secrets_of
from bot.store.sentinels import Sentinels
from tests.factories import write_streak_market
from tests.redis_topology import free_port, wait_until
from tests.slack.conftest import BOT_TOKEN, SECRET, stand_in
from tests.slack.processes import redis_url_of
from tests.slack.standin import SlackStandIn

__all__ = ["stand_in"]  # the Slack stand-in fixture

SENTINELS = {"REDIS_SENTINELS": "10.0.0.5:26379, s2.internal:26380,[::1]:26381"}


def test_the_sentinels_and_their_companions_are_read() -> None:
    settings = Settings.from_env(
        {
            **SENTINELS,
            "REDIS_SENTINEL_MASTER": "smallcaps-1",
            "REDIS_USERNAME": "bot",
            "REDIS_PASSWORD": "data-secret",
            "REDIS_SENTINEL_PASSWORD": "sentinel-secret",
            "REDIS_TLS": "yes",
        }
    )
    assert settings.sentinels == Sentinels(
        addresses=(("10.0.0.5", 26379), ("s2.internal", 26380), ("::1", 26381)),
        master="smallcaps-1",
        username="bot",
        password="data-secret",
        sentinel_password="sentinel-secret",
        tls=True,
    )
    assert settings.redis_url is None
    assert "secret" not in repr(settings)
    assert {"data-secret", "sentinel-secret"} <= set(secrets_of(settings))


def test_without_sentinels_nothing_changes() -> None:
    settings = Settings.from_env({"REDIS_URL": "redis://localhost:6379/0"})
    assert settings.sentinels is None
    assert settings.redis_url == "redis://localhost:6379/0"
    assert settings.redis_retry_seconds == 60


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"REDIS_SENTINELS": "10.0.0.5"}, r"REDIS_SENTINELS: '10.0.0.5' is not host:port"),
        ({"REDIS_SENTINELS": "a:1,,b:2"}, r"REDIS_SENTINELS: '' is not host:port"),
        ({"REDIS_SENTINELS": "a:99999"}, r"'a:99999' is not host:port"),
        ({"REDIS_SENTINELS": "a b:26379"}, r"'a b:26379' is not host:port"),
        ({"REDIS_SENTINELS": "a:26379"}, "also needs REDIS_SENTINEL_MASTER"),
        (
            {"REDIS_SENTINELS": "a:26379", "REDIS_SENTINEL_MASTER": "my master"},
            "REDIS_SENTINEL_MASTER='my master'",
        ),
        ({"REDIS_SENTINEL_MASTER": "mymaster"}, "REDIS_SENTINEL_MASTER is for Redis with Sentinel"),
        ({"REDIS_PASSWORD": "x"}, "REDIS_PASSWORD is for Redis with Sentinel: set REDIS_SENTINELS"),
        (
            {"REDIS_SENTINELS": "a:1", "REDIS_SENTINEL_MASTER": "m", "REDIS_TLS": "sure"},
            "REDIS_TLS='sure': use yes or no",
        ),
        (
            {"REDIS_SENTINELS": "a:1", "REDIS_SENTINEL_MASTER": "m", "REDIS_TLS_CA_FILE": "/x"},
            "REDIS_TLS_CA_FILE is for TLS: set REDIS_TLS=yes",
        ),
        (
            {
                "REDIS_SENTINELS": "a:1",
                "REDIS_SENTINEL_MASTER": "m",
                "REDIS_TLS": "yes",
                "REDIS_TLS_CA_FILE": "/no/such/ca.pem",
            },
            "REDIS_TLS_CA_FILE='/no/such/ca.pem': no such file",
        ),
        (
            {"REDIS_SENTINELS": "a:1", "REDIS_SENTINEL_MASTER": "m", "REDIS_URL": "redis://a"},
            "set REDIS_URL .* or REDIS_SENTINELS .*, not both",
        ),
        ({"SMALLCAPS_REDIS_RETRY_SECONDS": "0"}, "SMALLCAPS_REDIS_RETRY_SECONDS='0'"),
    ],
)
def test_wrong_redis_settings_are_a_clear_error(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SMALLCAPS_"))}
    env = {k: v for k, v in env.items() if not k.startswith("REDIS_")}
    return {**env, "SMALLCAPS_HOME": str(tmp_path / "home"), **extra}


@pytest.mark.slow  # starts a process
def test_a_process_with_a_wrong_sentinel_setting_does_not_start(tmp_path: Path) -> None:
    env = clean_env(tmp_path, REDIS_SENTINELS="10.0.0.5:26379")
    result = subprocess.run(
        [sys.executable, "-m", "jobs", "once"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "smallcaps: REDIS_SENTINELS also needs REDIS_SENTINEL_MASTER: the name the sentinels "
        "watch the primary by (`sentinel monitor <name> …` in sentinel.conf)"
    )
    assert not (tmp_path / "home").exists()  # nothing was started


WARNING = "without REDIS_URL or REDIS_SENTINELS: its state is in an embedded Redis"


@pytest.mark.slow  # starts processes
def test_a_clock_with_no_redis_setting_warns_that_its_state_is_its_own(
    tmp_path: Path, redis_server: redis.Redis
) -> None:
    market = tmp_path / "market"
    market.mkdir()
    facts = write_streak_market(market)
    env = clean_env(tmp_path, SMALLCAPS_DATA=f"csv:{market}", SMALLCAPS_NOW=facts.evening)
    alone = subprocess.run(
        [sys.executable, "-m", "jobs", "once"], env=env, capture_output=True, text=True, timeout=120
    )
    assert alone.returncode == 0, alone.stderr
    assert f"clock process {WARNING} under {(tmp_path / 'home').resolve()}" in alone.stderr
    shared = subprocess.run(
        [sys.executable, "-m", "jobs", "once"],
        env={**env, "REDIS_URL": redis_url_of(redis_server)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shared.returncode == 0, shared.stderr
    assert WARNING not in shared.stderr


@pytest.mark.slow  # starts a process
def test_a_web_process_with_no_redis_setting_warns_too(
    tmp_path: Path, stand_in: SlackStandIn
) -> None:
    market = tmp_path / "market"
    market.mkdir()
    write_streak_market(market)
    env = clean_env(
        tmp_path,
        SMALLCAPS_DATA=f"csv:{market}",
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=stand_in.api_url,
        PORT=str(free_port()),
    )
    log = tmp_path / "web.log"
    with log.open("wb") as output:
        web = subprocess.Popen(
            [sys.executable, "-m", "bot"], env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        wait_until(lambda: WARNING in log.read_text(), 60, "the warning")
        assert f"web process {WARNING}" in log.read_text()
    finally:
        web.terminate()
        web.wait(timeout=30)
