"""The console: `/smallcaps streak` (or just `streak`) typed in a terminal, answered as text.

Reads one command per line until end of input, so commands can also be piped in.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.answers import Answerer
from bot.render.alerts import alert_document
from bot.render.summary import summary_document, summary_text
from bot.render.text import document_text, render_text
from bot.reports import AlertMessage, ChartReport, SummaryReport
from handlers.charts import save_chart
from handlers.replies import TERMINAL, Failure, answer_or_failure

GREETING = (
    "smallcaps console: type a command such as `streak`, `returns ytd` or `help`; Ctrl-D quits."
)


def run_console(
    answerer: Answerer, lines: TextIO, out: TextIO, interactive: bool, chart_dir: Path
) -> int:
    if interactive:
        print(GREETING, file=out)
    while True:
        if interactive:
            print("smallcaps> ", end="", file=out, flush=True)
        line = lines.readline()
        if not line:
            break
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if text.lower() in ("quit", "exit"):
            break
        print(respond(answerer, text, chart_dir), file=out, flush=True)
    return 0


def respond(answerer: Answerer, text: str, chart_dir: Path) -> str:
    """The answer to one console line; errors become a short message, never a traceback."""
    result = answer_or_failure(answerer, text, asker=TERMINAL)
    if isinstance(result, Failure):
        return f"error: {result.line()}"
    if isinstance(result.report, ChartReport):
        return f"{render_text(result)}\nChart: {save_chart(result.report, chart_dir)}"
    return render_text(result)


class ConsolePoster:
    """Alerts printed in the terminal as they fire: the console's channel."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self._lock = threading.Lock()

    def post(self, message: AlertMessage) -> None:
        text = document_text(alert_document(message))
        with self._lock:
            print(f"\n*** ALERT ***\n{text}\n", file=self.out, flush=True)


@dataclass(frozen=True)
class ConsoleSummary:
    text: str
    chart: ChartReport | None


class ConsoleSummaryPoster:
    """Daily summaries printed in the terminal (the console is one channel), charts saved."""

    def __init__(self, out: TextIO, chart_dir: Path) -> None:
        self.out = out
        self.chart_dir = chart_dir
        self._lock = threading.Lock()

    def render(self, summary: SummaryReport) -> ConsoleSummary:
        chart = summary.chart.report if summary.chart else None
        return ConsoleSummary(
            summary_text(summary_document(summary)),
            chart if isinstance(chart, ChartReport) else None,
        )

    def post(self, channel: str, rendered: ConsoleSummary, late: str | None) -> str:
        text = rendered.text if late is None else f"{late}\n{rendered.text}"
        with self._lock:
            print(f"\n*** DAILY SUMMARY ***\n{text}\n", file=self.out, flush=True)
        return "console"

    def attach_chart(self, channel: str, rendered: ConsoleSummary, thread: str) -> None:
        if rendered.chart is not None:
            path = save_chart(rendered.chart, self.chart_dir)
            with self._lock:
                print(f"Chart: {path}", file=self.out, flush=True)
