"""`subscriptions`: everything a channel is subscribed to, its daily summary, the built-in
alerts and its alert rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.commands.alert import alert_list_document
from bot.commands.base import Command, Computed, Context, Presenter
from bot.commands.subscribe import next_summary
from bot.grammar import no_arguments
from bot.help import Topic
from bot.render.layout import Document, Part
from bot.render.numbers import counted, day
from bot.summaries.reports import SubscriptionsReport


@dataclass(frozen=True)
class SubscriptionsQuery:
    pass


def compute(ctx: Context, query: SubscriptionsQuery, on: date) -> Computed:
    return Computed(ctx.subscriptions.listing(ctx.channel("subscriptions")))


def listing_headline(r: SubscriptionsReport) -> str:
    daily = f"daily summary at {r.daily.at} {r.daily.zone}" if r.daily else "no daily summary"
    builtin = "built-in alerts on" if r.builtin_alerts else "built-in alerts off"
    return f"This channel: {daily}; {builtin}; {counted(len(r.alerts.rules), 'alert rule')}"


def listing_document(r: SubscriptionsReport) -> Document:
    parts: list[Part] = ["Subscriptions in this channel"]
    if r.daily:
        parts += [
            f"Daily summary: {r.daily.at} {r.daily.zone} on NYSE trading days "
            f"(since {day(r.daily.created_at.date())}).",
            next_summary(r.daily),
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
    name="subscriptions",
    parse=no_arguments("subscriptions", SubscriptionsQuery()),
    queries=(SubscriptionsQuery,),
    compute=compute,
    presenters={SubscriptionsReport: Presenter(listing_headline, listing_document)},
    topic=Topic(
        "this channel's daily summary and alert rules", ("subscriptions",), (), "subscriptions"
    ),
)
