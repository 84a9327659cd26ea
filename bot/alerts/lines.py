"""A rule as `alert list`, the App Home and a change's confirmation show it: its state, how
often and when it fired, when it re-arms or is quiet until, and what holds it."""

from __future__ import annotations

from bot.alerts.machine import State
from bot.alerts.replay import rule_figures
from bot.alerts.reports import AlertRuleLine
from bot.alerts.rules import AlertRule


def rule_line(rule: AlertRule, held: str | None = None) -> AlertRuleLine:
    states = {leg.state for leg in rule.legs}
    order = (State.FIRED, State.REARMING, State.ARMED, State.PAUSED, State.RETIRED)
    state = next(s for s in order if s in states)
    fired_legs = [leg for leg in rule.legs if leg.state is State.FIRED]
    waiting = [leg for leg in rule.legs if leg.state is state and leg.quiet_until]
    quiet = waiting[0].quiet_until if waiting else None
    if state is State.FIRED and rule.spec.cooldown_sessions <= 1:
        quiet = None  # the next session: "re-arms" already says it
    dates = [leg.last_fired for leg in rule.legs if leg.last_fired]
    return AlertRuleLine(
        id=rule.id,
        rule=rule_figures(rule.spec),
        state=str(state),
        fired=sum(leg.fired for leg in rule.legs),
        last_fired=max(dates) if dates else None,
        rearm_at=fired_legs[0].rearm_at if fired_legs else None,
        created_by=rule.owner.created_by,
        builtin=rule.owner.builtin,
        rearm_side=str(fired_legs[0].side) if fired_legs else None,
        quiet_until=quiet,
        held=held if state is not State.RETIRED else None,
    )
