"""`alert test`: replay a rule over history with the live engine, and list where it fired.

The rule starts armed at the last close before `since`, as if made then (creating it never fires
for the present state), and walks every close from `since` on, re-arming as an `every` rule
would: the first session asked for is counted, a daily measure's included.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd

from bot.alerts.engine import walk
from bot.alerts.machine import Observation
from bot.alerts.measures import observations
from bot.alerts.reports import AlertTestReport, ReplayFiring, RuleFigures
from bot.alerts.rules import AlertRule, Basis, Owner, RuleSpec, fresh_legs
from bot.errors import NoDataError
from bot.trading_calendar import sessions_after

_REPLAY_OWNER = Owner("replay", "replay", "replay", datetime(1970, 1, 1, tzinfo=UTC))
_LEAD = timedelta(days=14)
"""How far before `since` the close the rule starts from is looked for (the longest closure
since 1933, after 2001-09-11, was four sessions)."""


def rule_figures(spec: RuleSpec) -> RuleFigures:
    return RuleFigures(
        kind=str(spec.kind),
        target=spec.target.key,
        symbols=list(spec.target.symbols),
        direction=str(spec.direction),
        level=spec.level,
        basis=str(spec.basis),
        repeat=str(spec.repeat),
        band_pct=spec.band_pct,
        cooldown_sessions=spec.cooldown_sessions,
        text=spec.describe(),
    )


def replay(
    spec: RuleSpec, closes: Mapping[str, pd.Series], since: date, until: date
) -> AlertTestReport:
    """Every firing of `spec` on the closes from `since` to `until`, as live evaluation of the
    same closes would have fired it."""
    note = None
    if spec.basis is Basis.INTRADAY:
        note = "intraday rules replay on daily closes: the history has no intraday prices"
    feed = replace(spec, basis=Basis.CLOSE).feed
    cut = {s: series.loc[: pd.Timestamp(until)] for s, series in closes.items()}
    lead = datetime.combine(since - _LEAD, time(23, 59), tzinfo=UTC)
    far = datetime.combine(until + timedelta(days=7), time(), tzinfo=UTC)
    found = observations(feed, cut, far, None, lead)
    before = [o for o in found if o.session < since]
    if not before and found and feed.measure.daily:
        # Nothing measured before: a daily measure starts each session at 0, the day before's
        # included, so its first measured session counts too.
        first = found[0]
        before = [Observation(first.at - timedelta(days=1), first.session - timedelta(days=1), 0.0)]
    path = [*before[-1:], *(o for o in found if o.session >= since)]
    if len(path) < 2:
        raise NoDataError(
            f"too few closes from {since.isoformat()} to {until.isoformat()} to replay",
            "alert test rut crosses 2750 since 2025-01-01",
        )
    rule = AlertRule(0, replace(spec, basis=Basis.CLOSE), _REPLAY_OWNER, fresh_legs(spec))
    _, firings = walk([rule], path[0], path[1:], feed.measure.daily, _never_late, sessions_after)
    return AlertTestReport(
        rule=rule_figures(spec),
        since=path[1].session,
        until=path[-1].session,
        firings=[
            ReplayFiring(
                f.observation.session,
                f.observation.price or f.observation.value,
                f.observation.figure,
            )
            for f in firings
        ],
        note=note,
    )


def _never_late(before: object, after: object) -> bool:
    return False
