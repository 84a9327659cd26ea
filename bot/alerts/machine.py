"""The alert state machine: every state a rule's leg can be in, and every transition, here.

    armed ──cross──► fired ──back past the band──► re-arming ──cooldown over──► armed
      │                 (a `once` rule retires instead of firing again)
      └─ pause ─► paused ─ resume ─► armed          remove ─► retired (from any state)

A leg is one direction of a rule (`crosses` has an upward and a downward leg). `re-arming` is a
leg back past its band whose cooldown has not run out: it is watched for crosses again, and
fires on one once the cooldown is over (a cross inside the cooldown is let pass). When the band
is reached after the cooldown, the leg is armed straight away.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum


class State(StrEnum):
    ARMED = "armed"
    FIRED = "fired"
    REARMING = "re-arming"
    PAUSED = "paused"
    RETIRED = "retired"


class Side(StrEnum):
    UP = "up"
    DOWN = "down"


SIDES = (Side.UP, Side.DOWN)


class Repeat(StrEnum):
    ONCE = "once"
    EVERY = "every"


@dataclass(frozen=True)
class Observation:
    """One value of a measure: at a time, in a session, with the target's price then."""

    at: datetime
    session: date
    value: float
    price: float | None = None
    figure: float | None = None
    """A measure read either way as reported, with its sign: a fall of 2.33% has the value
    2.33 and the figure -2.33. None for the other measures."""


@dataclass(frozen=True)
class Leg:
    side: Side
    threshold: float
    rearm_at: float
    repeat: Repeat
    cooldown_sessions: int
    state: State = State.ARMED
    quiet_until: date | None = None
    """The first session a re-armed leg may fire in again."""
    fired: int = 0
    last_fired: date | None = None

    def crossed(self, before: float, after: float) -> bool:
        """A cross up: `before` at or below the threshold, `after` above it (down: mirrored)."""
        if self.side is Side.UP:
            return before <= self.threshold < after
        return before >= self.threshold > after

    def back_past_band(self, value: float) -> bool:
        return value <= self.rearm_at if self.side is Side.UP else value >= self.rearm_at

    @property
    def watching(self) -> str | None:
        """Which index the leg sits in: `cross` (by threshold), `band` (by re-arm level), none."""
        if self.state in (State.ARMED, State.REARMING):
            return "cross"
        if self.state is State.FIRED:
            return "band"
        return None


@dataclass(frozen=True)
class Crossed:
    observation: Observation


@dataclass(frozen=True)
class BandReached:
    observation: Observation


@dataclass(frozen=True)
class Pause:
    pass


@dataclass(frozen=True)
class Resume:
    pass


@dataclass(frozen=True)
class Retire:
    pass


Event = Crossed | BandReached | Pause | Resume | Retire

SessionsAfter = Callable[[date, int], date]
"""`(session, n)` -> the session n sessions later: the trading calendar, injected."""


@dataclass(frozen=True)
class Transition:
    leg: Leg
    fires: bool = False


def step(leg: Leg, event: Event, sessions_after: SessionsAfter) -> Transition:
    """Where `event` takes `leg`, and whether it fires. Events that do not apply change nothing."""
    state = leg.state
    if state is State.RETIRED:
        return Transition(leg)
    match event:
        case Retire():
            return Transition(replace(leg, state=State.RETIRED))
        case Pause():
            return Transition(replace(leg, state=State.PAUSED))
        case Resume() if state is State.PAUSED:
            return Transition(replace(leg, state=State.ARMED, quiet_until=None))
        case Crossed(observation) if state is State.ARMED or (
            state is State.REARMING and _quiet_over(leg, observation.session)
        ):
            return Transition(_fired(leg, observation.session, sessions_after), fires=True)
        case BandReached(observation) if state is State.FIRED:
            after = State.ARMED if _quiet_over(leg, observation.session) else State.REARMING
            return Transition(replace(leg, state=after))
    return Transition(leg)


def _quiet_over(leg: Leg, session: date) -> bool:
    return leg.quiet_until is None or session >= leg.quiet_until


def _fired(leg: Leg, session: date, sessions_after: SessionsAfter) -> Leg:
    return replace(
        leg,
        state=State.RETIRED if leg.repeat is Repeat.ONCE else State.FIRED,
        quiet_until=sessions_after(session, leg.cooldown_sessions),
        fired=leg.fired + 1,
        last_fired=session,
    )
