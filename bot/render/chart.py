"""A chart report as a PNG: both series rebased to 100 above, their ratio and its average below.

Drawn headless (matplotlib's Agg backend), sized and lettered to be read on a phone.
"""

from __future__ import annotations

import io

from bot.analytics.relative import RATIO_AVERAGE_SESSIONS
from bot.reports import ChartReport
from bot.universe import display_name

SMALL_COLOUR = "#d95f02"
LARGE_COLOUR = "#1b6ca8"


def chart_png(report: ChartReport) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    a, b = display_name(report.a), display_name(report.b)
    figure = Figure(figsize=(8, 7), dpi=120, layout="constrained")
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=[3, 2])
    top.plot(
        report.dates,
        report.a_rebased,
        color=SMALL_COLOUR,
        linewidth=2,
        label=f"{a} {report.a_return_pct:+.1f}%",
    )
    top.plot(
        report.dates,
        report.b_rebased,
        color=LARGE_COLOUR,
        linewidth=2,
        label=f"{b} {report.b_return_pct:+.1f}%",
    )
    top.axhline(100, color="grey", linewidth=0.8, linestyle=":")
    top.set_ylabel(f"Rebased to 100 on {report.start.isoformat()}", fontsize=11)
    top.legend(loc="upper left", fontsize=12, frameon=False)
    top.grid(alpha=0.3)

    bottom.plot(report.dates, report.ratio, color="black", linewidth=1.5, label=f"{a} / {b}")
    averages = [
        (d, v) for d, v in zip(report.dates, report.ratio_average, strict=True) if v is not None
    ]
    if averages:
        bottom.plot(
            [d for d, _ in averages],
            [v for _, v in averages],
            color="#7570b3",
            linewidth=1.5,
            linestyle="--",
            label=f"{RATIO_AVERAGE_SESSIONS}-day average",
        )
    bottom.set_ylabel("Ratio", fontsize=11)
    bottom.set_xlabel("Session (New York)", fontsize=11)
    bottom.legend(loc="upper left", fontsize=11, frameon=False)
    bottom.grid(alpha=0.3)
    for axis in (top, bottom):
        axis.tick_params(labelsize=10)

    figure.suptitle(
        f"{a} vs {b}, {report.start.isoformat()} to {report.end.isoformat()}",
        fontsize=14,
        fontweight="bold",
    )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
