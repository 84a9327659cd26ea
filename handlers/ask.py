"""The one-shot command line: `python -m bot ask "<subcommand text>" [--as-of DATE] [--json]`."""

from __future__ import annotations

import json
import logging
from datetime import date
from typing import TextIO

import redis

from bot.answers import Answerer
from bot.errors import CommandError, UserFacingError
from bot.render.json import render_json
from bot.render.text import render_text

log = logging.getLogger(__name__)


def error_line(error: UserFacingError) -> str:
    example = f" (e.g. `{error.example}`)" if error.example else ""
    return f"{error.message}{example}"


def outage_line(error: redis.RedisError) -> str:
    return f"the state store (Redis) is unavailable, nothing was changed: {error}"


def ask(
    answerer: Answerer, text: str, as_of: date | None, as_json: bool, out: TextIO, err: TextIO
) -> int:
    """Prints one answer; returns the exit status: 0 answered, 2 bad input, 1 no data or failure."""
    try:
        answer = answerer.answer(text, as_of)
    except CommandError as error:
        print(f"smallcaps: {error_line(error)}", file=err)
        return 2
    except UserFacingError as error:
        print(f"smallcaps: {error_line(error)}", file=err)
        return 1
    except redis.RedisError as error:
        print(f"smallcaps: {outage_line(error)}", file=err)
        return 1
    if as_json:
        print(json.dumps(render_json(answer), ensure_ascii=False), file=out)
    else:
        print(render_text(answer), file=out)
    return 0
