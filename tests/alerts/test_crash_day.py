"""A crash day: one tick crosses hundreds of rules, in many workspaces, at once. Each ends where
it would alone, the tick takes as many round trips to Redis, and its transaction as many
commands, for hundreds of rules as for a few, and the cycle collector waits until it is done."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, cast

import pytest
import redis
from redis.client import Pipeline
from redis.connection import AbstractConnection

from bot.alerts.encoding import load_message
from bot.alerts.machine import Repeat, State
from bot.alerts.rules import RUSSELL, AlertRule, Direction, Kind, Owner, RuleSpec, fresh_legs
from bot.analytics.levels import WatchedLevel
from tests.alerts.conftest import AlertsWorld, after_close, trading_days

RUT, SPX = "^RUT", "^GSPC"
DAYS = trading_days("2026-03-02", 3)
FEED = "close:level:^RUT"


def rules_below(world: AlertsWorld, count: int, repeat: Repeat = Repeat.EVERY) -> list[AlertRule]:
    """`count` rules `^RUT below` 2,600 up to 2,600 + count - 1, saved as new, made in turn by
    50 workspaces."""
    made = []
    for n in range(count):
        spec = RuleSpec(Kind.LEVEL, RUSSELL, Direction.BELOW, 2600.0 + n, repeat=repeat)
        owner = Owner(f"C{n % 70}", f"T{n % 50}", "U1", world.clock.now())
        made.append(AlertRule(world.store.next_id(), spec, owner, fresh_legs(spec)))
    world.store.save(made, new=True)
    return made


def close(world: AlertsWorld, values: list[float]) -> list[str]:
    """The Russell 2000 closes `values` on the first sessions, then a tick: the firings."""
    days = DAYS[: len(values)]
    world.prices.set(RUT, days, values)
    world.prices.set(SPX, days, [6000.0] * len(values))
    world.clock.at = after_close(days[-1])
    return [m.firing for m in world.evaluator.tick(world.clock.now()).queued]


def members(world: AlertsWorld, key: str) -> set[int]:
    return {int(m) for m in world.client.smembers(key)}


def indexed(world: AlertsWorld, watching: str) -> dict[int, float]:
    key = world.keys.alert_index(watching, "down", FEED)
    entries = cast(list[tuple[bytes, float]], world.client.zrange(key, 0, -1, withscores=True))
    return {int(member): score for member, score in entries}


def test_a_crash_fires_every_rule_it_crosses_once_and_leaves_each_where_it_would_alone(
    world: AlertsWorld,
) -> None:
    every = rules_below(world, 150)
    once = rules_below(world, 150, Repeat.ONCE)
    close(world, [3000.0])
    fired = close(world, [3000.0, 2400.0])
    assert len(fired) == len(set(fired)) == 300
    assert len(world.store.outbox()) == 300
    saved = {rule.id: rule for rule in world.store.rules(r.id for r in every + once)}
    for rule in every:
        (leg,) = saved[rule.id].legs
        assert (leg.state, leg.fired, leg.last_fired) == (State.FIRED, 1, DAYS[1])
    for rule in once:
        assert [leg.state for leg in saved[rule.id].legs] == [State.RETIRED]
    assert members(world, world.keys.alert_live(FEED)) == {r.id for r in every}
    assert indexed(world, "band") == {r.id: r.legs[0].rearm_at for r in every}
    assert indexed(world, "cross") == {}
    assert FEED in {f.key for f in world.store.feeds()}
    assert close(world, [3000.0, 2400.0, 2390.0]) == []


def test_a_crash_that_retires_every_rule_of_a_feed_stops_watching_it(world: AlertsWorld) -> None:
    once = rules_below(world, 40, Repeat.ONCE)
    close(world, [3000.0])
    assert len(close(world, [3000.0, 2400.0])) == len(once)
    assert members(world, world.keys.alert_live(FEED)) == set()
    assert world.store.feeds() == []


@pytest.fixture
def transactions(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The number of commands in each MULTI/EXEC sent."""
    sizes: list[int] = []
    execute = Pipeline.execute

    def counted(self: Pipeline, raise_on_error: bool = True) -> list[object]:
        if vars(self).get("transaction"):  # the flag, not the method of that name
            sizes.append(len(self.command_stack))
        return execute(self, raise_on_error)

    monkeypatch.setattr(Pipeline, "execute", counted)
    yield sizes


