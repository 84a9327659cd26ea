"""What a person's App Home shows of their channels: each channel of their workspace that has
alert rules or a daily summary, with its rules and its summary."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import redis

from bot.alerts.reports import AlertRuleLine
from bot.alerts.service import Alerts
from bot.store.keys import Keys
from bot.summaries.reports import DailySubscriptionLine
from bot.summaries.subscriptions import Subscriptions, subscription_line


@dataclass(frozen=True)
class ChannelPlan:
    """What one channel gets: its daily summary, if any, and its alert rules."""

    channel: str
    daily: DailySubscriptionLine | None
    rules: list[AlertRuleLine]


class WorkspaceChannels:
    def __init__(
        self,
        redis_client: Callable[[], redis.Redis],
        keys: Keys,
        alerts: Alerts,
        subscriptions: Subscriptions,
    ) -> None:
        self._redis = redis_client
        self.keys = keys
        self.alerts = alerts
        self.subscriptions = subscriptions

    def plans(self, workspace: str, member_of: Sequence[str]) -> list[ChannelPlan]:
        """The channels of `workspace` among `member_of` (in that order) that have rules or a
        summary; a channel found with neither any more leaves the index."""
        key = self.keys.workspace_channels(workspace)
        indexed = {
            c.decode() if isinstance(c, bytes) else str(c) for c in self._redis().smembers(key)
        }
        plans, gone = [], []
        for channel in dict.fromkeys(member_of):
            if channel not in indexed:
                continue
            rules = self.alerts.listing(channel, workspace).rules
            sub = self.subscriptions.store.subscription(channel)
            if sub is not None and sub.workspace != workspace:
                sub = None
            if not rules and sub is None:
                gone.append(channel)
                continue
            daily = subscription_line(sub) if sub else None
            plans.append(ChannelPlan(channel, daily, rules))
        if gone:
            self._redis().srem(key, *gone)
        return plans
