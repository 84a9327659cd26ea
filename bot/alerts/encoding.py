"""Alert rules, observations and messages as the JSON kept in Redis, and back: fast (no deep
copies: this runs for every firing) and exact (dates as ISO text)."""

from __future__ import annotations

import json
from dataclasses import is_dataclass
from datetime import date, datetime
from typing import Any

from bot.alerts.machine import Leg, Observation, Repeat, Side, State
from bot.alerts.reports import AlertMessage
from bot.alerts.rules import AlertRule, Basis, Direction, Kind, Owner, RuleSpec, Target
from bot.analytics.levels import WatchedLevel
from bot.analytics.streak import LongestSince


def text(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw


def _json_default(value: Any) -> Any:
    """Dates as ISO text, dataclasses as objects (their fields are their `__dict__`): far faster
    than `asdict`, which copies deeply, and this runs for every firing."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return vars(value)
    raise TypeError(f"cannot store {value!r}")


def dump(value: Any) -> str:
    return json.dumps(value, default=_json_default, separators=(",", ":"))


def dump_rule(rule: AlertRule) -> str:
    return dump(rule)


def load_rule(raw: bytes | str) -> AlertRule:
    data = json.loads(raw)
    spec, owner = data["spec"], data["owner"]
    target = spec.pop("target")
    return AlertRule(
        id=data["id"],
        spec=RuleSpec(
            kind=Kind(spec.pop("kind")),
            target=Target(tuple(target["symbols"]), target["key"]),
            direction=Direction(spec.pop("direction")),
            basis=Basis(spec.pop("basis")),
            repeat=Repeat(spec.pop("repeat")),
            **spec,
        ),
        owner=Owner(**{**owner, "created_at": datetime.fromisoformat(owner["created_at"])}),
        legs=tuple(_load_leg(leg) for leg in data["legs"]),
    )


def _load_leg(data: dict[str, Any]) -> Leg:
    return Leg(
        side=Side(data["side"]),
        threshold=data["threshold"],
        rearm_at=data["rearm_at"],
        repeat=Repeat(data["repeat"]),
        cooldown_sessions=data["cooldown_sessions"],
        state=State(data["state"]),
        quiet_until=load_day(data["quiet_until"]),
        fired=data["fired"],
        last_fired=load_day(data["last_fired"]),
    )


def load_day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def dump_observation(observation: Observation) -> str:
    return dump(observation)


def load_observation(raw: bytes | str | None) -> Observation | None:
    if not raw:
        return None
    data = json.loads(raw)
    return Observation(
        datetime.fromisoformat(data["at"]),
        date.fromisoformat(data["session"]),
        data["value"],
        data["price"],
        data.get("figure"),
    )


def dump_message(message: AlertMessage) -> str:
    return dump(message)


def load_message(raw: str) -> AlertMessage:
    data = json.loads(raw)
    level = data.pop("next_level")
    record = data.pop("longest_since", None)
    quiet = data.pop("quiet_until", None)
    return AlertMessage(
        **{
            **data,
            "at": datetime.fromisoformat(data["at"]),
            "session": date.fromisoformat(data["session"]),
            "next_level": WatchedLevel(**level) if level else None,
            "quiet_until": load_day(quiet),
            "longest_since": (
                LongestSince(date.fromisoformat(record["date"]), record["length"])
                if record
                else None
            ),
        }
    )
