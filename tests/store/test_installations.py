"""Slack installations and OAuth states in Redis, on slack-sdk's own interfaces."""

from __future__ import annotations

import time

import pytest
import redis
from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store import Installation

from bot.slack.installations import (
    RedisInstallationStore,
    RedisOAuthStateStore,
    UnreadableInstallation,
)
from bot.store.keys import Keys


@pytest.fixture
def store(redis_server: redis.Redis, keys: Keys) -> RedisInstallationStore:
    return RedisInstallationStore(lambda: redis_server, keys, Fernet.generate_key().decode())


def installation(team: str | None, user: str, token: str, **more: object) -> Installation:
    return Installation(user_id=user, team_id=team, bot_token=token, bot_id="B1", **more)


def test_bot_and_user_installations_round_trip_encrypted(
    store: RedisInstallationStore, redis_server: redis.Redis, keys: Keys
) -> None:
    store.save(installation("T1", "U1", "xoxb-1", user_token="xoxp-1"))
    store.save(installation("T1", "U2", "xoxb-2", user_token="xoxp-2"))
    bot = store.find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None and bot.bot_token == "xoxb-2"  # the newest install's
    first = store.find_installation(enterprise_id=None, team_id="T1", user_id="U1")
    assert first is not None and first.user_token == "xoxp-1"
    assert first.bot_token == "xoxb-2"  # a user's installation gets the newest bot token
    for key in redis_server.scan_iter(f"{keys.prefix}installs:*"):
        if redis_server.type(key) == b"string":
            stored = redis_server.get(key) or b""
            # No token in clear. Each token whole: Fernet's base64 has "xox" by chance about
            # once in a thousand keys, never a whole token with its dash.
            for token in (b"xoxb-1", b"xoxb-2", b"xoxp-1", b"xoxp-2"):
                assert token not in stored, key
    other = RedisInstallationStore(store._redis, keys, Fernet.generate_key().decode())
    with pytest.raises(UnreadableInstallation):  # a wrong key is an error, not "not installed"
        other.find_bot(enterprise_id=None, team_id="T1")


def test_an_org_wide_install_serves_every_workspace_seen_through_it(
    store: RedisInstallationStore,
) -> None:
    org = installation(None, "U1", "xoxb-org", enterprise_id="E1", is_enterprise_install=True)
    store.save(org)
    assert store.bot_for_workspace("T9") is None  # not seen yet
    store.remember_workspace("T9", "E1", org=True)
    bot = store.bot_for_workspace("T9")
    assert bot is not None and bot.bot_token == "xoxb-org"


def test_delete_all_removes_one_workspace_and_leaves_the_other(
    store: RedisInstallationStore,
) -> None:
    store.save(installation("T1", "U1", "xoxb-1"))
    store.save(installation("T2", "U2", "xoxb-2"))
    store.delete_installation(enterprise_id=None, team_id="T1", user_id="U1")
    assert store.find_installation(enterprise_id=None, team_id="T1", user_id="U1") is None
    assert store.find_bot(enterprise_id=None, team_id="T1") is not None
    store.delete_all(enterprise_id=None, team_id="T1")
    assert store.bot_for_workspace("T1") is None
    assert store.find_installation(enterprise_id=None, team_id="T1") is None
    assert store.bot_for_workspace("T2") is not None


def test_an_oauth_state_is_consumed_once_and_expires(redis_server: redis.Redis, keys: Keys) -> None:
    states = RedisOAuthStateStore(lambda: redis_server, keys, expiration_seconds=1)
    state = states.issue()
    assert states.consume(state) is True
    assert states.consume(state) is False  # one time only
    assert states.consume("not a state at all!") is False
    late = states.issue()
    time.sleep(1.2)
    assert states.consume(late) is False
