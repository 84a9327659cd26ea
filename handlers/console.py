"""The console: `/smallcaps streak` (or just `streak`) typed in a terminal, answered as text.

Reads one command per line until end of input, so commands can also be piped in.
"""

from __future__ import annotations

import logging
import uuid
from typing import TextIO

import redis

from bot.answers import Answerer
from bot.errors import UserFacingError
from bot.render.text import render_text
from handlers.ask import error_line, outage_line

log = logging.getLogger(__name__)

GREETING = (
    "smallcaps console: type a command such as `streak`, `returns ytd` or `help`; Ctrl-D quits."
)


def run_console(answerer: Answerer, lines: TextIO, out: TextIO, interactive: bool) -> int:
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
        print(respond(answerer, text), file=out, flush=True)
    return 0


def respond(answerer: Answerer, text: str) -> str:
    """The answer to one console line; errors become a short message, never a traceback."""
    try:
        return render_text(answerer.answer(text))
    except UserFacingError as error:
        return f"error: {error_line(error)}"
    except redis.RedisError as error:
        log.warning("console command %r: Redis unavailable: %s", text, error)
        return f"error: {outage_line(error)}"
    except Exception:
        reference = uuid.uuid4().hex[:8]
        log.exception("console command %r failed (ref %s)", text, reference)
        return f"error: something went wrong on our side (ref {reference}); it has been logged"
