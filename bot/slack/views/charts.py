"""Native charts in Slack: a chart report as a `data_visualization` line chart.

slack_sdk has no model for this block yet, so it is built here as a plain dict within the
documented limits (checked by the tests): a title of at most 50 characters, at most 6 series
(the official page has said 6 and 12: 6 holds either way) named in at most 20 characters, at
most 20 categories of at most 20 characters, one value per category and series, and at most two
such blocks a message. A workspace whose Slack refuses the block (`invalid_blocks`) gets the
message again without it, never nothing (`bot/slack/posting.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.analytics.relative import ChartReport
from bot.universe import display_name

CHART_BLOCK = "data_visualization"
MAX_TITLE = 50
MAX_SERIES = 6
MAX_CATEGORIES = 20
MAX_LABEL = 20
MAX_CHARTS_PER_MESSAGE = 2

Block = dict[str, Any]


def _label(text: str, limit: int = MAX_LABEL) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def sampled(count: int, limit: int = MAX_CATEGORIES) -> list[int]:
    """At most `limit` positions out of `count`, evenly spread, the first and last among them."""
    if count <= limit:
        return list(range(count))
    step = (count - 1) / (limit - 1)
    return sorted({round(i * step) for i in range(limit)})


def category_labels(days: Sequence[date]) -> list[str]:
    """Short date labels, unique: "Jan 22" within a year's span, "22 Jan 25" beyond it."""
    long = len(days) > 1 and (days[-1] - days[0]).days > 330
    labels = [f"{d:%d %b %y}" if long else f"{d:%b %d}" for d in days]
    return labels if len(set(labels)) == len(labels) else [d.isoformat() for d in days]


def line_chart(title: str, categories: Sequence[str], series: dict[str, Sequence[float]]) -> Block:
    """A line chart block; ValueError when the data is over Slack's limits."""
    if not categories or len(categories) > MAX_CATEGORIES or len(series) > MAX_SERIES:
        raise ValueError("a line chart takes 1 to 20 categories and at most 6 series")
    if any(len(values) != len(categories) for values in series.values()):
        raise ValueError("every series takes one value per category")
    labels = [_label(c) for c in categories]
    return {
        "type": CHART_BLOCK,
        "title": _label(title, MAX_TITLE),
        "chart": {
            "type": "line",
            "series": [
                {
                    "name": _label(name),
                    "data": [
                        {"label": label, "value": round(float(value), 2)}
                        for label, value in zip(labels, values, strict=True)
                    ],
                }
                for name, values in series.items()
            ],
            "axis_config": {"categories": labels, "y_label": "Rebased to 100"},
        },
    }


def rebased_chart(report: ChartReport) -> Block:
    """A and B rebased to 100 over the report's period, sampled to 20 sessions."""
    at = sampled(len(report.dates))
    a, b = display_name(report.a), display_name(report.b)
    title = f"{a} vs {b}, {report.period.upper()}, rebased to 100"
    return line_chart(
        title if len(title) <= MAX_TITLE else f"{report.a.upper()} vs {report.b.upper()}, rebased",
        category_labels([report.dates[i] for i in at]),
        {a: [report.a_rebased[i] for i in at], b: [report.b_rebased[i] for i in at]},
    )


def without_charts(blocks: Sequence[Block]) -> list[Block]:
    """The same message without its native charts: what a Slack that refuses them takes."""
    return [block for block in blocks if block.get("type") != CHART_BLOCK]


def has_charts(blocks: Sequence[Block]) -> bool:
    return any(block.get("type") == CHART_BLOCK for block in blocks)
