"""Logging: one JSON object a line when not on a terminal, a readable line on one; each line
with the request (or job run) it belongs to; tokens and secrets never written.

The request id lives in a context variable. The HTTP front sets it for each request, the clock
for each job run; Bolt's listener threads get it through `ContextExecutor`.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import uuid
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from bot.config import Settings

T = TypeVar("T")

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

_SECRETS = re.compile(
    r"xox[abeoprs]-[A-Za-z0-9-]+"  # Slack bot, user and refresh tokens
    r"|xapp-[A-Za-z0-9-]+"  # Slack app-level tokens
    r"|(?<=://)[^/\s:@]*:[^/\s@]+(?=@)"  # user:password in a URL (REDIS_URL)
    r"|(?<=[?&]token=)[^&\s]+"
    r"|(?<=[?&]api_key=)[^&\s]+"  # FRED's key in a request URL
    r"|(?<=[?&]apikey=)[^&\s]+"  # Stooq's
)


def secrets_of(settings: Settings) -> list[str]:
    """Every secret the settings hold, each never to be written: Slack's tokens, signing and
    client secrets, each token key (SMALLCAPS_TOKEN_KEY may list several, comma-separated), the
    data sources' keys, the metrics token and the Redis passwords (REDIS_URL's is masked as any
    URL's)."""
    keys = (settings.token_key or "").split(",")
    sentinels = settings.sentinels
    found = (
        settings.slack_bot_token,
        settings.slack_signing_secret,
        settings.slack_app_token,
        settings.slack_client_secret,
        *(key.strip() for key in keys),
        settings.fred_api_key,
        settings.stooq_api_key,
        settings.metrics_token,
        sentinels and sentinels.password,
        sentinels and sentinels.sentinel_password,
    )
    return [secret for secret in found if secret]


def new_request_id() -> str:
    return uuid.uuid4().hex[:12]


class Redactor(logging.Filter):
    """Masks tokens, URL passwords and the given secrets in every record's final text."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        # the longest first: a secret that contains another is masked whole
        self.secrets = sorted((s for s in secrets if s and len(s) >= 6), key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[redacted]")
        return _SECRETS.sub("[redacted]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = self.redact(record.getMessage())
        record.msg, record.args = message, None
        if record.exc_info:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id.get()),
        }
        if record.exc_text:
            entry["error"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


TEXT_FORMAT = "%(levelname)s %(name)s [%(request_id)s]: %(message)s"


def configure(
    level: int,
    quieter: Mapping[str, int],
    secrets: Iterable[str | None] = (),
    stream: IO[str] | None = None,
) -> logging.Handler:
    """Sends every log record to `stream` (stderr), as JSON unless it is a terminal; records of
    the `quieter` loggers only from their given level."""
    stream = stream or sys.stderr
    handler = logging.StreamHandler(stream)
    handler.addFilter(Redactor(secrets))
    handler.setFormatter(
        logging.Formatter(TEXT_FORMAT) if _is_terminal(stream) else JsonFormatter()
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    handler.addFilter(Quieter(quieter))
    root.addHandler(handler)
    root.setLevel(level)
    return handler


class Quieter(logging.Filter):
    """Keeps the records of chatty libraries below their level out of the output, while the
    libraries still log them (the Yahoo provider reads yfinance's account of a failure)."""

    def __init__(self, levels: Mapping[str, int]) -> None:
        super().__init__()
        self.levels = dict(levels)

    def filter(self, record: logging.LogRecord) -> bool:
        for name, level in self.levels.items():
            if record.name == name or record.name.startswith(name + "."):
                return record.levelno >= level
        return True


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class ContextExecutor(ThreadPoolExecutor):
    """A thread pool whose tasks run in the context they were submitted from (request id)."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        context = contextvars.copy_context()
        return super().submit(context.run, fn, *args, **kwargs)
