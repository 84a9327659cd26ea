"""The one-shot command line: `python -m bot ask "<subcommand text>" [--as-of DATE] [--json]`."""

from __future__ import annotations

import json
from datetime import date
from typing import TextIO

from bot.answers import Answerer
from bot.render.json import render_json
from bot.render.text import render_text
from handlers.replies import Failure, answer_or_failure


def ask(
    answerer: Answerer, text: str, as_of: date | None, as_json: bool, out: TextIO, err: TextIO
) -> int:
    """Prints one answer; returns the exit status: 0 answered, 2 bad input, 1 no data or failure."""
    result = answer_or_failure(answerer, text, as_of)
    if isinstance(result, Failure):
        print(f"smallcaps: {result.line()}", file=err)
        return result.status
    if as_json:
        print(json.dumps(render_json(result), ensure_ascii=False), file=out)
    else:
        print(render_text(result), file=out)
    return 0
