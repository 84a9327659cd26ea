"""Backups of the bot's state: every key in `key_families.STATE`, as versioned JSON.

A backup names keys without the prefix, so it can be restored under another one. Each key keeps
its type (string, hash, set, sorted set) and its expiry as an absolute time. Restoring is one
MULTI/EXEC, so it lands whole or not at all, and it is idempotent: restoring the backup that
is already in place changes nothing. Restoring over different state needs `replace`, which
drops the present state keys in the same transaction.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import redis

from bot.store.key_families import INSTALLATIONS, STATE
from bot.store.keys import Keys

FORMAT = "smallcaps-state"
VERSION = 1
TYPES = ("string", "hash", "set", "zset")


class BackupError(ValueError):
    """A backup that cannot be restored: not ours, a newer version, a key that is not state."""


@dataclass(frozen=True)
class Restored:
    keys: int
    replaced: int
    """Present state keys dropped first (`replace`)."""
    unchanged: bool
    """The backup was already in place: nothing was written."""


def _text(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw


def is_state(name: str, patterns: tuple[str, ...] = STATE) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def state_keys(client: redis.Redis, keys: Keys, patterns: tuple[str, ...] = STATE) -> Iterator[str]:
    """Every state key present, without the prefix."""
    for pattern in patterns:
        for key in client.scan_iter(match=keys.prefix + pattern, count=1000):
            yield _text(key)[len(keys.prefix) :]


def read_state(
    client: redis.Redis, keys: Keys, patterns: tuple[str, ...] = STATE
) -> dict[str, dict[str, Any]]:
    """Each state key's type, value and expiry (epoch seconds), sorted by name."""
    names = sorted(set(state_keys(client, keys, patterns)))
    state: dict[str, dict[str, Any]] = {}
    for start in range(0, len(names), 500):
        chunk = names[start : start + 500]
        pipe = client.pipeline(transaction=True)
        pipe.time()
        for name in chunk:
            pipe.type(keys.prefix + name)
            pipe.pttl(keys.prefix + name)
        (seconds, micros), *found = pipe.execute()
        now_ms = seconds * 1000 + micros // 1000
        kinds = {n: _text(t) for n, t in zip(chunk, found[0::2], strict=True)}
        ttls = dict(zip(chunk, found[1::2], strict=True))
        pipe = client.pipeline(transaction=False)
        present = [n for n in chunk if kinds[n] in TYPES]
        for name in present:
            _read(pipe, kinds[name], keys.prefix + name)
        for name, value in zip(present, pipe.execute(), strict=True):
            entry: dict[str, Any] = {"type": kinds[name], "value": _plain(kinds[name], value)}
            if ttls[name] > 0:
                entry["expires_at"] = round((now_ms + ttls[name]) / 1000)
            state[name] = entry
    return state


def export_state(
    client: redis.Redis, keys: Keys, now: datetime, installations: bool = False
) -> dict[str, Any]:
    """The backup; with `installations`, the workspaces' Slack installations too (their tokens
    still encrypted with SMALLCAPS_TOKEN_KEY)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": now.astimezone(UTC).isoformat(),
        "prefix": keys.prefix,
        "installations": installations,
        "keys": read_state(client, keys, _patterns(installations)),
    }


def _patterns(installations: bool) -> tuple[str, ...]:
    return STATE + INSTALLATIONS if installations else STATE


def import_state(
    client: redis.Redis, keys: Keys, backup: dict[str, Any], replace: bool = False
) -> Restored:
    """Writes the backup's keys; BackupError when it is not a backup this version can read,
    or when other state is present and `replace` is not given."""
    wanted = _checked(backup)
    present = read_state(client, keys, _patterns(backup.get("installations") is True))
    if present == wanted:
        return Restored(len(wanted), 0, unchanged=True)
    if present and not replace:
        raise BackupError(
            f"the store already holds {len(present)} state keys that differ from the backup: "
            "restore with --replace to drop them first"
        )
    pipe = client.pipeline(transaction=True)
    for name in present:
        pipe.delete(keys.prefix + name)
    for name, entry in wanted.items():
        _write(pipe, keys.prefix + name, entry)
    pipe.execute()
    return Restored(len(wanted), len(present), unchanged=False)


def _checked(backup: dict[str, Any]) -> dict[str, dict[str, Any]]:
    if not isinstance(backup, dict) or backup.get("format") != FORMAT:
        raise BackupError("not a smallcaps state backup (its format field is missing or other)")
    if backup.get("version") != VERSION:
        raise BackupError(
            f"backup version {backup.get('version')!r}: this bot reads version {VERSION}"
        )
    entries = backup.get("keys")
    if not isinstance(entries, dict):
        raise BackupError("the backup has no keys object")
    patterns = _patterns(backup.get("installations") is True)
    for name, entry in entries.items():
        if not is_state(name, patterns):
            raise BackupError(f"{name!r} is not a state key: the backup was edited or is not ours")
        if not isinstance(entry, dict) or entry.get("type") not in TYPES:
            raise BackupError(f"{name!r}: unknown type {entry!r:.60}")
    return dict(sorted(entries.items()))


def _read(pipe: redis.client.Pipeline, kind: str, key: str) -> None:
    if kind == "string":
        pipe.get(key)
    elif kind == "hash":
        pipe.hgetall(key)
    elif kind == "set":
        pipe.smembers(key)
    else:
        pipe.zrange(key, 0, -1, withscores=True)


def _plain(kind: str, value: Any) -> Any:
    if kind == "string":
        return _text(value)
    if kind == "hash":
        return {_text(k): _text(v) for k, v in sorted(value.items())}
    if kind == "set":
        return sorted(_text(m) for m in value)
    return [[_text(m), float(s)] for m, s in value]


def _write(pipe: redis.client.Pipeline, key: str, entry: dict[str, Any]) -> None:
    kind, value = entry["type"], entry["value"]
    if not value and kind != "string":
        return  # Redis holds no empty hash, set or sorted set
    if kind == "string":
        pipe.set(key, value)
    elif kind == "hash":
        pipe.hset(key, mapping=value)
    elif kind == "set":
        pipe.sadd(key, *value)
    else:
        pipe.zadd(key, {member: score for member, score in value})
    if "expires_at" in entry:
        pipe.expireat(key, int(entry["expires_at"]))


def dumps(backup: dict[str, Any]) -> str:
    return json.dumps(backup, indent=1, sort_keys=True, ensure_ascii=False)
