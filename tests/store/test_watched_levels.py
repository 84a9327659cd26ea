"""Watched levels per workspace in Redis: the defaults until edited, edits kept whole."""

from __future__ import annotations

import pytest
import redis

from bot.analytics.levels import WatchedLevel
from bot.errors import UserFacingError
from bot.store.keys import Keys
from bot.watched_levels import DEFAULT_WATCHED, MAX_WATCHED, WatchedLevelsStore


@pytest.fixture
def store(redis_server: redis.Redis, keys: Keys) -> WatchedLevelsStore:
    return WatchedLevelsStore(lambda: redis_server, keys)


def values(levels: tuple[WatchedLevel, ...]) -> list[float]:
    return [level.value for level in levels]


def test_defaults_until_a_workspace_edits(store: WatchedLevelsStore) -> None:
    assert store.levels("T1", "rut") == DEFAULT_WATCHED["rut"]
    assert store.levels(None, "rut") == DEFAULT_WATCHED["rut"]
    assert store.levels("T1", "spx") == ()


def test_set_keeps_the_defaults_and_adds(store: WatchedLevelsStore) -> None:
    after = store.set("T1", 2900.0, "Stretch")
    assert values(after) == [2600.0, 2640.0, 2750.0, 2850.0, 2900.0]
    assert WatchedLevel(2900.0, "Stretch") in after
    assert store.levels("T2", "rut") == DEFAULT_WATCHED["rut"]  # other workspaces unchanged
    relabelled = store.set("T1", 2750.0, "2024 high")
    assert WatchedLevel(2750.0, "2024 high") in relabelled
    assert len(relabelled) == 5


def test_removing_a_default_sticks(store: WatchedLevelsStore) -> None:
    assert store.remove("T1", 2600.0) is True
    assert values(store.levels("T1", "rut")) == [2640.0, 2750.0, 2850.0]
    assert store.remove("T1", 2600.0) is False
    for value in (2640.0, 2750.0, 2850.0):
        store.remove("T1", value)
    assert store.levels("T1", "rut") == ()  # all removed: not back to the defaults


def test_a_workspace_watches_a_bounded_number_of_levels(store: WatchedLevelsStore) -> None:
    for n in range(MAX_WATCHED - len(DEFAULT_WATCHED["rut"])):
        store.set("T1", 3000.0 + n, f"L{n}")
    assert len(store.levels("T1", "rut")) == MAX_WATCHED
    with pytest.raises(UserFacingError, match=f"at most {MAX_WATCHED}"):
        store.set("T1", 9999.0, "one too many")
    store.set("T1", 3000.0, "relabel is fine")  # an existing level can still be relabelled


def test_workspace_ids_cannot_form_other_keys(store: WatchedLevelsStore) -> None:
    with pytest.raises(ValueError, match="not a workspace id"):
        store.levels("T1:prices:^RUT", "rut")


def test_many_workspaces_levels_are_read_at_once_each_as_alone(store: WatchedLevelsStore) -> None:
    store.set("T1", 2900.0, "Stretch")
    store.remove("T2", 2600.0)
    read = store.russell_levels(["T1", "T2", "T3", "T1"])
    assert read == {w: store.levels(w, "rut") for w in ("T1", "T2", "T3")}
    assert read["T3"] == DEFAULT_WATCHED["rut"]
    assert store.russell_levels([]) == {}
