"""The bot as a subprocess, on a CSV market whose streak is known by construction."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from tests.factories import STREAK, write_streak_market

__all__ = ["STREAK", "Market"]


@dataclass(frozen=True)
class Market:
    directory: Path
    home: Path
    last: date
    streak_start: date

    def env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("SLACK_", "SMALLCAPS_", "REDIS_URL"))
        }
        env.update(
            SMALLCAPS_DATA=f"csv:{self.directory}",
            SMALLCAPS_HOME=str(self.home),
            # the evening of the market's last session, whatever day the tests run
            SMALLCAPS_NOW=f"{self.last.isoformat()}T22:00:00+00:00",
        )
        return env

    def run(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env(),
            timeout=120,
            check=False,
        )


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> Market:
    directory = tmp_path_factory.mktemp("market")
    facts = write_streak_market(directory)
    return Market(directory, tmp_path_factory.mktemp("home"), facts.last, facts.streak_start)
