"""A chart report as a PNG: both series rebased to 100 above, their ratio and its average below.

Drawn headless (matplotlib's Agg backend), sized and lettered to be read on a phone. The x axis
counts sessions, not calendar days, so weekends and holidays leave no straight segments; its
date labels are spaced for the period (every session, weeks, months, quarters or years) and
never overlap. The legends sit above their plots, clear of the lines, and the image says its
source and as-of date itself. The chart of an answer shared by every workspace is drawn once in
a process (`answer_png`): drawing takes a few hundred times what reading the answer does.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from cachetools import LRUCache

from bot.analytics.relative import RATIO_AVERAGE_SESSIONS, ChartReport
from bot.reports import Answer
from bot.universe import display_name

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SMALL_COLOUR = "#d95f02"
LARGE_COLOUR = "#1b6ca8"
MAX_TICKS = 7
"""Date labels on the x axis at most: each is about 8 characters at 10 points on an 8-inch axis."""
DRAWN = 32
"""Charts of shared answers kept drawn, the least recently used dropped first."""
_drawn: LRUCache[tuple[str, str], bytes] = LRUCache(DRAWN)
_drawing: LRUCache[tuple[str, str], threading.Lock] = LRUCache(DRAWN)
"""The lock of each chart being drawn, so that only one thread draws it."""
_drawn_lock = threading.Lock()


def _week(d: date) -> tuple[int, ...]:
    return tuple(d.isocalendar()[:2])


def _month(d: date) -> tuple[int, ...]:
    return (d.year, d.month)


def _quarter(d: date) -> tuple[int, ...]:
    return (d.year, (d.month - 1) // 3)


def _year(d: date) -> tuple[int, ...]:
    return (d.year,)


_TICK_UNITS: tuple[tuple[float, Callable[[date], tuple[int, ...]], str], ...] = (
    (70, _week, "%b %d"),
    (400, _month, "%b"),
    (3 * 366 + 5, _quarter, "%b %Y"),
    (float("inf"), _year, "%Y"),
)
"""By the days a chart spans: the unit a tick marks the start of, and how it is labelled."""


def session_ticks(dates: Sequence[date]) -> tuple[list[int], list[str]]:
    """Positions (session numbers) and labels for the x axis: each session when there are few,
    else the first session of each week, month, quarter or year, whichever gives a handful."""
    if len(dates) <= MAX_TICKS:
        return list(range(len(dates))), [f"{d:%b %d}" for d in dates]
    span = (dates[-1] - dates[0]).days
    unit, label = next((u, lab) for days, u, lab in _TICK_UNITS if span <= days)
    starts = [i for i in range(1, len(dates)) if unit(dates[i]) != unit(dates[i - 1])]
    step = -(-len(starts) // MAX_TICKS)  # ceiling: no more than MAX_TICKS labels
    chosen = starts[::step] if starts else [0]
    if label == "%b":  # months: the year on the first label and on the first of each year
        labels = [
            f"{dates[i]:%b %Y}"
            if n == 0 or dates[i].year != dates[chosen[n - 1]].year
            else f"{dates[i]:%b}"
            for n, i in enumerate(chosen)
        ]
    else:
        labels = [f"{dates[i]:{label}}" for i in chosen]
    return chosen, labels


def chart_png(report: ChartReport, source: str = "") -> bytes:
    """The chart as PNG bytes; `source` ("Yahoo Finance, delayed") is printed under it with the
    as-of date."""
    buffer = io.BytesIO()
    chart_figure(report, source).savefig(buffer, format="png")
    return buffer.getvalue()


def chart_figure(report: ChartReport, source: str = "") -> Figure:
    """The chart as a matplotlib figure (headless), laid out and ready to save."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    a, b = display_name(report.a), display_name(report.b)
    x = list(range(len(report.dates)))
    # the bottom strip is kept for the caption (source and as-of)
    layout = ConstrainedLayoutEngine(rect=(0, 0.035, 1, 0.965))
    figure = Figure(figsize=(8, 7.5), dpi=120, layout=layout)
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=[3, 2])
    marker = "o" if len(x) <= 10 else None
    top.plot(
        x,
        report.a_rebased,
        color=SMALL_COLOUR,
        linewidth=2,
        marker=marker,
        label=f"{a} {report.a_return_pct:+.1f}%",
    )
    top.plot(
        x,
        report.b_rebased,
        color=LARGE_COLOUR,
        linewidth=2,
        marker=marker,
        label=f"{b} {report.b_return_pct:+.1f}%",
    )
    top.axhline(100, color="grey", linewidth=0.8, linestyle=":")
    top.set_ylabel(f"Rebased to 100 on {report.start.isoformat()}", fontsize=11)
    top.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=2, fontsize=12, frameon=False)
    top.grid(alpha=0.3)

    bottom.plot(x, report.ratio, color="black", linewidth=1.5, marker=marker, label=f"{a} / {b}")
    averages = [(i, v) for i, v in zip(x, report.ratio_average, strict=True) if v is not None]
    if averages:
        bottom.plot(
            [i for i, _ in averages],
            [v for _, v in averages],
            color="#7570b3",
            linewidth=1.5,
            linestyle="--",
            label=f"{RATIO_AVERAGE_SESSIONS}-day average",
        )
    bottom.set_ylabel("Ratio", fontsize=11)
    bottom.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=2, fontsize=11, frameon=False)
    bottom.grid(alpha=0.3)
    positions, labels = session_ticks(report.dates)
    bottom.set_xticks(positions, labels)
    bottom.set_xlabel("Sessions (New York closes)", fontsize=11)
    bottom.set_xlim(-0.5 if len(x) <= 10 else 0, max(len(x) - 1, 1) + (0.5 if len(x) <= 10 else 0))
    for axis in (top, bottom):
        axis.tick_params(labelsize=10)

    figure.suptitle(
        f"{a} vs {b}, {report.period.upper()}: {report.start.isoformat()} to "
        f"{report.end.isoformat()}",
        fontsize=14,
        fontweight="bold",
    )
    caption = f"As of {report.end.isoformat()}" + (f" · {source}" if source else "")
    figure.text(0.01, 0.008, caption, fontsize=9, color="#555555", ha="left", va="bottom")
    return figure


def answer_png(answer: Answer) -> bytes:
    """The chart of a `chart` answer, captioned with its source; a shared answer's drawn once."""
    assert isinstance(answer.report, ChartReport)
    source = answer.source.label if answer.source else ""
    if answer.shared_as is None:
        return chart_png(answer.report, source)
    key = (answer.shared_as, source)
    with _drawn_lock:
        png = _drawn.get(key)
        drawing = _drawing.setdefault(key, threading.Lock())
    if png is not None:
        return png
    with drawing:  # one thread draws it, the others wait for it
        with _drawn_lock:
            png = _drawn.get(key)
        if png is None:
            png = chart_png(answer.report, source)
            with _drawn_lock:
                _drawn[key] = png
    return png


def chart_path(report: ChartReport, directory: Path) -> Path:
    name = f"{report.a}-vs-{report.b}-{report.period}-{report.end.isoformat()}.png"
    return directory / re.sub(r"[^A-Za-z0-9._-]", "", name)


def save_chart(answer: Answer, directory: Path) -> Path:
    """Draws the chart of a `chart` answer into `directory` and returns the file's path."""
    assert isinstance(answer.report, ChartReport)
    directory.mkdir(parents=True, exist_ok=True)
    path = chart_path(answer.report, directory)
    path.write_bytes(answer_png(answer))
    return path
