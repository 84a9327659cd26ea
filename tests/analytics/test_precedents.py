"""Precedents: completed runs of at least N sessions, and both series' returns afterwards."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from bot.analytics.precedents import Forward, precedents
from bot.analytics.streak import Run
from bot.render.document import document
from bot.render.layout import Table
from bot.render.numbers import signed_pct
from bot.render.text import document_text
from bot.reports import Answer
from tests.factories import random_walk


def anchored(anchors: dict[str, float], start: str, end: str) -> pd.Series:
    """Business-day closes that hold each anchor's value from its date until the next anchor."""
    index = pd.bdate_range(start, end)
    values = pd.Series(np.nan, index=index)
    for day, value in anchors.items():
        values[pd.Timestamp(day)] = value
    return values.ffill().astype(float)


@pytest.fixture
def market() -> tuple[pd.Series, pd.Series]:
    """B is flat at 100. A rises 1% a day 2020-01-06..01-10 (a 5-session run), drops 10% on
    03-02, rises on 06-01 and falls 1% on 06-02, rises 20% on 09-01, falls 1% on 2021-01-04,
    then rises 2021-03-01..03-03 (3 sessions, still open on 03-03)."""
    a_anchors = {"2020-01-02": 100.0}
    value = 100.0
    for day in ["2020-01-06", "2020-01-07", "2020-01-08", "2020-01-09", "2020-01-10"]:
        value *= 1.01
        a_anchors[day] = value
    top = value
    a_anchors["2020-03-02"] = top * 0.9
    a_anchors["2020-06-01"] = top * 0.95
    a_anchors["2020-06-02"] = top * 0.95 * 0.99
    a_anchors["2020-09-01"] = top * 0.95 * 0.99 * 1.2
    a_anchors["2021-01-04"] = top * 0.95 * 0.99 * 1.2 * 0.99
    level = a_anchors["2021-01-04"]
    for day in ["2021-03-01", "2021-03-02", "2021-03-03"]:
        level *= 1.02
        a_anchors[day] = level
    a = anchored(a_anchors, "2020-01-02", "2021-03-03")
    b = anchored({"2020-01-02": 100.0}, "2020-01-02", "2021-03-03")
    return a, b


def test_episodes_and_their_forward_returns(market: tuple[pd.Series, pd.Series]) -> None:
    a, b = market
    report = precedents(a, b, date(2021, 3, 3), min_length=5, a_key="rut", b_key="spx")
    assert report.min_length == 5
    (episode,) = report.episodes
    assert (episode.start, episode.end, episode.length) == (date(2020, 1, 6), date(2020, 1, 10), 5)
    top = 100 * 1.01**5
    # 3 months after 2020-01-10: close of 2020-04-10 (after the 10% drop)
    assert episode.forward["3m"] == Forward(pytest.approx(-10.0), pytest.approx(0.0))
    # 6 months: 2020-07-10, after the June rise and fall
    expected_6m = (top * 0.95 * 0.99 / top - 1) * 100
    assert episode.forward["6m"] == Forward(pytest.approx(expected_6m), pytest.approx(0.0))
    # 12 months: 2021-01-10 is a Sunday, so the close of Friday 2021-01-08
    expected_12m = (top * 0.95 * 0.99 * 1.2 * 0.99 / top - 1) * 100
    assert episode.forward["12m"] == Forward(pytest.approx(expected_12m), pytest.approx(0.0))
    assert report.current == Run(date(2021, 3, 1), date(2021, 3, 3), 3)


def test_summary_counts_how_often_a_kept_leading(market: tuple[pd.Series, pd.Series]) -> None:
    a, b = market
    report = precedents(a, b, date(2021, 3, 3), min_length=1)
    # completed runs: 5 sessions ending 2020-01-10, then the single rises of 06-01 and 09-01
    assert [(e.end, e.length) for e in report.episodes] == [
        (date(2020, 1, 10), 5),
        (date(2020, 6, 1), 1),
        (date(2020, 9, 1), 1),
    ]
    twelve = next(s for s in report.summary if s.horizon == "12m")
    assert twelve.known == 1  # 2021-06-01 and 2021-09-01 are after the as-of date
    assert report.episodes[1].forward["12m"] is None
    three = next(s for s in report.summary if s.horizon == "3m")
    # 3m after 01-10: -10%; after 06-01 (to 09-01): 0.99 * 1.2 - 1 = +18.8%; after 09-01: 0%
    # B is flat, so A led only after 06-01 (0% is not beating 0%)
    assert three.known == 3 and three.a_led == 1
    assert three.a_led_pct == pytest.approx(100 / 3)
    assert three.avg_a_pct == pytest.approx((-10.0 + 18.8 + 0.0) / 3)
    assert three.avg_spread_pts == pytest.approx((-10.0 + 18.8 + 0.0) / 3)


def test_forward_returns_are_unknown_until_the_horizon_has_passed(
    market: tuple[pd.Series, pd.Series],
) -> None:
    a, b = market
    report = precedents(a, b, date(2020, 5, 1), min_length=5)
    (episode,) = report.episodes
    assert episode.forward["3m"] is not None
    assert episode.forward["6m"] is None and episode.forward["12m"] is None
    assert next(s for s in report.summary if s.horizon == "12m").a_led_pct is None


def test_the_open_run_is_not_an_episode(market: tuple[pd.Series, pd.Series]) -> None:
    a, b = market
    report = precedents(a, b, date(2021, 3, 3), min_length=3)
    assert [e.length for e in report.episodes] == [5]
    assert report.current is not None and report.current.length == 3
    report = precedents(a, b, date(2020, 1, 9), min_length=3)
    assert report.episodes == []
    assert report.current == Run(date(2020, 1, 6), date(2020, 1, 9), 4)


def test_the_horizon_asked_is_the_horizon_shown() -> None:
    a, b = random_walk(12, seed=11), random_walk(12, seed=12)
    end = a.index[-1].date()
    texts = {}
    for horizon in ("3m", "12m"):
        report = precedents(a, b, end, 4, horizon)
        doc = document(Answer("precedents", end, None, report))
        (table,) = [p for p in doc.parts if isinstance(p, Table)]
        assert table.header[2] == f"A {horizon}"
        first = report.episodes[0].forward[horizon]
        assert first is not None and table.rows[0][2] == signed_pct(first.a, 1)
        texts[horizon] = document_text(doc)
    assert texts["3m"] != texts["12m"]
    assert "3 months after: " in texts["3m"] and "Other horizons: 6m" in texts["3m"]
