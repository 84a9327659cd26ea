"""The "Daily summary" form: a channel, a time and a zone, read into the query `subscribe daily
at HH:MM <zone>` makes, by the same readers of a time and a zone as typed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.commands.subscribe import DailySubscribeQuery, clock_time
from bot.errors import CommandError
from bot.slack.views.forms import (
    Values,
    channel_picker,
    chosen,
    conversation,
    input_block,
    option,
    plain,
    selected_time,
)
from bot.summaries.schedule import DEFAULT_AT, DEFAULT_ZONE, DailyTime
from bot.summaries.zones import described, time_zone, zones_matching

CALLBACK = "daily_summary"
"""The modal's callback id, and the global shortcut's that opens it."""
CHANNEL, TIME, ZONE = "channel", "time", "zone"
MAX_OPTIONS = 100
COMMON_ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Zurich",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Hong_Kong",
    "Asia/Tokyo",
    "Australia/Sydney",
    "UTC",
)
"""What the zone menu offers before anything is typed."""


@dataclass(frozen=True)
class SummaryDraft:
    channel: str | None = None
    at: str | None = None
    """HH:MM, as the time picker gives it."""
    zone: str | None = None

    def query(self) -> DailySubscribeQuery:
        """What `subscribe daily` at this time and zone asks; CommandError when one does not
        read."""
        at = clock_time(self.at) if self.at else DEFAULT_AT
        return DailySubscribeQuery(DailyTime(at, time_zone(self.zone or DEFAULT_ZONE)))


def read_form(values: Values) -> SummaryDraft:
    return SummaryDraft(
        conversation(values, CHANNEL), selected_time(values, TIME), chosen(values, ZONE)
    )


def read_view(view: dict[str, Any]) -> SummaryDraft:
    """The draft in a submitted view."""
    return read_form(view.get("state", {}).get("values", {}))


def field_errors(draft: SummaryDraft) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not draft.channel:
        errors[CHANNEL] = "Choose the channel the summary goes to."
    for field, value, read in ((TIME, draft.at, clock_time), (ZONE, draft.zone, time_zone)):
        if value is None:
            continue
        try:
            read(value)
        except CommandError as error:
            errors[field] = error.message[0].upper() + error.message[1:]
    return errors


def summary_form(draft: SummaryDraft) -> dict[str, Any]:
    channel = channel_picker(CHANNEL, draft.channel)
    zone = draft.zone or DEFAULT_ZONE
    return {
        "type": "modal",
        "callback_id": CALLBACK,
        "title": plain("Daily summary"),
        "submit": plain("Subscribe"),
        "close": plain("Cancel"),
        "blocks": [
            input_block(CHANNEL, "Post the summary in", channel),
            input_block(
                TIME,
                "At",
                {
                    "type": "timepicker",
                    "action_id": TIME,
                    "initial_time": draft.at or DEFAULT_AT.strftime("%H:%M"),
                },
                hint="On every NYSE trading day, in the zone below.",
            ),
            input_block(
                ZONE,
                "Time zone",
                {
                    "type": "external_select",
                    "action_id": ZONE,
                    "min_query_length": 0,
                    "initial_option": option(described(zone), zone),
                    "placeholder": plain("Europe/London, Asia/Tokyo, ET…"),
                },
            ),
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "Again with another time moves the channel's summary; "
                        "`/smallcaps unsubscribe daily` stops it.",
                    }
                ],
            },
        ],
    }


def zone_options(query: str) -> list[dict[str, Any]]:
    """The zone menu's type-ahead: the common zones first, then every zone whose IANA name,
    short name (ET, London) or season (`est` finds New York) contains what was typed, each
    saying what its clock reads across the year. Refused zones (EST, Etc/GMT+5) are not
    offered."""
    found = zones_matching(query) if query.strip() else list(COMMON_ZONES)
    ordered = sorted(found, key=lambda z: z not in COMMON_ZONES)
    return [option(described(z), z) for z in ordered[:MAX_OPTIONS]]
