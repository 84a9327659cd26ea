"""The state machine, transition by transition."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot.alerts.machine import (
    BandReached,
    Crossed,
    Leg,
    Observation,
    Pause,
    Repeat,
    Resume,
    Retire,
    Side,
    State,
    step,
)
from bot.trading_calendar import sessions_after

MONDAY = date(2026, 1, 12)
TUESDAY = date(2026, 1, 13)
WEDNESDAY = date(2026, 1, 14)


def seen(day: date, value: float) -> Observation:
    return Observation(datetime(day.year, day.month, day.day, 21, tzinfo=UTC), day, value, value)


def leg(state: State = State.ARMED, repeat: Repeat = Repeat.EVERY, **changes: object) -> Leg:
    base = Leg(Side.UP, 2750.0, 2736.25, repeat, cooldown_sessions=1, state=state)
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_cross_up_needs_the_previous_value_at_or_below_and_the_current_above() -> None:
    up = leg()
    assert up.crossed(2750.0, 2750.01)
    assert up.crossed(2700.0, 2800.0)
    assert not up.crossed(2750.01, 2800.0)  # already above: no cross
    assert not up.crossed(2700.0, 2750.0)  # reaching the level is not crossing it
    down = replace(up, side=Side.DOWN, rearm_at=2763.75)
    assert down.crossed(2750.0, 2749.99)
    assert not down.crossed(2749.0, 2700.0)


def test_armed_fires_on_a_cross_and_waits_for_the_band() -> None:
    moved = step(leg(), Crossed(seen(MONDAY, 2760.0)), sessions_after)
    assert moved.fires
    assert moved.leg.state is State.FIRED
    assert moved.leg.fired == 1
    assert moved.leg.last_fired == MONDAY
    assert moved.leg.quiet_until == TUESDAY  # one session of cooldown


def test_a_once_leg_retires_when_it_fires() -> None:
    moved = step(leg(repeat=Repeat.ONCE), Crossed(seen(MONDAY, 2760.0)), sessions_after)
    assert moved.fires
    assert moved.leg.state is State.RETIRED


def test_back_past_the_band_after_the_cooldown_arms_again() -> None:
    fired = leg(State.FIRED, quiet_until=TUESDAY)
    moved = step(fired, BandReached(seen(WEDNESDAY, 2730.0)), sessions_after)
    assert not moved.fires
    assert moved.leg.state is State.ARMED


def test_back_past_the_band_inside_the_cooldown_is_re_arming() -> None:
    fired = leg(State.FIRED, quiet_until=TUESDAY)
    moved = step(fired, BandReached(seen(MONDAY, 2730.0)), sessions_after)
    assert moved.leg.state is State.REARMING


def test_re_arming_lets_a_cross_pass_until_the_cooldown_is_over() -> None:
    rearming = leg(State.REARMING, quiet_until=TUESDAY)
    inside = step(rearming, Crossed(seen(MONDAY, 2760.0)), sessions_after)
    assert not inside.fires
    assert inside.leg == rearming
    after = step(rearming, Crossed(seen(TUESDAY, 2760.0)), sessions_after)
    assert after.fires
    assert after.leg.state is State.FIRED


@pytest.mark.parametrize(
    ("state", "event"),
    [
        (State.FIRED, Crossed(seen(WEDNESDAY, 2800.0))),  # fired legs wait for the band
        (State.ARMED, BandReached(seen(WEDNESDAY, 2700.0))),
        (State.PAUSED, Crossed(seen(WEDNESDAY, 2800.0))),
        (State.PAUSED, BandReached(seen(WEDNESDAY, 2700.0))),
        (State.ARMED, Resume()),
        (State.RETIRED, Crossed(seen(WEDNESDAY, 2800.0))),
        (State.RETIRED, Resume()),
        (State.RETIRED, Pause()),
    ],
)
def test_events_that_do_not_apply_change_nothing(state: State, event: object) -> None:
    before = leg(state)
    moved = step(before, event, sessions_after)  # type: ignore[arg-type]
    assert not moved.fires
    assert moved.leg == before


@pytest.mark.parametrize("state", [State.ARMED, State.FIRED, State.REARMING])
def test_pause_silences_any_live_leg_and_resume_arms_it(state: State) -> None:
    paused = step(leg(state, quiet_until=TUESDAY), Pause(), sessions_after).leg
    assert paused.state is State.PAUSED
    resumed = step(paused, Resume(), sessions_after).leg
    assert resumed.state is State.ARMED
    assert resumed.quiet_until is None


@pytest.mark.parametrize("state", [State.ARMED, State.FIRED, State.PAUSED])
def test_retire_ends_a_leg_from_any_state(state: State) -> None:
    assert step(leg(state), Retire(), sessions_after).leg.state is State.RETIRED


def test_cooldown_counts_trading_sessions_not_days() -> None:
    friday_before_holiday = date(2026, 1, 16)  # Monday 19 January is Martin Luther King Day
    moved = step(
        leg(cooldown_sessions=2), Crossed(seen(friday_before_holiday, 2760.0)), sessions_after
    )
    assert moved.leg.quiet_until == date(2026, 1, 21)
