"""Daily-summary subscriptions as plain data: a channel's subscription, a change, its listing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.alerts.reports import AlertListReport


@dataclass(frozen=True)
class DailySubscriptionLine:
    """A channel's daily summary as `subscriptions` shows it."""

    at: str
    """"09:15"."""
    zone: str
    next_due: datetime
    next_session: date | None
    """The session the next summary describes, when that session is already on the calendar."""
    created_by: str
    created_at: datetime


@dataclass(frozen=True)
class DailyChangeReport:
    """A daily summary subscribed, moved to another time, or unsubscribed."""

    action: str
    subscription: DailySubscriptionLine
    previous: str | None = None
    """The time it had before a change: "16:30 America/New_York"."""


@dataclass(frozen=True)
class SubscriptionsReport:
    channel: str
    daily: DailySubscriptionLine | None
    builtin_alerts: bool
    alerts: AlertListReport
