"""The console: `/smallcaps streak` (or just `streak`) typed in a terminal, answered as text.

Reads one command per line until end of input, so commands can also be piped in.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TextIO

from bot.answers import Answerer
from bot.render.document import alert_document
from bot.render.text import document_text, render_text
from bot.reports import AlertMessage, ChartReport
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
