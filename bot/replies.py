"""One answer or one failure: every front end turns exceptions into what a person reads here."""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import redis

from bot.answers import Answerer
from bot.asker import Asker
from bot.commands import command_for, subcommand_of
from bot.errors import CommandError, UserFacingError
from bot.metrics import COMMAND_SECONDS
from bot.reports import Answer
from bot.store.sentinels import is_failover
from bot.upstream_rate import asked_by

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Failure:
    """What to tell the person instead of an answer, and the exit status a command line uses."""

    message: str
    example: str | None = None
    status: int = 1
    outcome: str = "refused"
    """For the metrics: `refused` (bad input, no data, Redis down) or `failed` (our bug)."""

    def line(self) -> str:
        example = f" (e.g. `{self.example}`)" if self.example else ""
        return f"{self.message}{example}"


FAILING_OVER = (
    "the state store (Redis) is briefly unavailable: it is switching to its replica; nothing "
    "was changed, try again in a few seconds"
)
"""What a command that needs state gets while Sentinel fails Redis over (the web does not
wait for it: Slack wants an answer within 3 s)."""

MAX_MESSAGE = 500
"""An error message is a sentence or two, never the whole of a person's input."""


def _short(message: str) -> str:
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"


TERMINAL = Asker(workspace="console", channel="console", user="console", on_server=True)
"""The console and `ask` act as one workspace, with one channel, of their own."""


def answer_or_failure(
    answerer: Answerer,
    text: str | Any,
    as_of: date | None = None,
    asker: Asker | None = None,
) -> Answer | Failure:
    """The answer to `text` (as typed, or a command's query a menu or form chose), or a failure
    that says what went wrong (never an exception)."""
    started = time.perf_counter()
    with asked_by(asker):  # what it makes the bot fetch counts against the asker's rate
        result = _answer_or_failure(answerer, text, as_of, asker)
    outcome = "answered" if isinstance(result, Answer) else result.outcome
    name = subcommand_of(text) if isinstance(text, str) else command_for(text).name
    COMMAND_SECONDS.labels(name, outcome).observe(time.perf_counter() - started)
    return result


def _answer_or_failure(
    answerer: Answerer, text: str | Any, as_of: date | None, asker: Asker | None
) -> Answer | Failure:
    try:
        return answerer.answer(text, as_of, asker)
    except CommandError as error:
        return Failure(_short(error.message), error.example, status=2)
    except UserFacingError as error:
        return Failure(_short(error.message), error.example)
    except (redis.RedisError, OSError) as error:
        log.warning("command %r: Redis unavailable: %s", text, error)
        if is_failover(error):
            return Failure(FAILING_OVER)
        return Failure(
            "the state store (Redis) is unavailable, nothing was changed; try again in a minute"
        )
    except Exception:
        reference = uuid.uuid4().hex[:8]
        log.exception("command %r failed (ref %s)", text, reference)
        return Failure(
            f"something went wrong on our side (ref {reference}); it has been logged",
            outcome="failed",
        )
