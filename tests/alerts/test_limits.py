"""What a workspace may make: rules per workspace and distinct symbols of its own (outside the
universe) that its rules watch; each refusal says the limit and how to free room."""

from __future__ import annotations

import pytest

from bot.alerts.rules import Direction, Kind, Owner, RuleSpec, Target
from bot.alerts.service import AlertRuleQuery, WorkspaceFull
from tests.alerts.conftest import AlertsWorld
from tests.alerts.test_evaluation import ABOVE_2750, DAYS, closes_until, owner


def _level(symbol: str, level: float = 100.0) -> RuleSpec:
    return RuleSpec(Kind.LEVEL, Target((symbol,), symbol.lower()), Direction.ABOVE, level)


def _with_prices(world: AlertsWorld, *symbols: str) -> None:
    closes_until(world, [2700, 2740])
    for symbol in symbols:
        world.prices.set(symbol, DAYS[:2], [90.0, 95.0])


def test_a_workspace_has_a_limit_on_rules_in_all_its_channels(world: AlertsWorld) -> None:
    _with_prices(world)
    world.alerts.per_workspace = 2
    world.alerts.add(ABOVE_2750, owner(world, "C1"))
    world.alerts.add(ABOVE_2750, owner(world, "C2"))
    with pytest.raises(WorkspaceFull, match="this workspace has 2 alert rules, the most") as error:
        world.alerts.add(ABOVE_2750, owner(world, "C3"))
    assert "remove one first, in any channel" in error.value.message
    assert world.alerts.listing("C3", "T1").rules == []
    # another workspace has its own room
    world.alerts.add(ABOVE_2750, Owner("C3", "T2", "U9", world.clock.now()))

    rule_id = world.alerts.listing("C1", "T1").rules[0].id
    world.alerts.change(AlertRuleQuery("remove", rule_id), "C1", "T1")
    world.alerts.add(ABOVE_2750, owner(world, "C3"))


def test_a_workspace_has_a_limit_on_symbols_of_its_own(world: AlertsWorld) -> None:
    _with_prices(world, "AAA", "BBB", "CCC")
    world.alerts.symbols_per_workspace = 2
    world.alerts.add(_level("AAA"), owner(world, "C1"))
    world.alerts.add(_level("BBB"), owner(world, "C2"))
    world.alerts.add(_level("AAA", 120.0), owner(world, "C2"))  # a symbol it watches already
    world.alerts.add(ABOVE_2750, owner(world, "C1"))  # the universe's: no limit

    with pytest.raises(WorkspaceFull, match=r"watch 2 symbols of their own \(AAA, BBB\)") as error:
        world.alerts.add(_level("CCC"), owner(world, "C1"))
    assert "remove the rules on one of them to watch CCC" in error.value.message
    world.alerts.add(_level("CCC"), Owner("C5", "T2", "U9", world.clock.now()))

    for rule in world.alerts.listing("C2", "T1").rules:
        world.alerts.change(AlertRuleQuery("remove", rule.id), "C2", "T1")  # BBB is freed
    world.alerts.add(_level("CCC"), owner(world, "C1"))
