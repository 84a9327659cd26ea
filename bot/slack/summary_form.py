"""The "Daily summary" form: a channel, a time and a zone, made into `subscribe daily at
HH:MM <zone>` and read by the same grammar as typed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import available_timezones

from bot.errors import CommandError
from bot.slack.forms import (
    Values,
    channel_picker,
    chosen,
    conversation,
    input_block,
    option,
    plain,
    selected_time,
)
from bot.summaries.grammar import ALIASES, clock_time, time_zone
from bot.summaries.schedule import DEFAULT_AT, DEFAULT_ZONE

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

    @property
    def text(self) -> str:
        at = self.at or DEFAULT_AT.strftime("%H:%M")
        return f"subscribe daily at {at} {self.zone or DEFAULT_ZONE}"


def read_form(values: Values) -> SummaryDraft:
    return SummaryDraft(
        conversation(values, CHANNEL), selected_time(values, TIME), chosen(values, ZONE)
    )


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
                    "initial_option": option(zone, zone),
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
    """The zone menu's type-ahead: the common zones first, then every IANA zone or short name
    (ET, London) containing what was typed."""
    q = query.strip().lower().replace(" ", "_")
    if not q:
        return [option(z, z) for z in COMMON_ZONES]
    named = {ALIASES[a] for a in ALIASES if q in a}
    found = sorted(
        {z for z in available_timezones() if q in z.lower()} | named,
        key=lambda z: (z not in COMMON_ZONES, z not in named, z),
    )
    return [option(z, z) for z in found[:MAX_OPTIONS]]
