"""Backups: every rule, subscription, watched level and alert state out and back in, exactly."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import numpy as np
import pytest
import redis

from bot.asker import Asker
from bot.clock import FixedClock
from bot.config import Settings
from bot.services import Services
from bot.store.backup import BackupError, export_state, import_state, read_state
from bot.store.keys import Keys
from tests.alerts.conftest import after_close, trading_days
from tests.factories import closes, write_two_column_csv
from tests.slack.processes import redis_url_of

DAYS = trading_days("2025-06-02", 140)
NOW = after_close(DAYS[-1], 60)


def make_services(csv_dir: Path, redis_server: redis.Redis, keys: Keys, home: Path) -> Services:
    dates = [d.isoformat() for d in DAYS]
    swing = 2500.0 + 100.0 * np.sin(np.arange(len(DAYS)) / 6.0)
    write_two_column_csv(csv_dir / "^RUT.csv", closes(swing, dates=dates), "^RUT")
    write_two_column_csv(csv_dir / "^GSPC.csv", closes([6000.0] * len(DAYS), dates=dates), "^GSPC")
    settings = Settings(data=f"csv:{csv_dir}", home=home, key_prefix=keys.prefix)
    return Services(settings, clock=FixedClock(NOW), redis_client=redis_server)


def make_state(services: Services) -> None:
    """What a team builds up: rules in two channels, a paused one, built-in alerts, a watched
    level, daily summaries, and a firing's claim that expires."""
    answer = services.answerer.answer
    here, there = Asker("T1", "C1", "U1"), Asker("T1", "C2", "U2")
    answer("alert add rut above 2750", asker=here)
    answer("alert add rut crosses 2400 every band 1%", asker=here)
    answer("alert add rut below 2300", asker=there)
    answer("alert pause 2", asker=here)
    answer("levels set 2650 Pivot", asker=here)
    answer("subscribe alerts", asker=there)
    answer("subscribe daily at 09:15 Europe/London", asker=here)
    answer("subscribe daily", asker=there)
    services.alert_store.claim("1-up-1", "sent 2025-12-16T21:00:00+00:00")


@pytest.fixture
def services(csv_dir: Path, redis_server: redis.Redis, keys: Keys, tmp_path: Path) -> Services:
    services = make_services(csv_dir, redis_server, keys, tmp_path / "home")
    make_state(services)
    return services


@pytest.fixture
def other_keys(redis_server: redis.Redis) -> Keys:
    keys = Keys(f"test-{uuid.uuid4().hex[:12]}:")
    yield keys
    stale = list(redis_server.scan_iter(match=f"{keys.prefix}*"))
    if stale:
        redis_server.delete(*stale)


def test_export_holds_every_kind_of_state(services: Services) -> None:
    backup = export_state(services.redis, services.keys, NOW)
    assert backup["format"] == "smallcaps-state" and backup["version"] == 1
    names = set(backup["keys"])
    assert {"alerts:rule:1", "alerts:rule:2", "alerts:rule:3"} <= names
    assert {"alerts:channel:C1", "alerts:channel:C2", "alerts:subscribed:T1"} <= names
    assert {"daily:channel:C1", "daily:channel:C2", "daily:due", "levels:T1"} <= names
    assert "alerts:sent:1-up-1" in names and "expires_at" in backup["keys"]["alerts:sent:1-up-1"]
    assert backup["keys"]["alerts:count"]["value"] == str(
        len([n for n in names if n.startswith("alerts:rule:")])
    )
    # prices, locks and job records are not state: they are fetched or made again
    assert not [n for n in names if n.startswith(("prices:", "lock:", "jobs:", "seen:"))]
    paused = json.loads(backup["keys"]["alerts:rule:2"]["value"])
    assert {leg["state"] for leg in paused["legs"]} == {"paused"}


def test_round_trip_is_exact_and_import_is_idempotent(
    services: Services, redis_server: redis.Redis, other_keys: Keys
) -> None:
    backup = json.loads(json.dumps(export_state(services.redis, services.keys, NOW)))
    restored = import_state(redis_server, other_keys, backup)
    assert restored.keys == len(backup["keys"]) and not restored.unchanged
    assert read_state(redis_server, other_keys) == backup["keys"]
    again = import_state(redis_server, other_keys, backup)
    assert again.unchanged and again.keys == len(backup["keys"])
    assert read_state(redis_server, other_keys) == backup["keys"]


def test_the_restored_state_works(
    services: Services, csv_dir: Path, redis_server: redis.Redis, other_keys: Keys, tmp_path: Path
) -> None:
    backup = export_state(services.redis, services.keys, NOW)
    import_state(redis_server, other_keys, backup)
    restored = Services(
        Settings(data=f"csv:{csv_dir}", home=tmp_path / "other", key_prefix=other_keys.prefix),
        clock=FixedClock(NOW),
        redis_client=redis_server,
    )
    here = Asker("T1", "C1", "U1")
    listing = restored.answerer.answer("subscriptions", asker=here).report
    before = services.answerer.answer("subscriptions", asker=here).report
    assert listing == before
    # the next rule id continues after the restored ones: nothing is overwritten
    added = restored.answerer.answer("alert add rut below 2300", asker=here).report
    last_id = int(backup["keys"]["alerts:next-id"]["value"])
    assert added.rules[0].id == last_id + 1  # type: ignore[attr-defined]
    assert restored.alert_store.status().rules == services.alert_store.status().rules + 1


