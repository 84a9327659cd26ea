"""Daily-summary subscriptions as documents: a change confirmed, and a channel's list."""

from __future__ import annotations

from bot.render.alerts import alert_list_document
from bot.render.layout import Document, Part, et, from_lines
from bot.render.numbers import day
from bot.summaries.reports import DailyChangeReport, DailySubscriptionLine, SubscriptionsReport
from bot.summaries.schedule import local


def _next_summary(line: DailySubscriptionLine) -> str:
    when = f"{local(line.next_due, line.zone)} ({et(line.next_due)})"
    about = f", on the session of {day(line.next_session)}" if line.next_session else ""
    return f"Next: {when}{about}."


def daily_change_document(r: DailyChangeReport) -> Document:
    line = r.subscription
    if r.action == "unsubscribed":
        return from_lines(
            [
                "Daily summary stopped",
                f"This channel no longer gets the daily summary (it came at {line.at} "
                f"{line.zone}).",
            ]
        )
    was = f" (was {r.previous})" if r.previous else ""
    return from_lines(
        [
            "Daily summary on" if r.action == "subscribed" else "Daily summary moved",
            f"Every NYSE trading day at {line.at} {line.zone}{was}: the returns, the streak, "
            "sizes, levels, valuation, sectors and a chart, of the latest closed session.",
            _next_summary(line),
        ]
    )


def subscriptions_document(r: SubscriptionsReport) -> Document:
    parts: list[Part] = ["Subscriptions in this channel"]
    if r.daily:
        parts += [
            f"Daily summary: {r.daily.at} {r.daily.zone} on NYSE trading days "
            f"(since {day(r.daily.created_at.date())}).",
            _next_summary(r.daily),
        ]
    else:
        parts.append("Daily summary: none. Example: /smallcaps subscribe daily at 16:30")
    parts.append(
        "Built-in alerts: on." if r.builtin_alerts else "Built-in alerts: off (subscribe alerts)."
    )
    if r.alerts.rules:
        parts += alert_list_document(r.alerts).parts
    else:
        parts.append("Alert rules: none. Example: /smallcaps alert add rut above 2750")
    return Document(str(parts[0]), parts[1:])
