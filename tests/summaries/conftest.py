"""A market on real NYSE sessions, the bot's services on a fixed clock, and a recording outlet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import redis

from bot.asker import Asker
from bot.clock import FixedClock
from bot.config import Settings
from bot.services import Services
from bot.store.keys import Keys
from bot.summaries.compose import SummaryReport
from bot.summaries.dispatch import Dispatcher
from bot.summaries.store import Subscription
from bot.trading_calendar import nyse
from bot.universe import SECTORS, SIZE_LADDER
from tests.factories import RecordedSummaries, write_two_column_csv

FIRST = "2025-06-02"
LAST = "2027-03-31"


def write_summary_market(directory: Path, first: str = FIRST, last: str = LAST) -> None:
    """Every symbol a summary shows, closing on each NYSE session from `first` to `last`
    (early closes included, holidays left out), each a reproducible random walk."""
    sessions = nyse().sessions_in_range(first, last)
    index = pd.DatetimeIndex([s.date() for s in sessions]).astype("datetime64[ns]")
    symbols = {"^RUT", "^GSPC", "^IXIC", "IWM", "SPY"}
    symbols |= {i.symbol for _, i in SIZE_LADDER}
    symbols |= {i.symbol for pair in SECTORS for i in (pair.small, pair.large)}
    for seed, symbol in enumerate(sorted(symbols)):
        rng = np.random.default_rng(seed)
        values = 1000.0 * np.exp(np.cumsum(rng.normal(0.0003, 0.012, len(index))))
        write_two_column_csv(directory / f"{symbol}.csv", pd.Series(values, index=index), symbol)


class StampedSummaries(RecordedSummaries):
    """Records when (on the injected clock) each summary was posted."""

    def __init__(self, clock: FixedClock) -> None:
        super().__init__()
        self.clock = clock
        self.times: list[datetime] = []

    def post(self, to: Subscription, rendered: SummaryReport, late: str | None) -> str:
        self.times.append(self.clock.now())
        return super().post(to, rendered, late)


@dataclass
class Desk:
    """The services on a fixed clock over the summary market, and a dispatcher to drive."""

    services: Services
    clock: FixedClock
    outlet: StampedSummaries
    dispatcher: Dispatcher[SummaryReport]

    def subscribe(self, channel: str, words: str, at: datetime, workspace: str = "T1") -> None:
        self.clock.at = at
        answer = self.services.answerer.answer(
            f"subscribe daily {words}".strip(), asker=Asker(workspace, channel, "U1")
        )
        assert answer.report is not None

    def run(self, at: datetime) -> None:
        self.clock.at = at
        self.dispatcher.run(at)

    def posts(self, channel: str) -> list[tuple[datetime, date, str | None]]:
        return [
            (when, session, late)
            for when, (ch, session, late) in zip(self.outlet.times, self.outlet.posts, strict=True)
            if ch == channel
        ]


def make_desk(
    market: Path, redis_server: redis.Redis, keys: Keys, grace_seconds: int = 3 * 3600
) -> Desk:
    clock = FixedClock(datetime(2026, 1, 2, tzinfo=UTC))
    settings = Settings(
        data=f"csv:{market}", key_prefix=keys.prefix, summary_grace_seconds=grace_seconds
    )
    services = Services(settings, clock=clock, redis_client=redis_server)
    outlet = StampedSummaries(clock)
    return Desk(services, clock, outlet, services.dispatcher(outlet))


@pytest.fixture(scope="session")
def summary_market(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("summary-market")
    write_summary_market(directory)
    return directory


@pytest.fixture
def desk(summary_market: Path, redis_server: redis.Redis, keys: Keys) -> Desk:
    return make_desk(summary_market, redis_server, keys)
