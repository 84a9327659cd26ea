"""Settings, read once from the environment. Every variable is documented in the README."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bot.amounts import is_digits
from bot.limits import (
    RULES_PER_WORKSPACE,
    SYMBOLS_PER_WORKSPACE,
    UPSTREAM_PER_USER,
    UPSTREAM_PER_WORKSPACE,
)
from bot.store.sentinels import Sentinels


class ConfigError(ValueError):
    """An environment variable holds a value the bot cannot use."""


@dataclass(frozen=True)
class Settings:
    data: str = "yahoo"
    """Market data source: `yahoo` or `csv:DIR`."""
    redis_url: str | None = None
    """A Redis server to keep state in; unset (and no `sentinels`) starts an embedded one under
    `home`."""
    sentinels: Sentinels | None = None
    """Redis with Sentinel (`REDIS_SENTINELS` and its companions): the bot follows the primary
    through a failover."""
    redis_retry_seconds: int = 60
    """How long the clock keeps trying a Redis command that failed for a passing reason (a lost
    connection, a failover under way) before its job fails."""
    home: Path = Path(".smallcaps")
    """Where the embedded Redis keeps its data."""
    key_prefix: str = "smallcaps:"
    """Prefix of every Redis key the bot writes."""
    refresh_seconds: int = 900
    """Cached Yahoo prices older than this are fetched again; the clock refreshes this often."""
    freshness_seconds: int = 1800
    """During market hours, prices older than this fire no alert; an alert found later than
    this after its observation is marked late."""
    summary_grace_seconds: int = 3 * 3600
    """A daily summary the bot could not post at its time is posted this long after it, marked
    late; later than that, that day's is skipped."""
    fanout_workers: int = 8
    """Daily summaries posted at once."""
    rules_per_workspace: int = RULES_PER_WORKSPACE
    """Alert rules a workspace may have in all its channels, besides the built-in ones."""
    symbols_per_workspace: int = SYMBOLS_PER_WORKSPACE
    """Distinct symbols outside the universe a workspace's alert rules may watch."""
    upstream_per_user: int = UPSTREAM_PER_USER
    """Commands a minute one person may make that need fresh data from the data sources."""
    upstream_per_workspace: int = UPSTREAM_PER_WORKSPACE
    """The same for a whole workspace."""
    symbol_ttl_seconds: int = 3 * 86400
    """Cached prices of a symbol outside the universe that no rule watches are dropped this
    long after it was last asked for."""
    symbols_in_memory: int = 256
    """Symbols each process keeps a copy of in memory, per data source."""
    fixed_now: datetime | None = None
    """Pretend it is this moment (demos, replays of a day, tests); unset means the real time."""
    time_offset_seconds: float = 0.0
    """Run this many seconds ahead of the real time (negative: behind), with the time moving:
    replays of a day, demos, and tests of several processes sharing one timeline."""
    slack_bot_token: str | None = field(default=None, repr=False)
    slack_signing_secret: str | None = field(default=None, repr=False)
    slack_app_token: str | None = field(default=None, repr=False)
    slack_client_id: str | None = None
    slack_client_secret: str | None = field(default=None, repr=False)
    token_key: str | None = field(default=None, repr=False)
    """The Fernet keys Slack tokens are encrypted with in Redis (many-workspace mode), comma
    separated: the first encrypts, every one decrypts (a key being rotated out)."""
    fred_api_key: str | None = field(default=None, repr=False)
    """FRED's API key: optional; without it FRED is read from its keyless CSV downloads."""
    stooq_api_key: str | None = field(default=None, repr=False)
    """Stooq's API key: without it Stooq, the second source of indices and funds, is not asked."""
    slack_api_url: str | None = None
    """Slack Web API base URL, e.g. a local stand-in; unset means Slack itself."""
    port: int = 3000
    """HTTP mode listens here."""
    metrics_port: int | None = None
    """The clock process serves `/metrics` on this port when set (the web process serves it
    on `port`)."""
    metrics_token: str | None = field(default=None, repr=False)
    """When set, `/metrics` (web and clock) answers only `Authorization: Bearer <token>`."""
    operators: tuple[str, ...] = ()
    """The Slack users who see the operator's `status`: `T123:U456` (a user of one workspace),
    or `U456` when the app serves one workspace only."""

    @property
    def chart_dir(self) -> Path:
        """Where the console and `ask` save charts."""
        return self.home / "charts"

    @property
    def mode(self) -> str:
        """`socket` with an app-level token, `http` with a signing secret and bot token,
        `oauth` (HTTP for many workspaces) with a signing secret, client id and secret, else
        `console`."""
        if self.slack_app_token:
            return "socket"
        if self.slack_signing_secret and self.slack_client_id and self.slack_client_secret:
            return "oauth"
        if self.slack_signing_secret and self.slack_bot_token:
            return "http"
        return "console"

    @property
    def csv_dir(self) -> Path | None:
        return Path(self.data[len("csv:") :]) if self.data.startswith("csv:") else None

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        data = env.get("SMALLCAPS_DATA", "yahoo").strip() or "yahoo"
        if data != "yahoo" and not (data.startswith("csv:") and len(data) > len("csv:")):
            raise ConfigError(f"SMALLCAPS_DATA={data!r}: use 'yahoo' or 'csv:/path/to/dir'")
        prefix = env.get("SMALLCAPS_KEY_PREFIX", "smallcaps:")
        if not re.fullmatch(r"[A-Za-z0-9_.\-]{1,40}:", prefix):
            raise ConfigError(
                f"SMALLCAPS_KEY_PREFIX={prefix!r}: use letters, digits, '_', '.' or '-', then ':'"
            )
        refresh = env.get("SMALLCAPS_REFRESH_SECONDS", "900")
        if not is_digits(refresh) or int(refresh) < 1:
            raise ConfigError(
                f"SMALLCAPS_REFRESH_SECONDS={refresh!r}: use a whole number of seconds"
            )
        freshness = env.get("SMALLCAPS_FRESHNESS_SECONDS", "1800")
        if not is_digits(freshness) or int(freshness) < 60:
            raise ConfigError(
                f"SMALLCAPS_FRESHNESS_SECONDS={freshness!r}: use a whole number of seconds, >= 60"
            )
        grace = env.get("SMALLCAPS_SUMMARY_GRACE_SECONDS", str(3 * 3600))
        if not is_digits(grace):
            raise ConfigError(
                f"SMALLCAPS_SUMMARY_GRACE_SECONDS={grace!r}: use a whole number of seconds"
            )
        workers = env.get("SMALLCAPS_FANOUT_WORKERS", "8")
        if not is_digits(workers) or not 1 <= int(workers) <= 64:
            raise ConfigError(f"SMALLCAPS_FANOUT_WORKERS={workers!r}: use a number from 1 to 64")
        bounds = {
            name: _whole(env, f"SMALLCAPS_{name.upper()}", default)
            for name, default in (
                ("rules_per_workspace", cls.rules_per_workspace),
                ("symbols_per_workspace", cls.symbols_per_workspace),
                ("upstream_per_user", cls.upstream_per_user),
                ("upstream_per_workspace", cls.upstream_per_workspace),
                ("symbol_ttl_seconds", cls.symbol_ttl_seconds),
                ("symbols_in_memory", cls.symbols_in_memory),
            )
        }
        fixed_now = _moment(env.get("SMALLCAPS_NOW") or None)
        offset = env.get("SMALLCAPS_TIME_OFFSET_SECONDS", "0") or "0"
        try:
            time_offset = float(offset)
        except ValueError:
            raise ConfigError(
                f"SMALLCAPS_TIME_OFFSET_SECONDS={offset!r}: use a number of seconds"
            ) from None
        if fixed_now is not None and time_offset:
            raise ConfigError("set SMALLCAPS_NOW (a fixed time) or SMALLCAPS_TIME_OFFSET_SECONDS")
        try:
            sentinels = Sentinels.from_env(env)
        except ValueError as error:
            raise ConfigError(str(error)) from None
        if sentinels and env.get("REDIS_URL"):
            raise ConfigError("set REDIS_URL (one server) or REDIS_SENTINELS (Sentinel), not both")
        port = env.get("PORT", "3000")
        if not is_digits(port) or not 0 < int(port) < 65536:
            raise ConfigError(f"PORT={port!r}: use a TCP port number")
        metrics_port = env.get("SMALLCAPS_METRICS_PORT") or None
        if metrics_port is not None and not (
            is_digits(metrics_port) and 0 < int(metrics_port) < 65536
        ):
            raise ConfigError(f"SMALLCAPS_METRICS_PORT={metrics_port!r}: use a TCP port number")
        slack = {
            name: env.get(name) or None
            for name in (
                "SLACK_BOT_TOKEN",
                "SLACK_SIGNING_SECRET",
                "SLACK_APP_TOKEN",
                "SLACK_CLIENT_ID",
                "SLACK_CLIENT_SECRET",
            )
        }
        token_key = env.get("SMALLCAPS_TOKEN_KEY") or None
        if token_key:
            _check_token_keys(token_key)
        if slack["SLACK_CLIENT_ID"] or slack["SLACK_CLIENT_SECRET"]:
            _check_many_workspaces(slack, token_key)
        elif slack["SLACK_APP_TOKEN"] and not slack["SLACK_BOT_TOKEN"]:
            raise ConfigError("SLACK_APP_TOKEN (Socket Mode) also needs SLACK_BOT_TOKEN")
        elif not slack["SLACK_APP_TOKEN"] and bool(slack["SLACK_BOT_TOKEN"]) != bool(
            slack["SLACK_SIGNING_SECRET"]
        ):
            raise ConfigError(
                "HTTP mode needs both SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET "
                "(or set SLACK_APP_TOKEN for Socket Mode, or neither for the console)"
            )
        return cls(
            data=data,
            redis_url=env.get("REDIS_URL") or None,
            sentinels=sentinels,
            redis_retry_seconds=_whole(env, "SMALLCAPS_REDIS_RETRY_SECONDS", 60),
            home=Path(env.get("SMALLCAPS_HOME") or ".smallcaps"),
            key_prefix=prefix,
            refresh_seconds=int(refresh),
            freshness_seconds=int(freshness),
            summary_grace_seconds=int(grace),
            fanout_workers=int(workers),
            fixed_now=fixed_now,
            time_offset_seconds=time_offset,
            slack_bot_token=slack["SLACK_BOT_TOKEN"],
            slack_signing_secret=slack["SLACK_SIGNING_SECRET"],
            slack_app_token=slack["SLACK_APP_TOKEN"],
            slack_client_id=slack["SLACK_CLIENT_ID"],
            slack_client_secret=slack["SLACK_CLIENT_SECRET"],
            token_key=token_key,
            fred_api_key=env.get("FRED_API_KEY") or None,
            stooq_api_key=env.get("STOOQ_API_KEY") or None,
            slack_api_url=env.get("SLACK_API_URL") or None,
            port=int(port),
            metrics_port=int(metrics_port) if metrics_port else None,
            metrics_token=env.get("SMALLCAPS_METRICS_TOKEN") or None,
            operators=_operators(
                env.get("SMALLCAPS_OPERATORS", ""), many_workspaces=bool(slack["SLACK_CLIENT_ID"])
            ),
            **bounds,
        )


