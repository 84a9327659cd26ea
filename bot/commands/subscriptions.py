"""`subscribe daily [at HH:MM] [zone]`, `unsubscribe daily`, `subscriptions`: a channel's daily
summary, and everything the channel is subscribed to."""

from __future__ import annotations

from datetime import date

from bot.commands.alert import alert_list_document
from bot.commands.base import Command, Computed, Context, Presenter
from bot.render.layout import Document, Part, et, from_lines
from bot.render.numbers import counted, day
from bot.summaries.grammar import DailySubscribeQuery, DailyUnsubscribeQuery, SubscriptionsQuery
from bot.summaries.reports import DailyChangeReport, DailySubscriptionLine, SubscriptionsReport
from bot.summaries.schedule import local


def compute(
    ctx: Context,
    query: DailySubscribeQuery | DailyUnsubscribeQuery | SubscriptionsQuery,
    on: date,
) -> Computed:
    where = ctx.channel("subscriptions")
    if isinstance(query, DailySubscribeQuery):
        return Computed(ctx.subscriptions.subscribe(where, query.when))
    if isinstance(query, DailyUnsubscribeQuery):
        return Computed(ctx.subscriptions.unsubscribe(where))
    return Computed(ctx.subscriptions.listing(where))


def change_headline(r: DailyChangeReport) -> str:
    line = r.subscription
    if r.action == "unsubscribed":
        return "Daily summary stopped in this channel"
    verb = "moved to" if r.action == "moved" else "on, at"
    return f"Daily summary {verb} {line.at} {line.zone}; next {local(line.next_due, line.zone)}"


def listing_headline(r: SubscriptionsReport) -> str:
    daily = f"daily summary at {r.daily.at} {r.daily.zone}" if r.daily else "no daily summary"
    builtin = "built-in alerts on" if r.builtin_alerts else "built-in alerts off"
    return f"This channel: {daily}; {builtin}; {counted(len(r.alerts.rules), 'alert rule')}"


def _next_summary(line: DailySubscriptionLine) -> str:
    when = f"{local(line.next_due, line.zone)} ({et(line.next_due)})"
    about = f", on the session of {day(line.next_session)}" if line.next_session else ""
    return f"Next: {when}{about}."


def change_document(r: DailyChangeReport) -> Document:
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


def listing_document(r: SubscriptionsReport) -> Document:
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


COMMAND = Command(
    (DailySubscribeQuery, DailyUnsubscribeQuery, SubscriptionsQuery),
    compute,
    {
        DailyChangeReport: Presenter(change_headline, change_document),
        SubscriptionsReport: Presenter(listing_headline, listing_document),
    },
    changes=(DailySubscribeQuery, DailyUnsubscribeQuery),
)
