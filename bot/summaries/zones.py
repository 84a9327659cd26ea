"""The time zones a daily summary may be set in, and what each short name means.

A zone is what it says. Any IANA zone is taken, in any case, and a few short names each mean
one city's clock: ET is New York's, EST in winter and EDT in summer. A season's abbreviation
(EST, EDT, PST, BST, ...) names one fixed offset, which is not the clock of the city people mean
by it (IANA's own `EST` is UTC-5 all year), and a fixed offset (`Etc/GMT+5`, which IANA reads as
UTC-5, or `UTC+5`) drifts from every city's clock: both are refused with the zone to type.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache
from zoneinfo import available_timezones

from bot.errors import CommandError, shown

EXAMPLE = "subscribe daily at 09:15 Europe/London"

SHORT_NAMES = {
    "et": "America/New_York",
    "new_york": "America/New_York",
    "ct": "America/Chicago",
    "mt": "America/Denver",
    "pt": "America/Los_Angeles",
    "london": "Europe/London",
    "tokyo": "Asia/Tokyo",
    "utc": "UTC",
    "gmt": "UTC",
}
"""Short names people type, each for one IANA zone, besides the IANA names themselves."""

MEANINGS = {
    "America/New_York": "ET: EST in winter, EDT in summer",
    "America/Chicago": "CT: CST in winter, CDT in summer",
    "America/Denver": "MT: MST in winter, MDT in summer",
    "America/Los_Angeles": "PT: PST in winter, PDT in summer",
    "Europe/London": "GMT in winter, BST in summer",
}
"""What a zone's clock reads across the year, said where a zone is chosen."""


@dataclass(frozen=True)
class Season:
    """An abbreviation of one season's time: whose, which fixed offset, and the zone of that
    city's clock all year."""

    city: str
    season: str
    offset: str
    zone: str
    short: str = ""
    note: str = ""

    def refusal(self, word: str) -> str:
        instead = f"{self.short} or {self.zone}" if self.short else self.zone
        return (
            f"{shown(word)} is {self.city}'s {self.season} time only, a fixed {self.offset}: "
            f"for {self.city}'s clock, which keeps daylight saving, type {instead}{self.note}"
        )


SEASONS = {
    "est": Season("New York", "winter", "UTC-5", "America/New_York", "ET"),
    "edt": Season("New York", "summer", "UTC-4", "America/New_York", "ET"),
    "cst": Season("Chicago", "winter", "UTC-6", "America/Chicago", "CT"),
    "cdt": Season("Chicago", "summer", "UTC-5", "America/Chicago", "CT"),
    "mst": Season(
        "Denver", "winter", "UTC-7", "America/Denver", "MT", " (Arizona's: America/Phoenix)"
    ),
    "mdt": Season("Denver", "summer", "UTC-6", "America/Denver", "MT"),
    "pst": Season("Los Angeles", "winter", "UTC-8", "America/Los_Angeles", "PT"),
    "pdt": Season("Los Angeles", "summer", "UTC-7", "America/Los_Angeles", "PT"),
    "bst": Season("London", "summer", "UTC+1", "Europe/London"),
    "cest": Season("Paris", "summer", "UTC+2", "Europe/Paris"),
}
"""Abbreviations of one season's time, refused: none is its city's clock all year."""

_OFFSET = re.compile(r"(etc/)?(?:gmt|utc)([+-])(\d{1,2})(?::?00)?", re.ASCII)


@cache
def _zones() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones() if is_offered(name)}


def is_offered(zone: str) -> bool:
    """Whether `zone`, an IANA name, is one a summary may be set in."""
    lowered = zone.lower()
    found = _OFFSET.fullmatch(lowered)
    return lowered not in SEASONS and not (found and int(found[3]))


def time_zone(word: str) -> str:
    """The IANA zone `word` names: an IANA name in any case, or a short name such as ET."""
    lowered = word.lower()
    if lowered in SHORT_NAMES:
        return SHORT_NAMES[lowered]
    if lowered in SEASONS:
        raise CommandError(SEASONS[lowered].refusal(word), "subscribe daily at 09:15 ET")
    found = _OFFSET.fullmatch(lowered)
    if found and int(found[3]):
        sign = "-" if found[2] == "+" else "+"
        reads = f", which IANA reads as UTC{sign}{int(found[3])}" if found[1] else ""
        raise CommandError(
            f"{shown(word)} is a fixed offset{reads}: type a city's zone instead, such as "
            "America/New_York or Asia/Kolkata, which keeps its daylight saving",
            EXAMPLE,
        )
    if lowered in _zones():
        return _zones()[lowered]
    close = difflib.get_close_matches(lowered, list(_zones()), n=1, cutoff=0.75)
    hint = (
        f": did you mean {_zones()[close[0]]}?" if close else ", e.g. Europe/London or Asia/Tokyo"
    )
    raise CommandError(f"{shown(word)} is not a time zone I know{hint}", EXAMPLE)


def zones_matching(query: str) -> list[str]:
    """Every zone offered whose IANA name, short name or season abbreviation contains `query`
    (`est` finds America/New_York), the zones meant by a short name first."""
    q = query.strip().lower().replace(" ", "_")
    named = {zone for short, zone in SHORT_NAMES.items() if q in short}
    named |= {season.zone for short, season in SEASONS.items() if q in short}
    found = {zone for lowered, zone in _zones().items() if q in lowered}
    return sorted(found | named, key=lambda z: (z not in named, z))


def described(zone: str) -> str:
    """`zone` with what its clock reads across the year, when it has a short name."""
    meaning = MEANINGS.get(zone)
    return f"{zone} ({meaning})" if meaning else zone
