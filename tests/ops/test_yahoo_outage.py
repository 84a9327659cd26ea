"""Yahoo failing, empty, all-NaN and rate-limiting: answers from the last good prices, labelled
stale with their age; no alert fires; refreshes back off exponentially; `status` says so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import redis
from yfinance.exceptions import YFRateLimitError

from bot.asker import Asker
from bot.clock import FixedClock
from bot.config import Settings
from bot.market.yahoo import YahooPrices
from bot.render.document import document
from bot.render.text import render_text
from bot.reports import Answer
from bot.services import Services
from bot.store.keys import Keys
from tests.alerts.conftest import after_close, trading_days
from tests.factories import closes
from tests.market.test_cache import FakeYahoo, _nan_frame

pytestmark = pytest.mark.slow  # starts processes of its own

DAYS = trading_days("2025-10-01", 80)
OPEN = datetime.combine(DAYS[-1], datetime.min.time(), UTC) + timedelta(hours=15)
"""10:00 New York on the last session: the market trades, so stale prices hold the alerts."""
REFRESH = timedelta(minutes=15)
HERE = Asker("T1", "C1", "U1")


FAILURES = {
    "raises": lambda symbols: RuntimeError("Connection reset by peer"),
    "rate limited": lambda symbols: YFRateLimitError(),
    "empty": lambda symbols: pd.DataFrame(),
    "all NaN": _nan_frame,
    "None": lambda symbols: None,
}


@pytest.fixture
def market() -> FakeYahoo:
    dates = [d.isoformat() for d in DAYS]
    rut = closes(np.linspace(2600.0, 2700.0, len(DAYS)).tolist(), dates=dates)
    spx = closes(np.linspace(6800.0, 6850.0, len(DAYS)).tolist(), dates=dates)
    return FakeYahoo({"^RUT": rut, "^GSPC": spx})


@pytest.mark.parametrize("failure", list(FAILURES))
def test_answers_come_from_the_last_good_prices_labelled_stale(
    failure: str, market: FakeYahoo, redis_server: redis.Redis, keys: Keys, tmp_path: Path
) -> None:
    clock = FixedClock(OPEN)
    settings = Settings(
        home=tmp_path, key_prefix=keys.prefix, refresh_seconds=int(REFRESH.total_seconds())
    )
    services = Services(
        settings, clock=clock, redis_client=redis_server, yahoo_prices=YahooPrices(market)
    )
    first = services.answerer.answer("streak")
    assert first.source is not None and not first.source.stale
    services.answerer.answer("alert add rut above 2750", asker=HERE)
    calls = len(market.calls)

    # Yahoo breaks, and the price that would cross 2,750 never arrives.
    market.failure = FAILURES[failure](["^RUT", "^GSPC"])
    market.truth["^RUT"] = pd.concat(
        [market.truth["^RUT"].iloc[:-1], pd.Series([2800.0], index=market.truth["^RUT"].index[-1:])]
    )
    clock.at = OPEN + timedelta(minutes=35)  # past the 30 min alerts accept during trading
    answer = services.answerer.answer("streak")
    assert len(market.calls) == calls + 1  # asked once
    assert answer.source is not None and answer.source.stale
    assert answer.source.age == timedelta(minutes=35)
    text = render_text(answer)
    assert "STALE, 35 min old: the last refresh failed, these are the last good prices" in text
    assert answer.as_of == DAYS[-1]

    # No alert: the evaluation is held, and nothing waits to be posted.
    tick = services.evaluator.tick(clock.at)
    assert tick.queued == [] and "min old during market hours" in tick.held
    assert services.alert_store.outbox() == {}

    # Back-off: asked again after one refresh interval, then two, then four (at most eight).
    waits = []
    for _ in range(3):
        before = len(market.calls)
        start = clock.at
        while len(market.calls) == before:
            clock.at += timedelta(minutes=1)
            services.answerer.answer("streak")
            assert clock.at - start <= REFRESH * 8, "never asked again"
        waits.append(clock.at - start)
    assert waits == [REFRESH, REFRESH * 2, REFRESH * 4]

    status = services.status.of_operator()
    rut = next(s for g in status.groups for s in g.symbols if s.symbol == "^RUT")
    assert rut.failures == 4 and rut.retry_at == clock.at + REFRESH * 8
    words = "\n".join(str(p) for p in document(Answer("status", None, None, status)).parts)
    assert "^RUT failing, 4 failures in a row" in words
    assert "Alerts held: prices are" in words

    # Yahoo recovers: after the close, the next refresh takes the new close, and only then
    # does the alert fire.
    market.failure = "healthy"
    clock.at = after_close(DAYS[-1])
    assert clock.at >= rut.retry_at
    fresh = services.answerer.answer("streak")
    assert fresh.source is not None and not fresh.source.stale
    assert len(services.evaluator.tick(clock.at).queued) == 1