def _whole(env: Mapping[str, str], name: str, default: int) -> int:
    """A limit: a whole number, at least 1."""
    value = env.get(name) or str(default)
    if not is_digits(value) or int(value) < 1:
        raise ConfigError(f"{name}={value!r}: use a whole number, at least 1")
    return int(value)


def _check_many_workspaces(slack: Mapping[str, str | None], token_key: str | None) -> None:
    """Many-workspace mode: a client id, its secret and the signing secret; tokens come from
    each workspace's install, kept encrypted with SMALLCAPS_TOKEN_KEY."""
    if not (slack["SLACK_CLIENT_ID"] and slack["SLACK_CLIENT_SECRET"]):
        raise ConfigError("many-workspace mode needs both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET")
    if not slack["SLACK_SIGNING_SECRET"]:
        raise ConfigError("many-workspace mode (SLACK_CLIENT_ID) also needs SLACK_SIGNING_SECRET")
    if slack["SLACK_BOT_TOKEN"] or slack["SLACK_APP_TOKEN"]:
        raise ConfigError(
            "SLACK_CLIENT_ID selects many-workspace mode, where each workspace's token comes "
            "from its install: unset SLACK_BOT_TOKEN and SLACK_APP_TOKEN"
        )
    if not token_key:
        raise ConfigError(
            "many-workspace mode keeps Slack tokens encrypted: set SMALLCAPS_TOKEN_KEY (make one "
            "with `python -m bot new-token-key`)"
        )


