"""The alert engine: walk a feed's new observations through the state machine of each rule.

The same walk serves the clock (over rules found in Redis by range query), rule creation, and
`alert test` replays (over one rule and years of closes), so a replay fires exactly where live
evaluation would have.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from bot.alerts.machine import (
    BandReached,
    Crossed,
    Event,
    Observation,
    Repeat,
    Retire,
    SessionsAfter,
    Side,
    step,
)
from bot.alerts.rules import AlertRule


@dataclass(frozen=True)
class Firing:
    rule: AlertRule
    """The rule as it is after firing (a `once` rule is retired)."""
    side: Side
    observation: Observation
    previous: Observation
    late: bool

    @property
    def id(self) -> str:
        """The same firing has the same id, however many processes find it: the key it claims."""
        return f"{self.rule.id}-{self.side}-{int(self.observation.at.timestamp())}"


@dataclass(frozen=True)
class Segment:
    """One step of a walk, from one value of the measure to the next."""

    before: Observation
    after: Observation
    new_session: bool = False
    """A daily measure restarting at 0 as a session begins: its fired legs re-arm here."""


def path_segments(start: Observation, path: Sequence[Observation], daily: bool) -> list[Segment]:
    """The steps along the path. A daily measure starts each session at 0, so a new session's
    first value is reached from 0 (priced at the session before's last price, the close a move
    is measured from), not from the day before's value."""
    segments = []
    before = start
    for after in path:
        if daily and after.session != before.session:
            restart = None if after.figure is None else 0.0
            zero = replace(after, value=0.0, price=before.price, figure=restart)
            segments.append(Segment(before, zero, new_session=True))
            before = zero
        segments.append(Segment(before, after))
        before = after
    return segments


def value_range(
    start: Observation, path: Sequence[Observation], daily: bool
) -> tuple[float, float]:
    """The span of values the walk passes through (with a daily measure's 0 at each new
    session): rules waiting at levels outside it cannot change."""
    values = [start.value, *(o.value for o in path), *([0.0] if daily else [])]
    return min(values), max(values)


def walk(
    rules: Sequence[AlertRule],
    start: Observation,
    path: Sequence[Observation],
    daily: bool,
    late: Callable[[Observation, Observation], bool],
    sessions_after: SessionsAfter,
) -> tuple[dict[int, AlertRule], list[Firing]]:
    """Every rule's legs stepped along start → path; the rules that changed, and the firings.

    A fired leg re-arms once back past its band, or, on a daily measure, when the next session
    begins (the measure restarts then, whatever the threshold): such a rule fires at most once a
    session. A `once` rule that fires on one leg retires its other legs too.
    """
    current = {rule.id: rule for rule in rules}
    changed: dict[int, AlertRule] = {}
    firings: list[Firing] = []
    for segment in path_segments(start, path, daily):
        before, after = segment.before, segment.after
        for rule_id, rule in current.items():
            legs = list(rule.legs)
            fired_side: Side | None = None
            for i, leg in enumerate(legs):
                event: Event | None = None
                rearmed = segment.new_session if daily else leg.back_past_band(after.value)
                if leg.watching == "cross" and leg.crossed(before.value, after.value):
                    event = Crossed(after)
                elif leg.watching == "band" and rearmed:
                    event = BandReached(after)
                if event is None:
                    continue
                transition = step(leg, event, sessions_after)
                legs[i] = transition.leg
                if transition.fires:
                    fired_side = leg.side
            if fired_side is not None and rule.spec.repeat is Repeat.ONCE:
                legs = [step(leg, Retire(), sessions_after).leg for leg in legs]
            if tuple(legs) != rule.legs:
                rule = replace(rule, legs=tuple(legs))
                current[rule_id] = changed[rule_id] = rule
            if fired_side is not None:
                firings.append(Firing(rule, fired_side, after, before, late(before, after)))
    return changed, firings