@pytest.mark.parametrize("repeat", [Repeat.EVERY, Repeat.ONCE])
def test_the_tick_s_transaction_holds_as_many_commands_for_300_crossed_rules_as_for_3(
    world: AlertsWorld, transactions: list[int], repeat: Repeat
) -> None:
    sizes = []
    for count in (3, 300):
        stale = world.client.keys(f"{world.keys.prefix}*")
        if stale:
            world.client.delete(*stale)
        rules_below(world, count, repeat)
        close(world, [3000.0])
        transactions.clear()
        assert len(close(world, [3000.0, 2400.0])) == count
        sizes.append(transactions[-1])
    assert sizes[0] == sizes[1], sizes


def test_a_rule_saved_twice_in_one_write_ends_as_its_last_version(world: AlertsWorld) -> None:
    (rule,) = rules_below(world, 1)
    retired = replace(rule, legs=tuple(replace(leg, state=State.RETIRED) for leg in rule.legs))
    world.store.save([retired, rule])
    assert members(world, world.keys.alert_live(FEED)) == {rule.id}
    world.store.save([rule, retired])
    assert members(world, world.keys.alert_live(FEED)) == set()


def test_each_alert_of_a_crash_names_its_own_workspace_s_next_watched_level(
    world: AlertsWorld,
) -> None:
    rules_below(world, 100)
    world.evaluator.watched.set("T0", 2300.0, "Floor")
    close(world, [3000.0])
    close(world, [3000.0, 2400.0])
    messages = [load_message(raw) for raw in world.store.outbox().values()]
    assert len(messages) == 100
    for message in messages:
        floor = WatchedLevel(2300.0, "Floor") if message.workspace == "T0" else None
        assert message.next_level == floor, message.workspace


@pytest.fixture
def round_trips(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """One entry for each time a command or a pipeline was sent to Redis."""
    sent: list[int] = []
    send = AbstractConnection.send_packed_command

    def counted(self: AbstractConnection, command: Any, check_health: bool = True) -> None:
        sent.append(1)
        send(self, command, check_health)  # type: ignore[no-untyped-call]

    # TCP and Unix-socket connections alike
    monkeypatch.setattr(AbstractConnection, "send_packed_command", counted)
    yield sent


def test_a_tick_takes_as_many_round_trips_for_300_crossed_rules_as_for_3(
    world: AlertsWorld, round_trips: list[int]
) -> None:
    trips = []
    for count in (3, 300):
        stale = world.client.keys(f"{world.keys.prefix}*")
        if stale:
            world.client.delete(*stale)
        rules_below(world, count)
        close(world, [3000.0])
        round_trips.clear()
        assert len(close(world, [3000.0, 2400.0])) == count
        trips.append(len(round_trips))
    assert trips[0] == trips[1], trips


def test_a_tick_runs_without_the_cycle_collector_and_gives_it_back_even_when_it_fails(
    world: AlertsWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules_below(world, 5)
    close(world, [3000.0])
    collecting: list[bool] = []
    save = world.store.save

    def saved(*args: Any, **kwargs: Any) -> None:
        collecting.append(gc.isenabled())
        save(*args, **kwargs)

    monkeypatch.setattr(world.store, "save", saved)
    assert len(close(world, [3000.0, 2400.0])) == 5
    assert collecting == [False] and gc.isenabled()

    def broken(*args: Any, **kwargs: Any) -> None:
        raise redis.ConnectionError("Redis went away")

    monkeypatch.setattr(world.store, "save", broken)
    with pytest.raises(redis.ConnectionError):
        close(world, [3000.0, 2400.0, 2300.0])
    assert gc.isenabled()
    gc.disable()
    try:
        with pytest.raises(redis.ConnectionError):
            close(world, [3000.0, 2400.0, 2300.0])
        assert not gc.isenabled()  # a process that turned it off keeps it off
    finally:
        gc.enable()
