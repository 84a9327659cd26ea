"""Alert rules, observations and messages as the JSON kept in Redis, and back: fast (msgspec
encodes the dataclasses and decodes straight into them, in C: this runs for every rule a tick
reads and writes) and exact (dates as ISO text).

The JSON is the one the bot has always written (`json.dumps` of the dataclasses' fields), so
values stored by earlier versions load as they are; a time in UTC is now written with `Z`
rather than `+00:00`, which earlier versions read too (Python 3.11's `fromisoformat`)."""

from __future__ import annotations

from typing import Any

import msgspec

from bot.alerts.machine import Observation
from bot.alerts.reports import AlertMessage
from bot.alerts.rules import AlertRule

_encoder = msgspec.json.Encoder()
_rule = msgspec.json.Decoder(AlertRule)
_observation = msgspec.json.Decoder(Observation)
_message = msgspec.json.Decoder(AlertMessage)


def text(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw


def dump(value: Any) -> str:
    """Dataclasses as objects of their fields, enums as their values, dates as ISO text."""
    return _encoder.encode(value).decode()


def dump_rule(rule: AlertRule) -> str:
    return dump(rule)


def load_rule(raw: bytes | str) -> AlertRule:
    return _rule.decode(raw)


def dump_observation(observation: Observation) -> str:
    return dump(observation)


def load_observation(raw: bytes | str | None) -> Observation | None:
    return _observation.decode(raw) if raw else None


def dump_message(message: AlertMessage) -> str:
    return dump(message)


def load_message(raw: bytes | str) -> AlertMessage:
    return _message.decode(raw)