def _check_token_keys(token_key: str) -> None:
    """SMALLCAPS_TOKEN_KEY, wherever it is set: Fernet keys, the first of which encrypts."""
    from cryptography.fernet import Fernet

    try:
        for key in token_key.split(","):  # the first encrypts, all decrypt
            Fernet(key.strip().encode())
    except ValueError:
        raise ConfigError(
            "SMALLCAPS_TOKEN_KEY is not a Fernet key, or a comma-separated list of them (the "
            "first encrypts): make one with `python -m bot new-token-key`"
        ) from None


def _moment(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ConfigError(
            f"SMALLCAPS_NOW={value!r}: use an ISO time such as 2026-01-23T21:30Z"
        ) from None
    if moment.tzinfo is None:
        raise ConfigError(f"SMALLCAPS_NOW={value!r}: give a time zone, e.g. Z or -05:00")
    return moment


_OPERATOR = re.compile(r"(?:(?P<team>[A-Z0-9]{2,32}):)?(?P<user>[A-Z0-9]{2,32})")


def _operators(value: str, many_workspaces: bool) -> tuple[str, ...]:
    """SMALLCAPS_OPERATORS: Slack user ids, comma-separated, each `TEAM:USER`; a bare `USER` only
    when the app serves one workspace (a user id is unique within its workspace, not across)."""
    entries = tuple(part.strip() for part in value.split(",") if part.strip())
    for entry in entries:
        found = _OPERATOR.fullmatch(entry)
        if found is None:
            raise ConfigError(
                f"SMALLCAPS_OPERATORS: {entry!r} is not a Slack user id: use T123:U456 "
                "(workspace:user), comma-separated"
            )
        if many_workspaces and not found["team"]:
            raise ConfigError(
                f"SMALLCAPS_OPERATORS: {entry!r} names no workspace; with many workspaces a "
                "user id is unique only within its own: use T123:U456 (workspace:user)"
            )
    return entries
