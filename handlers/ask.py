"""The one-shot command line: `python -m bot ask "<subcommand text>" [--as-of DATE] [--json]`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TextIO

from bot.analytics.relative import ChartReport
from bot.answers import Answerer
from bot.render.chart import save_chart
from bot.render.json import render_json
from bot.render.text import render_text
from bot.replies import TERMINAL, Failure, answer_or_failure


def ask(
    answerer: Answerer,
    text: str,
    as_of: date | None,
    as_json: bool,
    out: TextIO,
    err: TextIO,
    chart_dir: Path,
) -> int:
    """Prints one answer; returns the exit status: 0 answered, 2 bad input, 1 no data or failure.

    A chart is drawn into `chart_dir`, and its path printed (or given as `chart` in JSON). With
    `as_json` a failure is also a JSON object on `out`: `{"error": {"message", "example",
    "status"}}`.
    """
    result = answer_or_failure(answerer, text, as_of, TERMINAL)
    if isinstance(result, Failure):
        print(f"smallcaps: {result.line()}", file=err)
        if as_json:
            failure = {"message": result.message, "example": result.example}
            print(json.dumps({"error": {**failure, "status": result.status}}), file=out)
        return result.status
    chart = save_chart(result, chart_dir) if isinstance(result.report, ChartReport) else None
    if as_json:
        rendered = render_json(result)
        if chart:
            rendered["chart"] = str(chart)
        print(json.dumps(rendered, ensure_ascii=False), file=out)
    else:
        print(render_text(result), file=out)
        if chart:
            print(f"Chart: {chart}", file=out)
    return 0
