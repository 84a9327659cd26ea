"""The feeds the clock watches are exactly those with a live rule, and a tick that lost the
alerts lock writes nothing."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from bot.alerts.machine import Repeat
from bot.alerts.rules import RUSSELL, Direction, Kind, Owner, RuleSpec, Target
from bot.alerts.service import AlertRuleQuery
from bot.alerts.store import LockLost
from tests.alerts.conftest import AlertsWorld, after_close, trading_days

RUT, SPX, XYZ = "^RUT", "^GSPC", "XYZ"
DAYS = trading_days("2026-01-05", 10)
ABOVE_2750 = RuleSpec(Kind.LEVEL, RUSSELL, Direction.ABOVE, 2750.0)
XYZ_ABOVE_50 = RuleSpec(Kind.LEVEL, Target((XYZ,), XYZ), Direction.ABOVE, 50.0)


def prices_until(world: AlertsWorld, sessions: int, rut: float = 2700.0) -> None:
    days = DAYS[:sessions]
    world.prices.set(RUT, days, [2700.0] * (sessions - 1) + [rut])
    world.prices.set(SPX, days, [6000.0] * sessions)
    world.prices.set(XYZ, days, [40.0] * sessions)
    world.clock.at = after_close(days[-1])


def owner(world: AlertsWorld, workspace: str = "T1", channel: str = "C1") -> Owner:
    return Owner(channel, workspace, "U1", world.clock.now())


def watched(world: AlertsWorld) -> list[str]:
    return [feed.key for feed in world.store.feeds()]


def test_a_feed_is_no_longer_watched_once_its_last_rule_is_removed(world: AlertsWorld) -> None:
    prices_until(world, 2)
    first = world.alerts.add(XYZ_ABOVE_50, owner(world)).rules[0].id
    second = world.alerts.add(XYZ_ABOVE_50, owner(world, channel="C2")).rules[0].id
    world.alerts.add(ABOVE_2750, owner(world))
    assert watched(world) == ["close:level:XYZ", "close:level:^RUT"]
    world.alerts.change(AlertRuleQuery("remove", first), "C1", "T1")
    assert watched(world) == ["close:level:XYZ", "close:level:^RUT"]  # C2's still reads it
    world.alerts.change(AlertRuleQuery("remove", second), "C2", "T1")
    assert watched(world) == ["close:level:^RUT"]
    assert world.store.lasts(world.store.feeds()).keys() == {"close:level:^RUT"}
    assert world.client.hget(world.keys.alert_lasts(), "close:level:XYZ") is None
    assert world.evaluator.tick(world.clock.now()).feeds == 1


def test_a_paused_rule_keeps_its_feed_watched(world: AlertsWorld) -> None:
    prices_until(world, 2)
    rule = world.alerts.add(XYZ_ABOVE_50, owner(world)).rules[0].id
    world.alerts.change(AlertRuleQuery("pause", rule), "C1", "T1")
    assert watched(world) == ["close:level:XYZ"]


def test_a_once_rule_that_retired_leaves_its_feed(world: AlertsWorld) -> None:
    prices_until(world, 2)
    world.alerts.add(replace(ABOVE_2750, repeat=Repeat.ONCE), owner(world))
    world.alerts.add(XYZ_ABOVE_50, owner(world))
    prices_until(world, 3, rut=2760.0)
    tick = world.evaluator.tick(world.clock.now())
    assert [m.value for m in tick.queued] == [2760.0]
    assert watched(world) == ["close:level:XYZ"]
    assert world.evaluator.tick(world.clock.now()).feeds == 1


def test_an_uninstalled_workspace_s_feeds_are_no_longer_watched(world: AlertsWorld) -> None:
    from bot.summaries.store import SummaryStore
    from bot.summaries.subscriptions import Subscriptions
    from bot.workspaces import Workspaces

    prices_until(world, 2)
    world.alerts.add(XYZ_ABOVE_50, owner(world, workspace="TGONE", channel="CGONE"))
    world.alerts.add(ABOVE_2750, owner(world, workspace="TSTAY", channel="CSTAY"))
    summaries = Subscriptions(
        SummaryStore(lambda: world.client, world.keys), world.alerts, world.clock
    )
    Workspaces(lambda: world.client, world.keys, world.alerts, summaries).forget("TGONE")
    assert watched(world) == ["close:level:^RUT"]


def test_rules_made_before_live_feeds_were_kept_are_indexed_once_then_pruned(
    world: AlertsWorld,
) -> None:
    """An upgrade: the rules exist, their live sets do not. No feed is pruned until the first
    tick has indexed every rule."""
    prices_until(world, 2)
    kept = world.alerts.add(XYZ_ABOVE_50, owner(world)).rules[0].id
    gone = world.alerts.add(XYZ_ABOVE_50, owner(world, channel="C2")).rules[0].id
    for key in world.client.scan_iter(world.keys.prefix + "alerts:live:*"):
        world.client.delete(key)
    world.client.delete(world.keys.alert_feeds_indexed())
    world.alerts.change(AlertRuleQuery("remove", gone), "C2", "T1")
    assert watched(world) == ["close:level:XYZ"]  # not pruned: the index is not complete
    restarted = world.process()
    restarted.evaluator.tick(world.clock.now())
    assert world.client.smembers(world.keys.alert_live("close:level:XYZ")) == {str(kept).encode()}
    restarted.alerts.change(AlertRuleQuery("remove", kept), "C1", "T1")
    assert watched(world) == []


def test_a_tick_that_outlived_the_alerts_lock_writes_nothing(
    world: AlertsWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lock expires after LOCK_SECONDS: a tick slower than that must not overwrite what
    an `alert pause` did after taking the lock in the meantime."""
    prices_until(world, 2)
    rule = world.alerts.add(ABOVE_2750, owner(world)).rules[0].id
    prices_until(world, 3, rut=2760.0)
    other = world.process()
    paused = threading.Event()
    walk = world.evaluator.advance

    def slow_advance(*args: object, **kwargs: object) -> object:
        # The lock runs out while this tick computes; a user pauses the rule meanwhile.
        world.client.delete(world.keys.alerts_lock())
        other.alerts.change(AlertRuleQuery("pause", rule), "C1", "T1")
        paused.set()
        return walk(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(world.evaluator, "advance", slow_advance)
    with pytest.raises(LockLost):
        world.evaluator.tick(world.clock.now())
    assert paused.is_set()
    assert world.store.outbox() == {}
    stored = world.store.rule(rule)
    assert stored is not None and {str(leg.state) for leg in stored.legs} == {"paused"}
