"""The walk: observations stepped through every rule, exactly as live evaluation and replays do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.alerts.engine import path_segments, walk
from bot.alerts.machine import Observation, Repeat, State
from bot.alerts.rules import (
    RUSSELL,
    SMALL_VS_LARGE,
    AlertRule,
    Direction,
    Kind,
    Owner,
    RuleSpec,
    fresh_legs,
)
from bot.trading_calendar import session_close, sessions_after
from tests.alerts.conftest import trading_days

OWNER = Owner("C1", "T1", "U1", datetime(2026, 1, 1, tzinfo=UTC))


def rule(spec: RuleSpec, rule_id: int = 1) -> AlertRule:
    return AlertRule(rule_id, spec, OWNER, fresh_legs(spec))


def path(values: list[float], start: str = "2025-06-02") -> list[Observation]:
    days = trading_days(start, len(values))
    return [Observation(session_close(d), d, v, v) for d, v in zip(days, values, strict=True)]


def never_late(before: Observation, after: Observation) -> bool:
    return False


def fired(spec: RuleSpec, values: list[float]) -> list[float]:
    observations = path(values)
    _, firings = walk(
        [rule(spec)],
        observations[0],
        observations[1:],
        spec.measure.daily,
        never_late,
        sessions_after,
    )
    return [f.observation.value for f in firings]


ABOVE_2750 = RuleSpec(Kind.LEVEL, RUSSELL, Direction.ABOVE, 2750.0)


def test_a_price_hovering_at_a_level_alerts_once_per_re_arm_not_per_cross() -> None:
    hovering = [2740, 2751, 2749, 2752, 2748, 2753, 2745, 2751, 2747]
    assert fired(ABOVE_2750, hovering) == [2751]
    # Back below the band (2,736.25), then above again: the second alert.
    assert fired(ABOVE_2750, [*hovering, 2730, 2755, 2749, 2756]) == [2751, 2755]


def test_a_rule_never_fires_for_the_side_it_started_on() -> None:
    assert fired(ABOVE_2750, [2760, 2770, 2755, 2790]) == []
    assert fired(ABOVE_2750, [2760, 2740, 2760]) == [2760]


def test_without_a_band_every_cross_re_arms() -> None:
    no_band = RuleSpec(Kind.LEVEL, RUSSELL, Direction.ABOVE, 2750.0, band_pct=0.0)
    assert fired(no_band, [2740, 2751, 2749, 2752]) == [2751, 2752]


def test_a_once_rule_fires_one_time_and_retires_both_legs() -> None:
    spec = RuleSpec(Kind.LEVEL, RUSSELL, Direction.CROSSES, 2750.0, repeat=Repeat.ONCE)
    observations = path([2760, 2740, 2700, 2800, 2700])
    changed, firings = walk(
        [rule(spec)], observations[0], observations[1:], False, never_late, sessions_after
    )
    assert [f.observation.value for f in firings] == [2740]
    assert {leg.state for leg in changed[1].legs} == {State.RETIRED}


def test_crosses_fires_both_ways_each_after_its_own_band() -> None:
    spec = RuleSpec(Kind.LEVEL, RUSSELL, Direction.CROSSES, 2750.0)
    assert fired(spec, [2740, 2760, 2745, 2755, 2700, 2770]) == [2760, 2745, 2770]


def test_a_daily_move_counts_from_zero_each_session() -> None:
    move = RuleSpec(Kind.MOVE, RUSSELL, Direction.ABOVE, 2.0)
    # One observation a session: the day's move. Two big days in a row alert twice.
    assert fired(move, [0.4, 2.5, 3.0, 1.0, 2.2]) == [2.5, 3.0, 2.2]


def test_a_new_session_starts_a_daily_measure_from_zero() -> None:
    observations = path([1.0, 2.5])
    segments = path_segments(observations[0], observations[1:], daily=True)
    assert [(s.before.value, s.after.value, s.new_session) for s in segments] == [
        (1.0, 0.0, True),
        (0.0, 2.5, False),
    ]
    # the restart is priced at the last close: a day's move is measured from it
    assert segments[1].before.price == observations[0].price
    plain = path_segments(observations[0], observations[1:], daily=False)
    assert [(s.before.value, s.after.value) for s in plain] == [(1.0, 2.5)]


def test_a_small_daily_threshold_fires_once_in_every_session_that_reaches_it() -> None:
    # 0.4% is below the default band (0.5): the re-arm point must not be 0.4 - 0.5 < 0
    move = RuleSpec(Kind.MOVE, RUSSELL, Direction.ABOVE, 0.4)
    assert fired(move, [0.1, 0.5, 0.6, 0.3, 0.45, 0.41]) == [0.5, 0.6, 0.45, 0.41]
    spread = RuleSpec(Kind.SPREAD, SMALL_VS_LARGE, Direction.ABOVE, 0.2)
    assert fired(spread, [0.0, 0.25, 0.3, 0.1, 0.21]) == [0.25, 0.3, 0.21]


def test_a_daily_rule_fires_at_most_once_a_session_even_without_a_cooldown() -> None:
    move = RuleSpec(Kind.MOVE, RUSSELL, Direction.ABOVE, 0.4, cooldown_sessions=0)
    day, next_day = trading_days("2025-06-02", 2)
    readings = [(day, 0.0), (day, 0.5), (day, 0.0), (day, 0.6), (next_day, 0.45)]
    observations = [
        Observation(session_close(d) - timedelta(hours=n), d, v, 100.0)
        for n, (d, v) in zip(range(len(readings), 0, -1), readings, strict=True)
    ]
    _, firings = walk(
        [rule(move)], observations[0], observations[1:], True, never_late, sessions_after
    )
    assert [(f.observation.session, f.observation.value) for f in firings] == [
        (day, 0.5),
        (next_day, 0.45),
    ]


def test_consecutive_record_closes_each_fire() -> None:
    for kind in (Kind.ALL_TIME_HIGH, Kind.HIGH_52W):
        record = RuleSpec(kind, RUSSELL, Direction.ABOVE, 0.0)
        # % above the prior high at each close: records on days 2, 3 and 5
        assert fired(record, [-1.0, 0.5, 0.3, -0.2, 0.1]) == [0.5, 0.3, 0.1], kind


def test_a_cooldown_keeps_a_daily_rule_quiet_for_its_sessions() -> None:
    move = RuleSpec(Kind.MOVE, RUSSELL, Direction.ABOVE, 1.0, cooldown_sessions=2)
    # fires on day 2; day 3 is inside the cooldown; day 4 may fire again
    assert fired(move, [0.1, 1.5, 1.6, 1.7, 1.8]) == [1.5, 1.7]


def test_a_streak_rule_fires_when_reached_and_when_it_ends() -> None:
    streak = RuleSpec(Kind.STREAK, RUSSELL, Direction.CROSSES, 10.0)
    assert fired(streak, [7, 8, 9, 10, 11, 12, 0, 1, 2]) == [10, 0]


def test_late_is_decided_for_each_firing() -> None:
    observations = path([2740, 2760])
    _, firings = walk(
        [rule(ABOVE_2750)],
        observations[0],
        observations[1:],
        False,
        lambda b, a: True,
        sessions_after,
    )
    assert [f.late for f in firings] == [True]
    assert firings[0].id == f"1-up-{int(observations[1].at.timestamp())}"
