"""The levels each workspace watches on the Russell 2000: the defaults until it edits them.

Stored per workspace in one Redis hash (`value -> label`); the first edit copies the defaults in
the same transaction, so removing a default works and no edit is half-applied.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import redis

from bot.analytics.levels import WatchedLevel
from bot.errors import UserFacingError
from bot.store.keys import Keys


@dataclass(frozen=True)
class WatchedLevelsReport:
    """A workspace's watched levels after a change: `action` is "set" or "removed"."""

    key: str
    action: str
    value: float
    label: str | None
    watched: list[WatchedLevel]


EDITABLE_KEY = "rut"
MAX_WATCHED = 20
_EDITED = "_edited"

DEFAULT_WATCHED: dict[str, tuple[WatchedLevel, ...]] = {
    "rut": (
        WatchedLevel(2600.0, "Support"),
        WatchedLevel(2640.0, "Breakout"),
        WatchedLevel(2750.0, "Resistance"),
        WatchedLevel(2850.0, "Major resistance"),
    ),
}


def _field(value: float) -> str:
    return f"{value:.2f}"


def _text(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw


def _watched(stored: Mapping[bytes | str, bytes | str]) -> tuple[WatchedLevel, ...]:
    """A workspace's Russell 2000 levels from its hash: the defaults until it edited them."""
    if not stored:
        return DEFAULT_WATCHED[EDITABLE_KEY]
    found = [
        WatchedLevel(float(_text(value)), _text(label))
        for value, label in stored.items()
        if _text(value) != _EDITED
    ]
    return tuple(sorted(found, key=lambda level: level.value))


class WatchedLevelsStore:
    def __init__(self, redis_client: Callable[[], redis.Redis], keys: Keys) -> None:
        self._redis = redis_client
        self.keys = keys

    def levels(self, workspace: str | None, key: str) -> tuple[WatchedLevel, ...]:
        """The levels watched on `key`: a workspace's own for the Russell 2000, else defaults."""
        defaults = DEFAULT_WATCHED.get(key, ())
        if workspace is None or key != EDITABLE_KEY:
            return defaults
        return _watched(self._redis().hgetall(self.keys.watched_levels(workspace)))

    def russell_levels(self, workspaces: Iterable[str]) -> dict[str, tuple[WatchedLevel, ...]]:
        """The Russell 2000 levels each of `workspaces` watches, read in one round trip
        however many (a crash day's alerts reach thousands at once)."""
        workspaces = list(dict.fromkeys(workspaces))
        pipe = self._redis().pipeline(transaction=False)
        for workspace in workspaces:
            pipe.hgetall(self.keys.watched_levels(workspace))
        stored = pipe.execute() if workspaces else []
        return {w: _watched(levels) for w, levels in zip(workspaces, stored, strict=True)}

    def set(self, workspace: str, value: float, label: str) -> tuple[WatchedLevel, ...]:
        def change(pipe: redis.client.Pipeline) -> None:
            existing = pipe.hlen(key)
            if existing - 1 >= MAX_WATCHED and not pipe.hexists(key, _field(value)):
                raise UserFacingError(
                    f"a workspace watches at most {MAX_WATCHED} levels: remove one first",
                    "levels remove 2600",
                )
            pipe.multi()
            self._copy_defaults(pipe, key, existing)
            pipe.hset(key, _field(value), label)

        key = self.keys.watched_levels(workspace)
        self._redis().transaction(change, key)
        return self.levels(workspace, EDITABLE_KEY)

    def remove(self, workspace: str, value: float) -> bool:
        """Stops watching `value`; False when it was not watched."""
        key = self.keys.watched_levels(workspace)
        watched = {level.value for level in self.levels(workspace, EDITABLE_KEY)}
        if round(value, 2) not in {round(v, 2) for v in watched}:
            return False

        def change(pipe: redis.client.Pipeline) -> None:
            existing = pipe.hlen(key)
            pipe.multi()
            self._copy_defaults(pipe, key, existing)
            pipe.hdel(key, _field(value))

        self._redis().transaction(change, key)
        return True

    def _copy_defaults(self, pipe: redis.client.Pipeline, key: str, existing: int) -> None:
        if existing:
            return
        mapping: dict[str | bytes, str] = {_EDITED: "1"}
        mapping.update(
            {_field(level.value): level.label for level in DEFAULT_WATCHED[EDITABLE_KEY]}
        )
        pipe.hset(key, mapping=mapping)  # type: ignore[arg-type]
