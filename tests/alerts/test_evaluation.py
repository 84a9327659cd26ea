"""Ticks against a real Redis: present side, exactly once under races, late and stale, pause,
the range query, and replay equal to live evaluation."""

from __future__ import annotations

import itertools
import threading
from dataclasses import replace
from datetime import timedelta

import numpy as np
import pytest

from bot.alerts.encoding import load_message
from bot.alerts.replay import replay
from bot.alerts.rules import (
    RATE_PATH,
    RUSSELL,
    SMALL_VS_LARGE,
    Basis,
    Direction,
    Kind,
    Owner,
    RuleSpec,
)
from bot.alerts.service import AlertRuleQuery
from bot.commands.alert import alert_list_document, alert_test_document
from bot.errors import UserFacingError
from bot.render.alert import alert_document
from bot.render.text import document_text
from bot.trading_calendar import session_open
from tests.alerts.conftest import AlertsWorld, after_close, trading_days

RUT, SPX = "^RUT", "^GSPC"
DAYS = trading_days("2026-01-05", 40)
ABOVE_2750 = RuleSpec(Kind.LEVEL, RUSSELL, Direction.ABOVE, 2750.0)


def closes_until(world: AlertsWorld, values: list[float]) -> None:
    """RUT closes on the first len(values) sessions (and a flat S&P 500); now is after the last."""
    days = (
        DAYS[: len(values)] if len(values) <= len(DAYS) else trading_days("2026-01-05", len(values))
    )
    world.prices.set(RUT, days, values)
    world.prices.set(SPX, days, [6000.0] * len(values))
    world.clock.at = after_close(days[-1])


def owner(world: AlertsWorld, channel: str = "C1") -> Owner:
    return Owner(channel, "T1", "U1", world.clock.now())


def fired_values(world: AlertsWorld) -> list[float]:
    return [m.value for m in world.evaluator.tick(world.clock.now()).queued]


def test_a_new_rule_waits_for_the_next_cross(world: AlertsWorld) -> None:
    closes_until(world, [2700, 2760])
    added = world.alerts.add(ABOVE_2750, owner(world))
    assert added.present is not None and "already above 2,750 (" in added.present
    closes_until(world, [2700, 2760, 2770])
    assert fired_values(world) == []
    closes_until(world, [2700, 2760, 2770, 2740, 2755])
    assert fired_values(world) == [2755]
    assert len(world.store.outbox()) == 1


