"""`alert test` replays: any history the commands answer for, from the first session asked."""

from __future__ import annotations

from datetime import date

import pytest

from bot.alerts.replay import replay
from bot.alerts.rules import RUSSELL, SMALL_VS_LARGE, Direction, Kind, RuleSpec
from tests.factories import closes

RUT, SPX = "^RUT", "^GSPC"

CRASH_DAYS = ["1987-10-14", "1987-10-15", "1987-10-16", "1987-10-19", "1987-10-20", "1987-10-21"]
"""The week of the 1987 crash, as the NYSE traded it."""


def crash() -> dict:
    return {
        RUT: closes([300.0, 298.0, 288.0, 230.0, 220.0, 240.0], dates=CRASH_DAYS),
        SPX: closes([305.0, 298.0, 282.0, 225.0, 236.0, 258.0], dates=CRASH_DAYS),
    }


@pytest.mark.parametrize(
    ("spec", "fired"),
    [
        (
            RuleSpec(Kind.MOVE, RUSSELL, Direction.ABOVE, 2.0),
            ["1987-10-16", "1987-10-19", "1987-10-20", "1987-10-21"],
        ),
        (
            RuleSpec(Kind.SPREAD, SMALL_VS_LARGE, Direction.ABOVE, 1.5),
            ["1987-10-15", "1987-10-16", "1987-10-20"],
        ),
        (RuleSpec(Kind.STREAK, SMALL_VS_LARGE, Direction.ABOVE, 2.0), ["1987-10-16"]),
        (RuleSpec(Kind.LEVEL, RUSSELL, Direction.BELOW, 250.0), ["1987-10-19"]),
    ],
    ids=["move", "spread", "streak", "level"],
)
def test_the_1987_crash_replays_like_any_other_day(spec: RuleSpec, fired: list[str]) -> None:
    report = replay(spec, crash(), date(1987, 10, 15), date(1987, 10, 21))
    assert [f.date.isoformat() for f in report.firings] == fired


def test_a_daily_measure_s_replay_evaluates_its_first_session() -> None:
    """`since` is the first session counted: its spread is measured from the close before."""
    prices = crash()
    spread = RuleSpec(Kind.SPREAD, SMALL_VS_LARGE, Direction.ABOVE, 1.5)
    report = replay(spread, prices, date(1987, 10, 16), date(1987, 10, 21))
    assert report.since == date(1987, 10, 16)
    assert [f.date for f in report.firings] == [date(1987, 10, 16), date(1987, 10, 20)]


def test_a_replay_from_before_the_history_counts_its_first_measured_session() -> None:
    """The first close has no move; the second has one, and it counts."""
    move = RuleSpec(Kind.MOVE, RUSSELL, Direction.ABOVE, 0.5)
    report = replay(move, crash(), date(1987, 9, 1), date(1987, 10, 21))
    assert report.since == date(1987, 10, 15)
    assert report.firings[0].date == date(1987, 10, 15)


def test_a_level_replay_starts_from_the_close_before_since() -> None:
    """A level crossed on the first session asked for counts: the rule is made the close
    before; with no close before, it starts at the first and counts from the next."""
    below = RuleSpec(Kind.LEVEL, RUSSELL, Direction.BELOW, 250.0)
    report = replay(below, crash(), date(1987, 10, 19), date(1987, 10, 21))
    assert (report.since, [f.date for f in report.firings]) == (
        date(1987, 10, 19),
        [date(1987, 10, 19)],
    )
    assert replay(below, crash(), date(1987, 9, 1), date(1987, 10, 21)).since == date(1987, 10, 15)


@pytest.mark.parametrize(
    ("close", "fires"),
    [(100.5, True), (100.496, True), (100.494, False)],
    ids=["exactly-0.50", "shown-0.50", "shown-0.49"],
)
def test_a_threshold_met_at_the_precision_shown_is_met(close: float, fires: bool) -> None:
    """100 to 100.5 is a move of 0.4999999999999893% in floating point, shown as 0.50%: it
    reaches a 0.5% rule, as 0.496% (shown 0.50%) does; 0.494% (shown 0.49%) does not."""
    days = ["2025-01-02", "2025-01-03", "2025-01-06"]
    prices = {RUT: closes([100.0, 100.0, close], dates=days)}
    move = RuleSpec(Kind.MOVE, RUSSELL, Direction.ABOVE, 0.5)
    report = replay(move, prices, date(2025, 1, 3), date(2025, 1, 6))
    assert [f.date for f in report.firings] == ([date(2025, 1, 6)] if fires else [])


def test_a_threshold_typed_finer_than_shown_is_compared_at_the_precision_typed() -> None:
    assert RuleSpec(Kind.MOVE, RUSSELL, Direction.ABOVE, 2.125).threshold == pytest.approx(2.1245)
    assert RuleSpec(Kind.SPREAD, SMALL_VS_LARGE, Direction.ABOVE, 1.5).threshold == 1.495