def test_import_over_other_state_needs_replace_and_changes_nothing_without_it(
    services: Services, redis_server: redis.Redis, other_keys: Keys
) -> None:
    backup = export_state(services.redis, services.keys, NOW)
    redis_server.set(other_keys.alert_rule(99), '{"other": true}')
    redis_server.set(other_keys.alert_next_id(), "99")
    before = read_state(redis_server, other_keys)
    with pytest.raises(BackupError, match="--replace"):
        import_state(redis_server, other_keys, backup)
    assert read_state(redis_server, other_keys) == before
    replaced = import_state(redis_server, other_keys, backup, replace=True)
    assert replaced.replaced == 2
    assert read_state(redis_server, other_keys) == backup["keys"]


@pytest.mark.parametrize(
    ("backup", "message"),
    [
        ({"format": "other"}, "not a smallcaps state backup"),
        ({"format": "smallcaps-state", "version": 2, "keys": {}}, "version 2"),
        (
            {"format": "smallcaps-state", "version": 1, "keys": {"prices:^RUT": {}}},
            "not a state key",
        ),
        (
            {
                "format": "smallcaps-state",
                "version": 1,
                "keys": {"alerts:rule:1": {"type": "list", "value": []}},
            },
            "unknown type",
        ),
    ],
)
def test_a_backup_that_is_not_ours_is_refused(
    redis_server: redis.Redis, other_keys: Keys, backup: dict[str, object], message: str
) -> None:
    with pytest.raises(BackupError, match=message):
        import_state(redis_server, other_keys, backup)
    assert read_state(redis_server, other_keys) == {}


@pytest.mark.slow
def test_state_export_and_import_from_the_command_line(
    services: Services, redis_server: redis.Redis, other_keys: Keys, tmp_path: Path
) -> None:
    def run(keys: Keys, *args: str) -> subprocess.CompletedProcess[str]:
        env = {
            "REDIS_URL": redis_url_of(redis_server),
            "SMALLCAPS_KEY_PREFIX": keys.prefix,
            "SMALLCAPS_HOME": str(tmp_path / "cli"),
            "PATH": "/usr/bin:/bin",
        }
        return subprocess.run(
            [sys.executable, "-m", "bot", "state", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    exported = run(services.keys, "export")
    assert exported.returncode == 0, exported.stderr
    backup = tmp_path / "backup.json"
    backup.write_text(exported.stdout)
    assert json.loads(exported.stdout)["keys"] == read_state(redis_server, services.keys)

    first = run(other_keys, "import", str(backup))
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith(f"restored {len(json.loads(exported.stdout)['keys'])} keys")
    second = run(other_keys, "import", str(backup))
    assert second.returncode == 0 and "nothing changed" in second.stdout
    assert read_state(redis_server, other_keys) == read_state(redis_server, services.keys)

    missing = run(other_keys, "import", str(tmp_path / "none.json"))
    assert missing.returncode == 1 and "No such file" in missing.stderr


def test_installations_are_left_out_unless_asked_for_and_stay_encrypted(
    services: Services, redis_server: redis.Redis, other_keys: Keys
) -> None:
    from cryptography.fernet import Fernet
    from slack_sdk.oauth.installation_store import Installation

    from bot.slack.installations import RedisInstallationStore

    key = Fernet.generate_key().decode()
    store = RedisInstallationStore(lambda: services.redis, services.keys, key)
    store.save(Installation(user_id="U1", team_id="T1", bot_token="xoxb-secret", bot_id="B1"))
    plain = export_state(services.redis, services.keys, NOW)
    assert not [n for n in plain["keys"] if n.startswith("installs:")]
    full = json.loads(json.dumps(export_state(services.redis, services.keys, NOW, True)))
    installs = {n: e for n, e in full["keys"].items() if n.startswith("installs:")}
    assert set(installs) == {
        "installs:-:T1:bot",
        "installs:-:T1:installer",
        "installs:-:T1:installer:U1",
        "installs:workspaces",
    }
    assert "xoxb-secret" not in json.dumps(full)
    import_state(redis_server, other_keys, full)
    restored = RedisInstallationStore(lambda: redis_server, other_keys, key)
    bot = restored.bot_for_workspace("T1")
    assert bot is not None and bot.bot_token == "xoxb-secret"
    # a plain backup carrying installation keys is not one this bot wrote
    forged = {**plain, "keys": {**plain["keys"], **installs}}
    with pytest.raises(BackupError, match="not a state key"):
        import_state(redis_server, other_keys, forged, replace=True)
