"""A CSV market directory with a streak whose facts are known by construction."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.factories import (
    random_walk,
    write_flat_csv,
    write_multiheader_csv,
    write_two_column_csv,
)

STREAK = 6


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
        env.update(SMALLCAPS_DATA=f"csv:{self.directory}", SMALLCAPS_HOME=str(self.home))
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
    """^RUT (flat CSV), ^GSPC (yfinance multi-header) and ^IXIC (two columns), six years long.

    On the last 6 sessions ^RUT rises 1% while ^GSPC is flat; the session before, ^RUT falls 1%
    while ^GSPC rises: the streak is exactly 6 sessions.
    """
    directory = tmp_path_factory.mktemp("market")
    spx = random_walk(6, seed=1, start="2020-01-02")
    rut = random_walk(6, seed=2, start="2020-01-02")
    tail = STREAK + 1
    rut_tail = rut.iloc[-tail - 1] * np.cumprod([0.99] + [1.01] * STREAK)
    spx_tail = spx.iloc[-tail - 1] * np.array([1.01] * tail)
    rut = pd.concat([rut.iloc[:-tail], pd.Series(rut_tail, index=rut.index[-tail:])])
    spx = pd.concat([spx.iloc[:-tail], pd.Series(spx_tail, index=spx.index[-tail:])])
    write_flat_csv(directory / "^RUT.csv", rut)
    write_multiheader_csv(directory / "^GSPC.csv", {"^GSPC": spx})
    write_two_column_csv(
        directory / "^IXIC.csv", random_walk(6, seed=3, start="2020-01-02"), "^IXIC"
    )
    write_flat_csv(directory / "IWM.csv", rut / 10, adj_close=False)
    return Market(
        directory=directory,
        home=tmp_path_factory.mktemp("home"),
        last=rut.index[-1].date(),
        streak_start=rut.index[-STREAK].date(),
    )
