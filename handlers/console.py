"""The console: `/smallcaps streak` (or just `streak`) typed in a terminal, answered as text.

At a terminal it is a real prompt: line editing and history (readline, the history kept in
`SMALLCAPS_HOME`), Ctrl-C drops the line being typed (or the answer being computed), Ctrl-D
quits. Piped in, it reads one command a line until the end of input, and prints each answer
after the command it answers, a blank line between them.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.alerts.reports import AlertMessage
from bot.analytics.relative import ChartReport
from bot.answers import Answerer
from bot.render.alert import alert_document
from bot.render.chart import save_chart
from bot.render.summary import summary_document, summary_text
from bot.render.text import document_text, render_text
from bot.replies import TERMINAL, Failure, answer_or_failure
from bot.reports import Answer
from bot.summaries.compose import SummaryReport
from bot.summaries.store import Subscription

PROMPT = "smallcaps> "
HISTORY_LINES = 1000


def greeting(where: str) -> str:
    """The console's first line: where its data comes from and where its state is kept."""
    return (
        f"smallcaps console · {where}\n"
        "Type a command such as `streak`, `returns ytd` or `help`; Ctrl-C drops a line, "
        "Ctrl-D quits."
    )


def run_console(
    answerer: Answerer,
    lines: TextIO,
    out: TextIO,
    interactive: bool,
    chart_dir: Path,
    where: str = "",
    history: Path | None = None,
) -> int:
    """Answers each command read from `lines` (a terminal when `interactive`) until the end of
    input or `quit`; returns the exit status."""
    if where:
        print(greeting(where), file=out, flush=True)
    read = _terminal_reader(history) if interactive else _piped_reader(lines)
    first = True
    while True:
        try:
            line = read()
        except KeyboardInterrupt:
            print("^C", file=out, flush=True)  # the line is dropped; the prompt comes back
            continue
        except EOFError:
            if interactive:
                print(file=out, flush=True)
            break
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if text.lower() in ("quit", "exit"):
            break
        try:
            reply = respond(answerer, text, chart_dir)
        except KeyboardInterrupt:
            reply = "(cancelled)"
        if not interactive:
            reply = f"{'' if first else chr(10)}> {text}\n{reply}"
        print(reply, file=out, flush=True)
        first = False
    return 0


def _piped_reader(lines: TextIO) -> Callable[[], str]:
    def read() -> str:
        line = lines.readline()
        if not line:
            raise EOFError
        return line

    return read


def _terminal_reader(history: Path | None) -> Callable[[], str]:
    """`input` with readline's line editing, and its history kept in `history`. Ctrl-C drops
    the line even when whatever started the console ignored it (a background job of a script
    inherits SIGINT ignored, and Python then leaves it so)."""
    import atexit
    import readline
    import signal

    signal.signal(signal.SIGINT, signal.default_int_handler)
    readline.set_history_length(HISTORY_LINES)
    if history is not None:
        history.parent.mkdir(parents=True, exist_ok=True)
        if history.is_file():
            readline.read_history_file(history)
        atexit.register(_save_history, history)
    return lambda: input(PROMPT)


def _save_history(history: Path) -> None:
    import readline

    with contextlib.suppress(OSError):  # a read-only home loses the history, nothing else
        readline.write_history_file(history)


def respond(answerer: Answerer, text: str, chart_dir: Path) -> str:
    """The answer to one console line; errors become a short message, never a traceback."""
    result = answer_or_failure(answerer, text, asker=TERMINAL)
    if isinstance(result, Failure):
        return f"error: {result.line()}"
    if isinstance(result.report, ChartReport):
        return f"{render_text(result)}\nChart: {save_chart(result, chart_dir)}"
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
    chart: Answer | None


class ConsoleSummaryPoster:
    """Daily summaries printed in the terminal (the console is one channel), charts saved."""

    def __init__(self, out: TextIO, chart_dir: Path) -> None:
        self.out = out
        self.chart_dir = chart_dir
        self._lock = threading.Lock()

    def render(self, summary: SummaryReport) -> ConsoleSummary:
        chart = summary.chart
        return ConsoleSummary(
            summary_text(summary_document(summary)),
            chart if chart is not None and isinstance(chart.report, ChartReport) else None,
        )

    def post(self, to: Subscription, rendered: ConsoleSummary, late: str | None) -> str:
        text = rendered.text if late is None else f"{late}\n{rendered.text}"
        with self._lock:
            print(f"\n*** DAILY SUMMARY ***\n{text}\n", file=self.out, flush=True)
        return "console"

    def attach_chart(self, to: Subscription, rendered: ConsoleSummary, thread: str) -> None:
        if rendered.chart is not None:
            path = save_chart(rendered.chart, self.chart_dir)
            with self._lock:
                print(f"Chart: {path}", file=self.out, flush=True)
