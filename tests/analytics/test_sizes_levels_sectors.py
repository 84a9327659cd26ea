"""The size ladder, technical levels and sector twins."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from bot.analytics.levels import WatchedLevel, levels
from bot.analytics.sectors import sectors
from bot.analytics.series import History
from bot.analytics.sizes import rank_correlation, size_ladder
from bot.errors import NoDataError
from bot.render.document import document
from bot.render.text import document_text
from bot.reports import Answer
from tests.factories import closes


def test_rank_correlation_by_definition() -> None:
    assert rank_correlation([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert rank_correlation([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    # ranks of y with a tie: 1, 2.5, 2.5, 4 -> Pearson against 1, 2, 3, 4
    expected = np.corrcoef([1, 2, 3, 4], [1, 2.5, 2.5, 4])[0, 1]
    assert rank_correlation([1, 2, 3, 4], [5, 7, 7, 9]) == pytest.approx(expected)
    assert rank_correlation([1, 2], [1, 2]) is None
    assert rank_correlation([1, 2, 3], [5, 5, 5]) is None


def segment(key: str, day_change_pct: float) -> History:
    return History(key, key.upper(), key, closes([100.0, 100.0 + day_change_pct]))


def test_the_smaller_the_better_is_perfectly_inverse_to_size() -> None:
    # the article's Tuesday: mega -3.2, large -1.8, mid -1.1, small -0.4, micro -0.2
    changes = [-3.2, -1.8, -1.1, -0.4, -0.2]
    names = ["Mega", "Large", "Mid", "Small", "Micro"]
    ladder = size_ladder(
        [(n, segment(n.lower(), c)) for n, c in zip(names, changes, strict=True)],
        "1d",
        date(2024, 1, 3),
    )
    assert [r.return_pct for r in ladder.rows] == pytest.approx(changes)
    assert ladder.rank_correlation == pytest.approx(1.0)
    assert ladder.order.startswith("perfectly inverse")


def test_a_missing_segment_is_noted_and_left_out_of_the_correlation() -> None:
    rows = [
        ("Mega", segment("mega", 1.0)),
        ("Large", segment("large", 0.5)),
        ("Mid", History("mid", "^SP400", "Mid", None, "no data for ^SP400")),
        ("Small", segment("small", 0.1)),
    ]
    ladder = size_ladder(rows, "1d", date(2024, 1, 3))
    assert ladder.rows[2].return_pct is None and ladder.rows[2].note == "no data for ^SP400"
    assert ladder.rank_correlation == pytest.approx(-1.0)
    assert ladder.order.startswith("perfectly in size order")


def test_levels_distances_extremes_and_averages() -> None:
    values = np.concatenate([np.linspace(100, 300, 250), np.linspace(300, 250, 51)])
    series = pd.Series(values, index=pd.bdate_range("2023-01-02", periods=len(values)))
    as_of = series.index[-1].date()
    report = levels(
        series,
        as_of,
        [
            WatchedLevel(240.0, "Support"),
            WatchedLevel(260.0, "Resistance"),
            WatchedLevel(320.0, "Major"),
        ],
        "x",
        "X",
    )
    by_label = {lv.label: lv for lv in report.levels}
    assert report.current == pytest.approx(250.0)
    assert by_label["All-time high"].value == pytest.approx(300.0)
    assert by_label["All-time high"].on == series.index[249].date()
    assert by_label["Resistance"].distance_pts == pytest.approx(10.0)
    assert by_label["Resistance"].distance_pct == pytest.approx(4.0)
    assert by_label["50-day average"].value == pytest.approx(values[-50:].mean())
    assert by_label["200-day average"].value == pytest.approx(values[-200:].mean())
    year_ago = series.index[-1] - pd.DateOffset(years=1)
    in_year = series[series.index > year_ago]
    assert by_label["52-week low"].value == pytest.approx(in_year.min())
    assert by_label["52-week low"].value > 100.0  # the first closes fell out of the window
    # the nearest levels of all, on either side of the close
    assert report.support is not None and report.support.label == "200-day average"
    assert report.resistance is not None and report.resistance.label == "Resistance"
    assert by_label["All-time low"].value == pytest.approx(100.0)
    assert by_label["All-time low"].on == series.index[0].date()
    # a watched level is dated by the last close across it: 260 on the way down, 240 never
    crossed_260 = next(i for i in range(250, len(values)) if values[i] <= 260.0)
    assert by_label["Resistance"].on == series.index[crossed_260].date()
    assert by_label["Support"].on == series.index[int(np.argmax(values > 240.0))].date()
    assert by_label["Major"].on is None and by_label["Major"].watched
    assert [lv.value for lv in report.levels] == sorted(
        (lv.value for lv in report.levels), reverse=True
    )


def test_short_histories_have_no_long_averages() -> None:
    report = levels(closes([10.0, 11.0, 12.0]), date(2024, 1, 4))
    labels = {lv.label for lv in report.levels}
    assert "50-day average" not in labels and "All-time high" in labels
    assert report.resistance is None  # at its high
    assert report.support is not None and report.support.value == 10.0


def test_sectors_divergence_leaders_and_laggards() -> None:
    def twin(sector: str, small: float, large: float) -> tuple[str, History, History]:
        return (sector, segment(f"s{sector}", small), segment(f"l{sector}", large))

    report = sectors(
        [
            twin("Fin", 9.2, 1.0),
            twin("Tech", 4.2, -3.6),
            twin("Energy", 8.4, 2.0),
            twin("Health", 3.8, 0.5),
        ],
        "1d",
        date(2024, 1, 3),
        top=2,
    )
    tech = next(r for r in report.rows if r.sector == "Tech")
    assert tech.divergence_pts == pytest.approx(7.8)
    assert report.leaders == ["Fin", "Energy"]
    assert report.laggards == ["Health", "Tech"]


def test_levels_read_at_a_glance() -> None:
    values = np.concatenate([np.linspace(2500, 2700, 60), np.linspace(2700, 2560, 20)])
    series = pd.Series(values, index=pd.bdate_range("2025-01-02", periods=len(values)))
    watched = [WatchedLevel(2640.0, "Breakout"), WatchedLevel(2900.0, "Major")]
    report = levels(series, series.index[-1].date(), watched, "rut", "^RUT")
    text = document_text(document(Answer("levels", report.session, None, report)))
    assert "Nearest resistance 2,640 (Breakout), +3.1%." in text
    below = max((lv for lv in report.levels if lv.value < 2560.0), key=lambda lv: lv.value)
    assert report.support == below
    assert below.label == "52-week low"
    assert "Nearest support 2,500 (52-week low), -2.3%." in text
    major = next(line for line in text.splitlines() if line.startswith("Major"))
    assert major.endswith("never")  # a watched level no close has crossed
    assert "All-time low" in text


def test_a_ladder_or_sector_table_with_no_prices_at_all_is_missing_data() -> None:
    none = History("mid", "^SP400", "Mid", None, "no data for ^SP400")
    mid = r"no size segment has prices \(Mid: no data for \^SP400\)"
    with pytest.raises(NoDataError, match=mid):
        size_ladder([("Mid", none)], "1d", date(2024, 1, 3))
    with pytest.raises(NoDataError, match=r"no sector fund has prices \(\^SP400, \^SP400\)"):
        sectors([("Energy", none, none)], "1d", date(2024, 1, 3))
