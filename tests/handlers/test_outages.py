"""A Redis outage and a Yahoo outage each give one clear line, never a traceback."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd
import redis

from bot.clock import FixedClock
from bot.config import Settings
from bot.market.yahoo import YahooPrices
from bot.services import Services
from bot.store.server import client_options
from handlers.ask import ask
from handlers.console import respond
from tests.factories import from_returns, yf_frame
from tests.market.test_yahoo import OfflineDownload


def yahoo(frame: pd.DataFrame | None) -> YahooPrices:
    def download(**kwargs: Any) -> pd.DataFrame | None:
        return frame

    return YahooPrices(download)


def run_ask(services: Services, text: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = ask(services.answerer, text, None, False, out, err, services.settings.chart_dir)
    return status, out.getvalue(), err.getvalue()


def test_redis_down_answers_what_needs_no_state_and_refuses_changes(
    tmp_path: Path, clock: FixedClock
) -> None:
    # the options the bot connects with: a down Redis costs well under a second per command
    unreachable = redis.Redis(unix_socket_path=str(tmp_path / "no-such.sock"), **client_options())
    frame = yf_frame({"^RUT": from_returns([1.0] * 5), "^GSPC": from_returns([0.0] * 5)})
    services = Services(
        Settings(), clock=clock, redis_client=unreachable, yahoo_prices=yahoo(frame)
    )
    # prices come from this process's own copy, fetched from Yahoo itself
    status, out, err = run_ask(services, "streak")
    assert status == 0, err
    assert "5 sessions in a row" in out
    for change in ("alert add rut above 2750", "subscribe daily", "levels set 2800"):
        reply = respond(services.answerer, change, services.settings.chart_dir)
        assert reply == (
            "error: the state store (Redis) is unavailable, nothing was changed; "
            "try again in a minute"
        ), change


def test_yahoo_down_with_nothing_cached_is_one_clear_line(
    redis_server: redis.Redis, keys: Any, clock: FixedClock
) -> None:
    settings = Settings(key_prefix=keys.prefix)
    services = Services(settings, clock=clock, redis_client=redis_server, yahoo_prices=yahoo(None))
    status, out, err = run_ask(services, "streak")
    assert status == 1 and out == ""
    assert err.strip() == (
        "smallcaps: Yahoo Finance returned no data for ^RUT, ^GSPC; Stooq needs STOOQ_API_KEY "
        "(since March 2026 it sends prices only with a key)"
    )


def test_a_first_run_without_network_says_so_and_how_to_go_on(
    redis_server: redis.Redis, keys: Any, clock: FixedClock
) -> None:
    settings = Settings(key_prefix=keys.prefix)
    offline = YahooPrices(OfflineDownload(None))
    services = Services(settings, clock=clock, redis_client=redis_server, yahoo_prices=offline)
    status, out, err = run_ask(services, "streak")
    assert status == 1 and out == ""
    assert err.startswith(
        "smallcaps: Yahoo Finance could not be reached "
        "(Could not resolve host: query2.finance.yahoo.com): no prices are cached yet; "
    )
    assert "SMALLCAPS_DATA=csv:DIR" in err and "Try it offline on CSV files" in err
    assert "returned no data" not in err
