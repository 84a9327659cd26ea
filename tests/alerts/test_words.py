"""What alerts say: thresholds as typed, confirmations in the measure's unit, records dated."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot.alerts.present import present_side
from bot.alerts.reports import AlertMessage
from bot.alerts.rules import RuleSpec
from bot.analytics.streak import LongestSince
from bot.commands.alert import AddAlertQuery
from bot.commands.alert import parse as parse_alert
from bot.render.alert import alert_document
from bot.render.text import document_text

DAY = date(2026, 1, 22)


def spec(text: str) -> RuleSpec:
    query = parse_alert(["add", *text.split()], None)
    assert isinstance(query, AddAlertQuery)
    return query.spec


def test_a_threshold_keeps_the_precision_it_was_typed_with() -> None:
    assert spec("iwm/spy above 0.393").describe().startswith("IWM/SPY above 0.393 (")
    assert spec("rut crosses 2,750.5").describe().startswith("Russell 2000 crosses 2,750.5 (")
    assert spec("rut above 2750").describe().startswith("Russell 2000 above 2,750 (")
    assert "reaches 10 sessions" in spec("streak 10").describe()
    # a ratio is named as typed, and a setting that is not the default is shown
    assert spec("rut/spx below 0.38").describe().startswith("RUT/SPX below 0.38 (")
    assert (
        spec("rut above 2750 cooldown 3")
        .describe()
        .endswith("(close, every, band 0.5%, cooldown 3)")
    )
    assert "cooldown" not in spec("rut above 2750 cooldown 1").describe()


@pytest.mark.parametrize(
    ("rule", "figure", "says"),
    [
        ("spread 1.5", -1.24, "Small minus large was -1.24 pts on 2026-01-22: I will alert when"),
        ("rut move 2", -2.33, "Russell 2000 fell 2.33% on 2026-01-22, already past 2%"),
        ("rut move 2", 0.004, "Russell 2000 was flat on 2026-01-22: I will alert when"),
        ("rate cuts 0.5", -0.5, "The cuts priced for the year moved -0.50 on 2026-01-22"),
    ],
)
def test_a_confirmation_keeps_the_sign_of_the_figure(rule: str, figure: float, says: str) -> None:
    """The rule fires either way, on the figure's size; the figure is reported as it was."""
    assert says in present_side(spec(rule), abs(figure), DAY, figure)


@pytest.mark.parametrize(
    ("rule", "value", "says"),
    [
        (
            "streak 10",
            13.0,
            "The small-cap streak is 13 sessions (2026-01-22), already past 10, which does not "
            "fire: I will alert when it ends, and when a new streak reaches 10.",
        ),
        (
            "streak 10",
            3.0,
            "The small-cap streak is 3 sessions (2026-01-22): I will alert when it reaches 10, "
            "and when such a streak ends.",
        ),
        (
            "spx move 1%",
            1.1612,
            "S&P 500 rose 1.16% on 2026-01-22, already past 1%, which does not fire: I will "
            "alert the next time a day's move reaches 1% either way.",
        ),
        (
            "spx move 2",
            0.4,
            "S&P 500 rose 0.40% on 2026-01-22: I will alert when a day's move reaches 2% "
            "either way.",
        ),
        ("spread 1.5", 0.25, "Small minus large was +0.25 pts on 2026-01-22: I will alert"),
        ("iwm/spy above 0.393", 0.3871, "IWM/SPY is 1.52% below 0.393 (0.3871 on 2026-01-22)"),
    ],
)
def test_a_confirmation_speaks_in_the_measure_s_unit(rule: str, value: float, says: str) -> None:
    text = present_side(spec(rule), value, DAY)
    assert says in text
    assert ".00 sessions" not in text and " %" not in text


ALERT = AlertMessage(
    firing="3-up-1769115600",
    rule_id=3,
    channel="C1",
    rule="the streak becomes the longest in more than a year (close, every)",
    target="rut/spx",
    kind="longest-since",
    side="up",
    level=0.5,
    unit="records",
    value=1.0,
    previous=0.0,
    price=2718.77,
    previous_price=2690.0,
    at=datetime(2026, 1, 22, 21, 0, tzinfo=UTC),
    session=DAY,
    late=False,
    retired=False,
    rearm_at=0.0,
    streak=14,
    longest_since=LongestSince(date(2008, 6, 6), 13),
)


def test_a_longest_since_alert_says_since_when() -> None:
    doc = alert_document(ALERT)
    assert doc.title == (
        "The small-cap streak (14 sessions) is the longest since 2008-06-06 (13 sessions)"
    )
    record = alert_document(replace(ALERT, longest_since=None))
    assert record.title == "The small-cap streak (14 sessions) is the longest on record"


def test_a_record_alert_is_measured_from_the_previous_close() -> None:
    record = replace(ALERT, kind="all-time-high", target="Russell 2000", value=1.07)
    text = document_text(alert_document(record))
    assert "Russell 2000 closed at a new all-time high, 1.07% above the last" in text
    assert "2,718.77 at 2026-01-22 16:00 ET, from the previous close of 2,690.00 (+1.07%)" in text
    assert "re-arms at the next session" in text
