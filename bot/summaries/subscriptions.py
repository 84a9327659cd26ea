"""`subscribe daily`, `unsubscribe daily` and `subscriptions`: a channel's daily summary."""

from __future__ import annotations

from bot.alerts.service import Alerts
from bot.asker import Asker
from bot.clock import Clock
from bot.errors import UserFacingError
from bot.summaries.reports import DailyChangeReport, DailySubscriptionLine, SubscriptionsReport
from bot.summaries.schedule import DailyTime, next_due, session_at
from bot.summaries.store import Subscription, SummaryStore


def subscription_line(sub: Subscription) -> DailySubscriptionLine:
    return DailySubscriptionLine(
        at=sub.when.at.strftime("%H:%M"),
        zone=sub.when.zone,
        next_due=sub.due,
        next_session=session_at(sub.due),
        created_by=sub.created_by,
        created_at=sub.created_at,
    )


class Subscriptions:
    def __init__(self, store: SummaryStore, alerts: Alerts, clock: Clock) -> None:
        self.store = store
        self.alerts = alerts
        self.clock = clock

    def _existing(self, asker: Asker) -> Subscription | None:
        """The channel's subscription; an error when another workspace sharing the channel
        (Slack Connect) made it: only that workspace changes it."""
        existing = self.store.subscription(asker.channel)
        if existing is not None and existing.workspace != asker.workspace:
            raise UserFacingError(
                "this channel's daily summary belongs to another workspace that shares the "
                "channel: only that workspace can change it",
                "subscriptions",
            )
        return existing

    def daily_time(self, channel: str) -> DailyTime | None:
        """When the channel's summary is posted, if it has one: what its form starts from
        (changing it is checked against the asker's workspace when the form is sent)."""
        sub = self.store.subscription(channel)
        return sub.when if sub is not None else None

    def subscribe(self, asker: Asker, when: DailyTime) -> DailyChangeReport:
        existing = self._existing(asker)
        if existing is not None and existing.when == when:
            raise UserFacingError(
                f"this channel already gets the daily summary at {when.describe()}",
                "subscriptions",
            )
        now = self.clock.now()
        sub = Subscription(
            asker.channel, asker.workspace, when, asker.user, now, next_due(when, now)
        )
        self.store.save(sub)
        if existing is None:
            return DailyChangeReport("subscribed", subscription_line(sub))
        return DailyChangeReport("moved", subscription_line(sub), existing.when.describe())

    def unsubscribe(self, asker: Asker) -> DailyChangeReport:
        existing = self._existing(asker)
        if existing is None or not self.store.remove(asker.channel):
            raise UserFacingError(
                "this channel does not get the daily summary", "subscribe daily at 16:30"
            )
        return DailyChangeReport("unsubscribed", subscription_line(existing))

    def listing(self, asker: Asker) -> SubscriptionsReport:
        sub = self.store.subscription(asker.channel)
        if sub is not None and sub.workspace != asker.workspace:
            sub = None
        return SubscriptionsReport(
            channel=asker.channel,
            daily=None if sub is None else subscription_line(sub),
            builtin_alerts=asker.channel in self.alerts.store.subscribers(asker.workspace),
            alerts=self.alerts.listing(asker.channel, asker.workspace),
        )
