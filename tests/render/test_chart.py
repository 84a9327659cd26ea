"""The chart a trader reads: sessions on the x axis, dates that never overlap, legends clear of
the lines, and the source and as-of on the image, at every period."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.transforms import Bbox

from bot.analytics.relative import relative_performance
from bot.analytics.returns import PERIODS
from bot.render.chart import MAX_TICKS, chart_figure, chart_png, session_ticks
from bot.trading_calendar import nyse
from tests.factories import closes

SESSIONS = [s.date() for s in nyse().sessions_in_range("2019-01-02", "2026-01-22")]


def market() -> tuple[object, object]:
    rng = np.random.default_rng(5)
    walk = lambda drift: 1000 * np.exp(np.cumsum(rng.normal(drift, 0.01, len(SESSIONS))))  # noqa: E731
    days = [str(d) for d in SESSIONS]
    return closes(walk(0.0004).tolist(), dates=days), closes(walk(0.0002).tolist(), dates=days)


@pytest.mark.parametrize("period", [*PERIODS, "2024"])
def test_every_period_draws_a_readable_chart(period: str) -> None:
    rut, spx = market()
    report = relative_performance(rut, spx, SESSIONS[-1], period, "rut", "spx")  # type: ignore[arg-type]
    figure = chart_figure(report, "Yahoo Finance, delayed")
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    top, bottom = figure.axes
    # sessions, not calendar days: one x step a session, so no segment spans a weekend
    for axis in (top, bottom):
        for line in axis.get_lines()[:2]:
            x = np.asarray(line.get_xdata(), dtype=float)
            if len(x) > 1:
                assert set(np.diff(x)) == {1.0}, period
    # date labels: a handful, distinct, none overlapping another
    labels = [t for t in bottom.get_xticklabels() if t.get_text()]
    assert 2 <= len(labels) <= MAX_TICKS, period
    assert len({t.get_text() for t in labels}) == len(labels), period
    boxes = [t.get_window_extent(renderer) for t in labels]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :]), period
    # legends above their plots: no point of any line inside a legend's box
    for axis in (top, bottom):
        legend = axis.get_legend().get_window_extent(renderer)
        plot = axis.get_window_extent(renderer)
        assert legend.y0 >= plot.y1 - 1, period
        for line in axis.get_lines():
            points = line.get_transform().transform(line.get_xydata())
            assert not any(legend.contains(x, y) for x, y in points), period
    # the image says its source and as-of itself
    captions = [t.get_text() for t in figure.texts]
    assert f"As of {report.end.isoformat()} · Yahoo Finance, delayed" in captions
    inside = Bbox([[0, 0], [figure.bbox.width, figure.bbox.height]])
    caption = next(t for t in figure.texts if t.get_text().startswith("As of"))
    box = caption.get_window_extent(renderer)
    assert inside.contains(box.x0, box.y0) and inside.contains(box.x1, box.y1)
    assert not box.overlaps(bottom.xaxis.label.get_window_extent(renderer))


def test_ticks_mark_sessions_weeks_months_or_years() -> None:
    week = SESSIONS[-6:]
    assert session_ticks(week) == (list(range(6)), [f"{d:%b %d}" for d in week])
    month = SESSIONS[-22:]
    positions, labels = session_ticks(month)
    assert all(month[p].weekday() <= month[p - 1].weekday() for p in positions)  # week starts
    year = [d for d in SESSIONS if d > date(2025, 1, 22)]
    _, labels = session_ticks(year)
    assert labels == ["Feb 2025", "Apr", "Jun", "Aug", "Oct", "Dec"]
    across = [s.date() for s in nyse().sessions_in_range("2025-06-02", "2026-03-20")]
    _, labels = session_ticks(across)
    assert labels == ["Jul 2025", "Sep", "Nov", "Jan 2026", "Mar"]
    _, labels = session_ticks(SESSIONS[-5 * 252 :])
    assert labels == ["2022", "2023", "2024", "2025", "2026"]


def test_the_png_is_a_png() -> None:
    rut, spx = market()
    report = relative_performance(rut, spx, SESSIONS[-1], "1y", "rut", "spx")  # type: ignore[arg-type]
    assert chart_png(report, "CSV files")[:8] == b"\x89PNG\r\n\x1a\n"