def test_three_evaluators_racing_on_one_tick_queue_it_once(world: AlertsWorld) -> None:
    closes_until(world, [2700, 2740])
    world.alerts.add(ABOVE_2750, owner(world))
    closes_until(world, [2700, 2740, 2760])
    processes = [world.process() for _ in range(3)]
    start = threading.Barrier(3)
    queued: list[int] = []

    def evaluate(process: AlertsWorld) -> None:
        start.wait()
        queued.append(len(process.evaluator.tick(world.clock.now()).queued))

    threads = [threading.Thread(target=evaluate, args=(p,)) for p in processes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(queued) == [0, 0, 1]
    assert len(world.store.outbox()) == 1


def test_a_cross_while_the_bot_was_down_fires_once_on_return_marked_late(
    world: AlertsWorld,
) -> None:
    closes_until(world, [2700, 2740])
    world.alerts.add(ABOVE_2750, owner(world))
    # The process stops; two sessions later a new one starts: the cross happened in between.
    restarted = world.process()
    closes_until(world, [2700, 2740, 2760, 2765])
    queued = restarted.evaluator.tick(world.clock.now()).queued
    assert [(m.value, m.session, m.late) for m in queued] == [(2760, DAYS[2], True)]
    assert restarted.evaluator.tick(world.clock.now()).queued == []


def test_a_cross_found_on_time_is_not_late(world: AlertsWorld) -> None:
    closes_until(world, [2700, 2740])
    world.alerts.add(ABOVE_2750, owner(world))
    closes_until(world, [2700, 2740, 2760])
    assert [m.late for m in world.evaluator.tick(world.clock.now()).queued] == [False]


def test_stale_prices_in_market_hours_fire_nothing(world: AlertsWorld) -> None:
    intraday = replace(ABOVE_2750, basis=Basis.INTRADAY)
    closes_until(world, [2700, 2740])
    world.alerts.add(intraday, owner(world))
    today = DAYS[2]
    world.clock.at = session_open(today) + timedelta(hours=3)
    world.prices.set(RUT, DAYS[:3], [2700, 2740, 2760])
    world.prices.set(SPX, DAYS[:3], [6000.0] * 3)
    world.prices.fetched_at = world.clock.at - timedelta(hours=1)
    tick = world.evaluator.tick(world.clock.now())
    assert tick.queued == []
    assert "60 min old" in tick.held
    assert "60 min old" in world.store.status().held
    world.prices.fetched_at = world.clock.at - timedelta(minutes=5)
    tick = world.evaluator.tick(world.clock.now())
    assert [(m.value, m.late) for m in tick.queued] == [(2760, False)]
    assert world.store.status().held == ""


def test_a_paused_rule_stays_silent_and_resumes_from_the_present(world: AlertsWorld) -> None:
    closes_until(world, [2700, 2740])
    rule_id = world.alerts.add(ABOVE_2750, owner(world)).rules[0].id
    world.alerts.change(AlertRuleQuery("pause", rule_id), "C1", "T1")
    closes_until(world, [2700, 2740, 2760])
    assert fired_values(world) == []
    world.alerts.change(AlertRuleQuery("resume", rule_id), "C1", "T1")
    closes_until(world, [2700, 2740, 2760, 2770])
    assert fired_values(world) == []  # above already when resumed: no cross since
    closes_until(world, [2700, 2740, 2760, 2770, 2730, 2751])
    assert fired_values(world) == [2751]


def test_a_tick_reads_only_the_rules_between_the_two_prices(world: AlertsWorld) -> None:
    closes_until(world, [2700, 2700])
    for level in (2600, 2710, 2720, 2730, 2800):
        world.alerts.add(replace(ABOVE_2750, level=float(level)), owner(world))
    spans = world.store.candidates({"close:level:^RUT": (2700.0, 2725.0)})
    assert sorted(r.spec.level for r in spans["close:level:^RUT"]) == [2710, 2720]
    closes_until(world, [2700, 2700, 2725])
    assert sorted(m.level for m in world.evaluator.tick(world.clock.now()).queued) == [2710, 2720]


def test_rules_belong_to_their_channel(world: AlertsWorld) -> None:
    closes_until(world, [2700, 2740])
    rule_id = world.alerts.add(ABOVE_2750, owner(world, "C1")).rules[0].id
    with pytest.raises(UserFacingError, match=f"no rule {rule_id} in this channel"):
        world.alerts.change(AlertRuleQuery("remove", rule_id), "C2", "T1")
    with pytest.raises(UserFacingError, match="already watches that"):
        world.alerts.add(ABOVE_2750, owner(world, "C1"))
    world.alerts.add(ABOVE_2750, owner(world, "C2"))  # the same rule elsewhere is another rule
    closes_until(world, [2700, 2740, 2760])
    assert sorted(m.channel for m in world.evaluator.tick(world.clock.now()).queued) == ["C1", "C2"]


def test_a_channel_has_a_limit_on_rules(world: AlertsWorld) -> None:
    closes_until(world, [2700, 2740])
    world.alerts.limit = 2
    for level in (2750, 2760):
        world.alerts.add(replace(ABOVE_2750, level=float(level)), owner(world))
    with pytest.raises(UserFacingError, match="the most it can have"):
        world.alerts.add(replace(ABOVE_2750, level=2770.0), owner(world))
    assert len(world.alerts.listing("C1", "T1").rules) == 2


def test_removed_rules_leave_the_index(world: AlertsWorld) -> None:
    closes_until(world, [2700, 2740])
    rule_id = world.alerts.add(ABOVE_2750, owner(world)).rules[0].id
    world.alerts.change(AlertRuleQuery("remove", rule_id), "C1", "T1")
    closes_until(world, [2700, 2740, 2760])
    assert fired_values(world) == []
    assert world.alerts.listing("C1", "T1").rules == []


def test_the_outbox_keeps_the_whole_message(world: AlertsWorld) -> None:
    closes_until(world, [2700, 2740])
    world.alerts.add(ABOVE_2750, owner(world))
    closes_until(world, [2700, 2740, 2760])
    (queued,) = world.evaluator.tick(world.clock.now()).queued
    (raw,) = world.store.outbox().values()
    assert load_message(raw) == queued
    assert queued.previous_price == 2740 and queued.price == 2760
    assert queued.next_level is not None and queued.next_level.value == 2850.0


@pytest.mark.parametrize(
    "spec",
    [
        RuleSpec(Kind.LEVEL, RUSSELL, Direction.CROSSES, 1000.0),
        RuleSpec(Kind.LEVEL, RUSSELL, Direction.ABOVE, 1010.0, band_pct=1.0, cooldown_sessions=3),
        RuleSpec(Kind.MOVE, RUSSELL, Direction.ABOVE, 1.5, basis=Basis.CLOSE),
        RuleSpec(Kind.MOVE, RUSSELL, Direction.ABOVE, 0.4, basis=Basis.CLOSE),
    ],
    ids=["crosses", "above-band-cooldown", "move", "move-below-the-band"],
)
def test_replay_fires_where_live_evaluation_does(world: AlertsWorld, spec: RuleSpec) -> None:
    days = trading_days("2026-01-05", 160)
    noise = np.random.default_rng(7).normal(0.0, 12.0, len(days))
    values = list(1000.0 + 30.0 * np.sin(np.arange(len(days)) / 5.0) + noise)
    closes_until(world, values[:2])
    world.alerts.add(spec, owner(world))
    live = []
    for n in range(3, len(days) + 1):
        closes_until(world, values[:n])
        live += [(m.session, m.value) for m in world.evaluator.tick(world.clock.now()).queued]
    # made after days[1]'s close, the live rule first counts days[2]: so does a replay from it
    replayed = replay(spec, world.prices.closes_by_symbol, days[2], days[-1])
    assert live, "the path should cross the rule at least once"
    assert [f.date for f in replayed.firings] == [day for day, _ in live]


def test_record_closes_fire_on_each_record_live_and_in_replay(world: AlertsWorld) -> None:
    days = trading_days("2026-01-05", 60)
    values = [1000.0 + 3.0 * n + 25.0 * np.sin(n / 4.0) for n in range(len(days))]
    records = [days[n] for n in range(1, len(days)) if values[n] > max(values[:n])]
    consecutive = [b for a, b in itertools.pairwise(records) if days.index(b) == days.index(a) + 1]
    assert consecutive, "the path should set records on consecutive sessions"
    spec = RuleSpec(Kind.ALL_TIME_HIGH, RUSSELL, Direction.ABOVE, 0.0)
    closes_until(world, values[:2])
    world.alerts.add(spec, owner(world))
    live = []
    for n in range(3, len(days) + 1):
        closes_until(world, values[:n])
        live += [m.session for m in world.evaluator.tick(world.clock.now()).queued]
    assert live == [d for d in records if d > days[1]]
    replayed = replay(spec, world.prices.closes_by_symbol, days[2], days[-1])
    assert [f.date for f in replayed.firings] == live


def test_a_move_alert_is_measured_from_the_previous_close(world: AlertsWorld) -> None:
    move = RuleSpec(Kind.MOVE, RUSSELL, Direction.ABOVE, 1.0, basis=Basis.CLOSE)
    closes_until(world, [2700, 2705])
    world.alerts.add(move, owner(world))
    closes_until(world, [2700, 2705, 2650])
    (alert,) = world.evaluator.tick(world.clock.now()).queued
    assert (alert.previous_price, alert.price) == (2705, 2650)
    text = document_text(alert_document(alert))
    assert "Russell 2000 fell 2.03% on the day" in text
    assert "from the previous close of 2,705.00 (-2.03%)" in text
    assert "re-arms at the next session" in text


def test_a_move_met_at_the_precision_shown_fires_live_and_in_replay(world: AlertsWorld) -> None:
    """100 to 100.5 is 0.4999999999999893% in floating point and is shown as 0.50%: the
    confirmation calls it past 0.5%, and such a day fires, live and in a replay alike."""
    move = RuleSpec(Kind.MOVE, RUSSELL, Direction.ABOVE, 0.5, basis=Basis.CLOSE)
    closes_until(world, [100.0, 100.5])
    added = world.alerts.add(move, owner(world))
    assert added.present is not None and "0.50% on" in added.present
    assert "already past 0.5%" in added.present
    closes_until(world, [100.0, 100.5, 100.0, 100.5])
    fired = [m.session for m in world.evaluator.tick(world.clock.now()).queued]
    assert fired == DAYS[2:4]
    replayed = replay(move, world.prices.closes_by_symbol, DAYS[2], DAYS[3])
    assert [f.date for f in replayed.firings] == fired


def test_a_spread_keeps_its_sign_when_added_posted_and_replayed(world: AlertsWorld) -> None:
    """Small caps falling 2% while large ones are flat is a spread of -2 pts: the rule fires
    on its size, and every place that reports it gives it with its sign."""
    spread = RuleSpec(Kind.SPREAD, SMALL_VS_LARGE, Direction.ABOVE, 1.5, basis=Basis.CLOSE)
    closes_until(world, [2500.0, 2450.0])
    added = world.alerts.add(spread, owner(world))
    assert added.present is not None
    assert added.present.startswith("Small minus large was -2.00 pts on")
    closes_until(world, [2500.0, 2450.0, 2401.0])
    (fired,) = world.evaluator.tick(world.clock.now()).queued
    assert fired.figure == pytest.approx(-2.0)
    (stored,) = world.store.outbox().values()
    assert load_message(stored).figure == fired.figure
    assert document_text(alert_document(fired)).startswith(
        "Small minus large: -2.00 pts on the day"
    )
    replayed = replay(spread, world.prices.closes_by_symbol, DAYS[1], DAYS[2])
    assert [f.change for f in replayed.firings] == [pytest.approx(-2.0)] * 2
    table = document_text(alert_test_document(replayed))
    assert "-2.00 pts" in table and "+2.00" not in table


def test_the_alert_and_the_list_say_the_same_about_re_arming(world: AlertsWorld) -> None:
    rules = {
        "re-arms once below 2,736.25": ABOVE_2750,
        "re-arms at the next session": RuleSpec(
            Kind.MOVE, RUSSELL, Direction.ABOVE, 0.4, basis=Basis.CLOSE
        ),
        "re-arms when the streak ends": RuleSpec(Kind.STREAK, SMALL_VS_LARGE, Direction.ABOVE, 2.0),
    }
    closes_until(world, [2700, 2690])
    for spec in rules.values():
        world.alerts.add(spec, owner(world))
    closes_until(world, [2700, 2690, 2760, 2800])
    queued = world.evaluator.tick(world.clock.now()).queued
    posted = {m.rule: document_text(alert_document(m)) for m in queued}
    listing = document_text(alert_list_document(world.alerts.listing("C1", "T1")))
    assert len(posted) == 3
    for words, spec in rules.items():
        assert words in posted[spec.describe()], spec
        assert words in listing, spec


# --- the rate path ------------------------------------------------------------------------------


def _fed_world(world: AlertsWorld, days: list, jan: list[float]) -> None:
    """December meets on the 9th, January on the 27th, February not: the cuts priced for 2026
    follow December's contract and January's (see tests/analytics/test_fedwatch.py)."""
    world.prices.set("fred:EFFR", days, [3.88] * len(days))
    world.prices.set("ZQZ26.CBT", days, [96.2065] * len(days))
    world.prices.set("ZQF27.CBT", days, jan)
    world.prices.set("ZQG27.CBT", days, [96.40] * len(days))
    world.prices.set(RUT, days, [2500.0] * len(days))
    world.prices.set(SPX, days, [6000.0] * len(days))
    world.clock.at = after_close(days[-1])


def test_a_rate_cuts_rule_fires_when_a_day_moves_the_cuts_priced_by_its_threshold(
    world: AlertsWorld,
) -> None:
    """December's cuts priced (its end rate) follow its contract only: with January's price
    moving, the year's cuts stay put, so the rule is silent; then December's contract jumps."""
    days = trading_days("2026-11-23", 6)
    _fed_world(world, days[:3], [96.30] * 3)
    spec = RuleSpec(Kind.RATE_CUTS, RATE_PATH, Direction.ABOVE, 0.25, Basis.CLOSE)
    added = world.alerts.add(spec, owner(world))
    assert added.present is not None and "cuts priced for the year moved +0.00" in added.present

    _fed_world(world, days[:4], [96.30, 96.30, 96.30, 96.60])
    assert fired_values(world) == []  # January moved; the cuts priced for 2026 did not

    _fed_world(world, days[:5], [96.30] * 5)
    world.prices.set("ZQZ26.CBT", days[:5], [96.2065] * 4 + [96.30])
    (fired,) = world.evaluator.tick(world.clock.now()).queued
    # December's end rate from 96.30: (31 x 3.70 - 9 x 3.88) / 22 = 3.626364, against
    # 3.758114 before: 0.527 more cuts priced (hand arithmetic, as in test_fedwatch.py).
    assert fired.value == pytest.approx(0.527, abs=1e-3)
    assert fired.price == pytest.approx((3.88 - 3.626364) / 0.25, abs=1e-4)
    text = document_text(alert_document(fired))
    assert text.startswith("Fed cuts priced for the year moved +0.53 on the day, 1.01 now")
    assert "1.01 cuts priced for the year at" in text and "from 0.49 the session before" in text


def test_a_rate_cuts_rule_replays_over_recorded_contracts(world: AlertsWorld) -> None:
    days = trading_days("2026-11-23", 6)
    _fed_world(world, days, [96.30] * 6)
    world.prices.set("ZQZ26.CBT", days, [96.2065, 96.2065, 96.30, 96.30, 96.2065, 96.2065])
    spec = RuleSpec(Kind.RATE_CUTS, RATE_PATH, Direction.ABOVE, 0.25, Basis.CLOSE)
    report = replay(spec, world.prices.closes_by_symbol, days[0], days[-1])
    assert [f.date for f in report.firings] == [days[2], days[4]]


def test_an_alert_on_a_second_source_s_prices_says_so_and_reads_back_from_the_outbox(
    world: AlertsWorld,
) -> None:
    closes_until(world, [2700, 2740])
    world.alerts.add(ABOVE_2750, owner(world))
    closes_until(world, [2700, 2740, 2760])
    world.prices.answered_by = {RUT: "Stooq after 2026-01-05"}
    (fired,) = world.evaluator.tick(world.clock.now()).queued
    assert fired.source == "^RUT from Stooq after 2026-01-05"
    (stored,) = world.store.outbox().values()
    assert load_message(stored).source == fired.source
    text = document_text(alert_document(fired))
    assert "Prices: ^RUT from Stooq after 2026-01-05, Yahoo having failed." in text


def test_an_alert_on_yahoo_s_own_prices_names_no_other_source(world: AlertsWorld) -> None:
    closes_until(world, [2700, 2740])
    world.alerts.add(ABOVE_2750, owner(world))
    closes_until(world, [2700, 2740, 2760])
    (fired,) = world.evaluator.tick(world.clock.now()).queued
    assert fired.source == ""
    assert "Prices:" not in document_text(alert_document(fired))
