"""Settings, read once from the environment. Every variable is documented in the README."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


class ConfigError(ValueError):
    """An environment variable holds a value the bot cannot use."""


@dataclass(frozen=True)
class Settings:
    data: str = "yahoo"
    """Market data source: `yahoo` or `csv:DIR`."""
    redis_url: str | None = None
    """A Redis server to keep state in; unset starts an embedded one under `home`."""
    home: Path = Path(".smallcaps")
    """Where the embedded Redis keeps its data."""
    key_prefix: str = "smallcaps:"
    """Prefix of every Redis key the bot writes."""
    refresh_seconds: int = 900
    """Cached Yahoo prices older than this are fetched again."""

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
        if not refresh.isdigit() or int(refresh) < 1:
            raise ConfigError(
                f"SMALLCAPS_REFRESH_SECONDS={refresh!r}: use a whole number of seconds"
            )
        return cls(
            data=data,
            redis_url=env.get("REDIS_URL") or None,
            home=Path(env.get("SMALLCAPS_HOME") or ".smallcaps"),
            key_prefix=prefix,
            refresh_seconds=int(refresh),
        )
