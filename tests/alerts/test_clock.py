"""The clock's jobs run only in the active clock; a standby takes over when it stops."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from time import sleep
from typing import Any

import pandas as pd
import redis

from bot.alerts.reports import AlertMessage
from bot.clock import FixedClock
from bot.config import Settings
from bot.market.yahoo import YahooFunds, YahooPrices
from bot.services import Services
from bot.store.keys import Keys
from bot.store.lease import LEASE
from jobs.clock import HEARTBEAT_SECONDS, Clock
from jobs.market import market_hours, record_funds, record_rate_path
from tests.factories import (
    RecordedSummaries,
    closes,
    equity_holdings,
    write_two_column_csv,
    yf_frame,
)

NOW = datetime(2026, 1, 22, 16, 0, tzinfo=UTC)  # 11:00 in New York, a Thursday


class Printed:
    def __init__(self) -> None:
        self.posted: list[AlertMessage] = []

    def post(self, message: AlertMessage) -> None:
        self.posted.append(message)


def services(csv_dir: Path, redis_server: redis.Redis, keys: Keys, clock: FixedClock) -> Services:
    days = ["2026-01-20", "2026-01-21"]
    write_two_column_csv(csv_dir / "^RUT.csv", closes([2700, 2740], dates=days), "^RUT")
    write_two_column_csv(csv_dir / "^GSPC.csv", closes([6000, 6000], dates=days), "^GSPC")
    settings = Settings(data=f"csv:{csv_dir}", key_prefix=keys.prefix)
    return Services(settings, clock=clock, redis_client=redis_server)


def test_only_the_active_clock_works_and_a_standby_takes_over(
    csv_dir: Path, redis_server: redis.Redis, keys: Keys
) -> None:
    time = FixedClock(NOW)
    lease = timedelta(milliseconds=400)
    first = Clock(
        services(csv_dir, redis_server, keys, time),
        Printed(),
        RecordedSummaries(),
        owner="clock-a",
        lease=lease,
    )
    second = Clock(
        services(csv_dir, redis_server, keys, time),
        Printed(),
        RecordedSummaries(),
        owner="clock-b",
        lease=lease,
    )
    assert first.heartbeat()
    assert not second.heartbeat()

    second.watch()
    assert first.services.alert_store.status().last_tick is None  # the standby did nothing
    first.watch()
    assert first.services.alert_store.status().last_tick == NOW

    # The first clock dies. Within a lease and a heartbeat, the second is active.
    assert LEASE + timedelta(seconds=HEARTBEAT_SECONDS) <= timedelta(minutes=1)
    assert not second.heartbeat()
    sleep(0.5)  # the lease runs out in Redis's time
    time.at = NOW + timedelta(seconds=HEARTBEAT_SECONDS)
    assert second.heartbeat()
    second.watch()
    assert second.services.alert_store.status().last_tick == time.at
    assert not first.heartbeat()


def test_market_hours_follow_the_nyse_calendar() -> None:
    assert market_hours(NOW)
    assert market_hours(NOW.replace(hour=22))  # 17:00 New York: just after the close
    assert not market_hours(NOW.replace(hour=3))  # 22:00 the evening before
    assert not market_hours(datetime(2026, 1, 19, 16, tzinfo=UTC))  # Martin Luther King Day
    assert not market_hours(datetime(2026, 1, 24, 16, tzinfo=UTC))  # a Saturday


def test_fund_data_is_recorded_once_a_trading_day_for_every_valuation_and_flows_fund(
    redis_server: redis.Redis, keys: Keys, tmp_path: Path
) -> None:
    asked: list[str] = []

    def holdings(symbol: str) -> pd.DataFrame:
        asked.append(symbol)
        return equity_holdings(symbol, [0.05, 2.0, 1.25, 0.1, 3.1e9, 0.12])

    services = Services(
        Settings(key_prefix=keys.prefix, home=tmp_path),
        clock=FixedClock(NOW),
        redis_client=redis_server,
        yahoo_funds=YahooFunds(holdings, lambda symbol: {}),
    )
    assert record_funds(services, NOW) == 7
    # the valuation funds (IWM, IJR, IJH, IWC against SPY) and the flows funds, each once
    assert sorted(asked) == ["IJH", "IJR", "IWC", "IWM", "SPY", "VB", "VBR"]
    for symbol in asked:
        assert redis_server.hexists(keys.fund_snapshots(symbol), "2026-01-22")
    assert record_funds(services, datetime(2026, 1, 24, 16, tzinfo=UTC)) == 0  # a Saturday
    assert len(asked) == 7


def test_the_rate_path_is_recorded_every_trading_day_and_kept_once_yahoo_drops_a_contract(
    redis_server: redis.Redis, keys: Keys, tmp_path: Path
) -> None:
    """Yahoo lists a contract until it expires; the cache keeps what it fetched, so a past
    date's path can still be read."""
    day = pd.Timestamp(NOW.date())
    listed = {"ZQF26.CBT": 96.37, "ZQG26.CBT": 96.40, "ZQH26.CBT": 96.45}
    asked: list[list[str]] = []

    def download(**kwargs: Any) -> pd.DataFrame | None:
        asked.append(list(kwargs["tickers"]))
        found = {
            s: pd.Series([p], index=[day]) for s, p in listed.items() if s in kwargs["tickers"]
        }
        return yf_frame(found) if found else None

    def services_at(moment: datetime) -> Services:
        return Services(
            Settings(key_prefix=keys.prefix, home=tmp_path),
            clock=FixedClock(moment),
            redis_client=redis_server,
            yahoo_prices=YahooPrices(download),
            second_sources=(),
        )

    assert record_rate_path(services_at(NOW), NOW) == 3
    assert "ZQF26.CBT" in asked[0] and "ZQZ27.CBT" in asked[0]
    assert "fred:EFFR" not in asked[0]  # FRED's, never Yahoo's
    later = NOW + timedelta(days=20)
    del listed["ZQF26.CBT"]  # expired: Yahoo has it no more
    services_at(later).market.prices.closes(["ZQF26.CBT"])
    kept = services_at(later).market.prices.closes(["ZQF26.CBT"]).closes["ZQF26.CBT"]
    assert kept.loc[day] == 96.37
    assert record_rate_path(services_at(NOW), datetime(2026, 1, 24, 16, tzinfo=UTC)) == 0
