"""What a workspace owns in Redis: its channels with their rules and summaries (as the App Home
lists them), and forgetting all of it when it uninstalls the app.

A workspace owns its channels' alert rules (and their places in the level indexes, their
waiting alerts and claims), its channels' daily summaries (and their due entries and claims),
its watched levels, its built-in alert subscriptions, and its installation. `forget` deletes
them in one transaction, under the alerts lock, so no tick or rule change sees half of it; a
reinstall starts clean. A channel shared with another workspace (Slack Connect) keeps what the
other workspace made there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import redis
from redis.client import Pipeline

from bot.alerts.reports import AlertRuleLine
from bot.alerts.rules import AlertRule
from bot.alerts.service import Alerts
from bot.store.keys import NONE, Keys
from bot.summaries.reports import DailySubscriptionLine
from bot.summaries.store import Subscription
from bot.summaries.subscriptions import Subscriptions, subscription_line

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChannelPlan:
    """What one channel gets: its daily summary, if any, and its alert rules."""

    channel: str
    daily: DailySubscriptionLine | None
    rules: list[AlertRuleLine]


@dataclass(frozen=True)
class Forgotten:
    """How much of a workspace was deleted, for the log."""

    rules: int
    summaries: int
    channels: int
    claims: int
    installations: int

    def __str__(self) -> str:
        return (
            f"{self.rules} alert rules, {self.summaries} daily summaries, {self.channels} "
            f"channels, {self.claims} claims and waiting alerts, {self.installations} "
            "installation records"
        )


def _text(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw


class Workspaces:
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
        self.summaries = subscriptions.store

    def channels(self, workspace: str) -> set[str]:
        """The channels the workspace gave rules or a summary (the built-in alerts included)."""
        r = self._redis()
        members = r.smembers(self.keys.workspace_channels(workspace)) | r.smembers(
            self.keys.alert_subscribers(workspace)
        )
        return {_text(m) for m in members}

    def rules(self, workspace: str, channels: Iterable[str] | None = None) -> list[AlertRule]:
        """The alert rules `workspace` made, in its channels (or in `channels`)."""
        where = self.channels(workspace) if channels is None else channels
        return self.alerts.store.workspace_rules(workspace, sorted(where))

    def subscriptions(
        self, workspace: str, channels: Iterable[str] | None = None
    ) -> list[Subscription]:
        """The daily summaries `workspace` made, in its channels (or in `channels`)."""
        return [
            sub
            for channel in sorted(self.channels(workspace) if channels is None else channels)
            if (sub := self.summaries.subscription(channel)) is not None
            and sub.workspace == workspace
        ]

    def plans(self, workspace: str, member_of: Sequence[str]) -> list[ChannelPlan]:
        """The channels of `workspace` among `member_of` (in that order) that have rules or a
        summary; a channel found with neither any more leaves the index."""
        owned = self.channels(workspace)
        plans, gone = [], []
        for channel in dict.fromkeys(member_of):
            if channel not in owned:
                continue
            rules = self.alerts.listing(channel, workspace).rules
            sub = self.summaries.subscription(channel)
            if sub is not None and sub.workspace != workspace:
                sub = None
            if not rules and sub is None:
                gone.append(channel)
                continue
            plans.append(ChannelPlan(channel, subscription_line(sub) if sub else None, rules))
        if gone:
            self._redis().srem(self.keys.workspace_channels(workspace), *gone)
        return plans

    def forget(self, workspace: str, enterprise: str | None = None) -> Forgotten:
        """Deletes everything `workspace` owns, in one transaction; how much, for the log."""
        r = self._redis()
        keys = self.keys
        with self.alerts.store.lock() as lock:
            channels = sorted(self.channels(workspace))
            rules = self.rules(workspace, channels)
            subs = self.subscriptions(workspace, channels)
            firings = tuple(f"{rule.id}-" for rule in rules)
            outbox = map(_text, r.hkeys(keys.alert_outbox()))
            waiting = [firing for firing in outbox if rules and firing.startswith(firings)]
            claims = self._claims(keys.alert_sent_all(), firings) if rules else []
            days = tuple(f"{sub.channel}:" for sub in subs)
            claims += self._claims(keys.daily_sent_all(), days) if subs else []
            installs = list(r.scan_iter(keys.installations_of(enterprise or NONE, workspace)))

            def queue(pipe: Pipeline) -> None:
                self.alerts.store.queue_delete(pipe, rules)
                if waiting:
                    pipe.hdel(keys.alert_outbox(), *waiting)
                    pipe.hdel(keys.alert_retries(), *waiting)
                for sub in subs:
                    pipe.delete(keys.daily_subscription(sub.channel))
                    pipe.zrem(keys.daily_due(), sub.channel)
                for doomed in (claims, installs):
                    if doomed:
                        pipe.delete(*doomed)
                pipe.delete(
                    keys.watched_levels(workspace),
                    keys.alert_subscribers(workspace),
                    keys.workspace_channels(workspace),
                    keys.failed_posts(workspace),
                )
                pipe.hdel(keys.failed_counts(), workspace)
                pipe.hdel(keys.installed_workspaces(), workspace)

            self.alerts.store.transaction(lock, queue)
        forgotten = Forgotten(
            len(rules), len(subs), len(channels), len(claims) + len(waiting), len(installs)
        )
        log.warning("workspace %s uninstalled the app: deleted %s", workspace, forgotten)
        return forgotten

    def of_org(self, enterprise: str) -> list[str]:
        """The workspaces seen coming through an org-wide install of `enterprise`."""
        found = self._redis().hgetall(self.keys.installed_workspaces())
        return [_text(t) for t, where in found.items() if _text(where) == f"{enterprise}:org"]

    def forget_org(self, enterprise: str) -> None:
        """The org-wide installation itself."""
        r = self._redis()
        doomed = list(r.scan_iter(self.keys.installations_of(enterprise, NONE)))
        if doomed:
            r.delete(*doomed)
        log.warning(
            "org %s uninstalled the app: %d installation records deleted", enterprise, len(doomed)
        )

    def _claims(self, pattern: str, starts: tuple[str, ...]) -> list[str]:
        """The keys matching `pattern` (one scan) whose part after it starts with one of
        `starts`."""
        at = len(pattern) - 1
        found = map(_text, self._redis().scan_iter(pattern, count=1000))
        return [key for key in found if key[at:].startswith(starts)]
