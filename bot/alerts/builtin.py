"""The built-in alerts a channel gets with `subscribe alerts`: the workspace's watched levels,
new 52-week and all-time highs of the Russell 2000, the small-cap streak's milestones and its
longest run in a while; and why one of them is not removed alone."""

from __future__ import annotations

from collections.abc import Iterable

from bot.alerts.rules import RUSSELL, SMALL_VS_LARGE, AlertRule, Direction, Kind, RuleSpec
from bot.errors import UserFacingError
from bot.render.numbers import as_typed

STREAK_MILESTONES = (5, 10)


def builtin_specs(watched_levels: Iterable[float]) -> list[RuleSpec]:
    """The watched levels, new 52-week and all-time highs, and the streak milestones."""
    specs = [RuleSpec(Kind.LEVEL, RUSSELL, Direction.CROSSES, value) for value in watched_levels]
    specs += [
        RuleSpec(Kind.HIGH_52W, RUSSELL, Direction.ABOVE, 0.0),
        RuleSpec(Kind.ALL_TIME_HIGH, RUSSELL, Direction.ABOVE, 0.0),
    ]
    specs += [
        RuleSpec(Kind.STREAK, SMALL_VS_LARGE, Direction.ABOVE, float(n)) for n in STREAK_MILESTONES
    ]
    specs.append(RuleSpec(Kind.LONGEST_SINCE, SMALL_VS_LARGE, Direction.ABOVE, 0.5))
    return specs


def check_removable(rule: AlertRule) -> None:
    """A built-in rule follows `subscribe alerts` (and a watched level's, `levels`): removing it
    alone would leave the two out of step, so the refusal says what to do instead."""
    if not rule.owner.builtin:
        return
    mute = f"`alert pause {rule.id}` mutes it here"
    if rule.spec.kind is Kind.LEVEL:
        value = as_typed(rule.spec.level)
        raise UserFacingError(
            f"rule {rule.id} is the built-in alert on the watched level {value}, which follows "
            f"`levels`: `levels remove {value}` stops watching it (in every channel), {mute}",
            f"levels remove {value}",
        )
    raise UserFacingError(
        f"rule {rule.id} is a built-in alert: {mute}, `unsubscribe alerts` stops them all",
        f"alert pause {rule.id}",
    )
