"""The alert grammar's numbers: read as typed, within documented bounds, never flipped."""

from __future__ import annotations

import pytest

from bot.alerts.rules import Kind
from bot.commands.alert import AddAlertQuery
from bot.commands.alert import parse as parse_alert
from bot.errors import CommandError


def rule(text: str) -> AddAlertQuery:
    query = parse_alert(text.split(), None)
    assert isinstance(query, AddAlertQuery)
    return query


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("add rut above -2750", "a level is more than 0 and below 10,000,000, not '-2750'"),
        ("add iwm/spy below -0.2", "not '-0.2'"),
        ("add rut above 0", "not '0'"),
        ("add rut above 2750 band -1%", "a band in % is at least 0% and at most 10%, not '-1%'"),
        ("add rut above 2750 band 11", "at most 10%"),
        ("add spread 1000", "a spread in points (either way) is more than 0 and at most 25 pts"),
        ("add spread -1.5", "not '-1.5'"),
        ("add spx move -2%", "a move (up or down) in % is more than 0% and at most 50%"),
        ("add spx move 0", "not '0'"),
        ("add streak 1", "a whole number from 2 to 250 sessions, not '1'"),
        ("add streak 10.5", "not '10.5'"),
        ("add rut above 2750 cooldown -1", "a whole number from 0 to 250 sessions"),
        ("add rut above 2750 cooldown 251", "not '251'"),
        ("add rut above 2,75,0", "expected a level, got '2,75,0'"),
        (
            "add rut above 2750.123456789",
            "expected a level, got '2750.123456789': a number has at most 8 decimals",
        ),
        ("add iwm/spy above 0.3930000001", "at most 8 decimals"),
        ("add rut above 1234567890123", "a number has at most 12 digits before its point"),
        ("add spread 0.123456789", "a spread in points (either way), got '0.123456789': a numb"),
        ("add rut above 2750%", "expected a level, got '2750%'"),
        ("add iwm/iwm above 1", "a ratio of two different names"),
        ("add spx move 2% band 1", "a band is for level rules"),
        ("add now above 1", "'now' is a word here"),
        ("test 99999999999999999999999999", "give the rule's number from `alert list`"),
    ],
)
def test_out_of_bounds_or_malformed_numbers_are_refused(text: str, message: str) -> None:
    with pytest.raises(CommandError) as caught:
        parse_alert(text.split(), None)
    assert message in caught.value.message
    parse_alert(caught.value.example.removeprefix("alert ").split(), None)


def test_numbers_keep_the_value_typed() -> None:
    assert rule("add rut above 2,750.5").spec.level == 2750.5
    assert rule("add iwm/spy above 0.393").spec.level == 0.393
    assert rule("add rut above +2750").spec.level == 2750.0
    assert rule("add spread 1.5%").spec.level == 1.5
    move = rule("add spx move 2% cooldown 0").spec
    assert (move.kind, move.level, move.cooldown_sessions) == (Kind.MOVE, 2, 0)
    assert rule("add rut above 2750 band 0").spec.band_pct == 0
    assert rule("add streak 250").spec.level == 250


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("add rut above 2750 once every", "'once' and 'every' both say how often the rule fires"),
        ("add rut above 2750 every once", "'every' and 'once' both say how often"),
        ("add rut above 2750 once once", "'once' is given twice"),
        ("add rut above 2750 close intraday", "'close' and 'intraday' both say which prices"),
        ("add spx move 2 intraday close", "'intraday' and 'close' both say which prices"),
        ("add rut above 2750 band 0.5% band 1%", "'band 0.5%' and 'band 1%' both set the band"),
        (
            "add spread 1 cooldown 1 cooldown 3",
            "'cooldown 1' and 'cooldown 3' both set the cooldown",
        ),
        ("test rut above 2750 once every since 2025-01-02", "both say how often the rule fires"),
    ],
)
def test_an_option_given_twice_is_refused_naming_both(text: str, message: str) -> None:
    with pytest.raises(CommandError) as error:
        parse_alert(text.split(), None)
    assert message in error.value.message
    assert "keep one" in error.value.message or "give it once" in error.value.message


def test_a_second_since_is_refused_naming_both() -> None:
    with pytest.raises(CommandError) as error:
        parse_alert(
            ["test", "rut", "above", "2750", "since", "2025-01-01", "since", "2025-02-01"], None
        )
    assert error.value.message == (
        "'since 2025-01-01' and 'since 2025-02-01' both give the first day: keep one"
    )
