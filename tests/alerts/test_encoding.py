"""Rules, observations and messages as kept in Redis: what earlier versions stored still loads,
and what is stored now is the same JSON document (so backups and a version rolled back read it)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.alerts.encoding import (
    dump_message,
    dump_observation,
    dump_rule,
    load_message,
    load_observation,
    load_rule,
)
from bot.alerts.machine import Observation, Repeat, State
from bot.alerts.reports import AlertMessage
from bot.alerts.rules import AlertRule, Direction, Kind, Owner, RuleSpec, Target, fresh_legs
from bot.analytics.levels import WatchedLevel
from bot.analytics.streak import LongestSince

# As the version before msgspec wrote them (`json.dumps` of the dataclasses' fields).
STORED_RULE = (
    '{"id":42,"spec":{"kind":"level","target":{"symbols":["^RUT"],"key":"rut"},'
    '"direction":"crosses","level":2750.0,"basis":"close","repeat":"every","band_pct":0.5,'
    '"cooldown_sessions":3},"owner":{"channel":"C0ALERTS","workspace":"T0ONE",'
    '"created_by":"U0MAKER","created_at":"2026-01-22T21:30:00+00:00","builtin":false},'
    '"legs":[{"side":"up","threshold":2750.0,"rearm_at":2736.25,"repeat":"every",'
    '"cooldown_sessions":3,"state":"fired","quiet_until":"2026-01-27","fired":2,'
    '"last_fired":"2026-01-22"},{"side":"down","threshold":2750.0,"rearm_at":2763.75,'
    '"repeat":"every","cooldown_sessions":3,"state":"armed","quiet_until":null,"fired":0,'
    '"last_fired":null}]}'
)
STORED_OBSERVATION = (
    '{"at":"2026-01-22T21:00:00+00:00","session":"2026-01-22","value":2761.5,"price":2761.5,'
    '"figure":null}'
)
STORED_MESSAGE = (
    '{"firing":"42-up-1769115600","rule_id":42,"channel":"C0ALERTS",'
    '"rule":"Russell 2000 crosses 2,750 (close, every, band 0.5%, cooldown 3)",'
    '"target":"Russell 2000","kind":"level","side":"up","level":2750.0,"unit":"price",'
    '"value":2761.5,"previous":2740.25,"price":2761.5,"previous_price":2740.25,'
    '"at":"2026-01-22T21:00:00+00:00","session":"2026-01-22","late":false,"retired":false,'
    '"rearm_at":2736.25,"streak":4,"next_level":{"value":2800.0,"label":"Custom"},'
    '"quiet_until":"2026-01-27","longest_since":{"date":"2025-03-04","length":9},'
    '"workspace":"T0ONE","figure":null,"source":"^RUT from Stooq after 2026-01-21"}'
)
AT = datetime(2026, 1, 22, 21, 0, tzinfo=UTC)


def _rule() -> AlertRule:
    owner = Owner("C0ALERTS", "T0ONE", "U0MAKER", datetime(2026, 1, 22, 21, 30, tzinfo=UTC))
    spec = RuleSpec(Kind.LEVEL, Target(("^RUT",), "rut"), Direction.CROSSES, 2750.0)
    spec = replace(spec, cooldown_sessions=3)
    up, down = fresh_legs(spec)
    fired = replace(
        up, state=State.FIRED, quiet_until=date(2026, 1, 27), fired=2, last_fired=date(2026, 1, 22)
    )
    return AlertRule(42, spec, owner, (fired, down))


def _message() -> AlertMessage:
    return AlertMessage(
        firing="42-up-1769115600",
        rule_id=42,
        channel="C0ALERTS",
        rule="Russell 2000 crosses 2,750 (close, every, band 0.5%, cooldown 3)",
        target="Russell 2000",
        kind="level",
        side="up",
        level=2750.0,
        unit="price",
        value=2761.5,
        previous=2740.25,
        price=2761.5,
        previous_price=2740.25,
        at=AT,
        session=date(2026, 1, 22),
        late=False,
        retired=False,
        rearm_at=2736.25,
        streak=4,
        next_level=WatchedLevel(2800.0, "Custom"),
        quiet_until=date(2026, 1, 27),
        longest_since=LongestSince(date(2025, 3, 4), 9),
        workspace="T0ONE",
        source="^RUT from Stooq after 2026-01-21",
    )


def test_what_the_version_before_stored_loads_as_it_was() -> None:
    assert load_rule(STORED_RULE) == _rule()
    assert load_rule(STORED_RULE.encode()) == _rule()  # as Redis answers
    assert load_observation(STORED_OBSERVATION) == Observation(
        AT, date(2026, 1, 22), 2761.5, 2761.5
    )
    assert load_message(STORED_MESSAGE) == _message()


def test_older_records_without_the_fields_added_since_load_with_their_defaults() -> None:
    observation = json.loads(STORED_OBSERVATION)
    del observation["figure"]
    assert load_observation(json.dumps(observation)) == Observation(
        AT, date(2026, 1, 22), 2761.5, 2761.5
    )
    message = json.loads(STORED_MESSAGE)
    for added in ("figure", "source", "workspace", "longest_since", "quiet_until"):
        del message[added]
    expected = replace(_message(), source="", workspace="", longest_since=None, quiet_until=None)
    assert load_message(json.dumps(message)) == expected
    rule = json.loads(STORED_RULE)
    del rule["owner"]["builtin"]
    assert load_rule(json.dumps(rule)) == _rule()


def test_a_whole_number_stored_for_a_level_loads_as_that_level() -> None:
    rule = json.loads(STORED_RULE)
    rule["spec"]["level"] = 2750
    loaded = load_rule(json.dumps(rule))
    assert loaded.spec.level == 2750.0 and loaded.spec.describe() == _rule().spec.describe()


def _document(raw: str) -> object:
    """The JSON document, with every time in UTC written one way."""
    return json.loads(raw.replace("Z", "+00:00"))


@pytest.mark.parametrize(
    ("value", "dump", "stored"),
    [
        (_rule(), dump_rule, STORED_RULE),
        (Observation(AT, date(2026, 1, 22), 2761.5, 2761.5), dump_observation, STORED_OBSERVATION),
        (_message(), dump_message, STORED_MESSAGE),
    ],
    ids=["rule", "observation", "message"],
)
def test_what_is_stored_now_is_the_document_stored_before(
    value: Any, dump: Callable[[Any], str], stored: str
) -> None:
    written = dump(value)
    assert _document(written) == json.loads(stored)


def test_a_time_stored_now_is_read_by_the_version_before_as_the_same_instant() -> None:
    """The version before read times with `datetime.fromisoformat`."""
    stored = json.loads(dump_observation(Observation(AT, date(2026, 1, 22), 2761.5)))
    assert stored["at"] == "2026-01-22T21:00:00Z"
    assert datetime.fromisoformat(stored["at"]) == AT


def test_every_state_round_trips() -> None:
    rule = _rule()
    for state in State:
        legs = tuple(replace(leg, state=state) for leg in rule.legs)
        once = replace(rule, legs=legs, spec=replace(rule.spec, repeat=Repeat.ONCE))
        assert load_rule(dump_rule(once)) == once
