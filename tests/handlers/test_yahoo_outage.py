"""The Yahoo outage drill: with Yahoo failing, `streak` and `macro` answer from the second
sources (Stooq and FRED, their real clients over recorded HTTP answers) and say so; with every
source failing they answer from the last good data, labelled stale. `status` shows each
source's record. Also `fed` on recorded contracts (CSV files)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import redis
import requests

from bot.clock import FixedClock
from bot.config import Settings
from bot.errors import NoDataError
from bot.market.fred import FredSeries
from bot.market.stooq import StooqPrices
from bot.market.yahoo import YahooPrices
from bot.render.document import headline
from bot.render.text import render_text
from bot.services import Services
from tests.factories import FED_SESSION, closes, write_fed_market, yf_frame
from tests.market.recorded_http import Answer, Recorded

SESSIONS = 30
RUT = closes((2000.0 * np.cumprod([1.01] * SESSIONS)).round(2).tolist(), start="2025-12-10")
SPX = closes((6000.0 * np.cumprod([1.001] * SESSIONS)).round(2).tolist(), start="2025-12-10")
TNX = closes(np.linspace(4.0, 4.2, SESSIONS).round(3).tolist(), start="2025-12-10")
VIX = closes(np.linspace(15.0, 18.0, SESSIONS).round(2).tolist(), start="2025-12-10")
LAST_YAHOO = RUT.index[-2]
"""Yahoo's last good session: the one before the last."""
NOW = FixedClock((RUT.index[-1] + pd.Timedelta(hours=22)).tz_localize("UTC").to_pydatetime())
BEFORE = FixedClock(NOW.at - timedelta(days=1))


def _stooq_csv(series: pd.Series) -> str:
    rows = [f"{d:%Y-%m-%d},{v},{v},{v},{v}" for d, v in series.items()]
    return "Date,Open,High,Low,Close\n" + "\n".join(rows) + "\n"


def _fred_csv(code: str, series: pd.Series) -> str:
    rows = [f"{d:%Y-%m-%d},{v}" for d, v in series.items()]
    return f"observation_date,{code}\n" + "\n".join(rows) + "\n"


class Yahoo:
    def __init__(self, truth: dict[str, pd.Series]) -> None:
        self.truth = truth
        self.down = False

    def __call__(self, **kwargs: Any) -> pd.DataFrame | None:
        if self.down:
            raise RuntimeError("Yahoo changed something")
        found = {s: self.truth[s].loc[:LAST_YAHOO] for s in kwargs["tickers"] if s in self.truth}
        return yf_frame(found) if found else None


@pytest.fixture
def yahoo() -> Yahoo:
    return Yahoo({"^RUT": RUT, "^GSPC": SPX, "^TNX": TNX, "^VIX": VIX})


@pytest.fixture
def http() -> Recorded:
    return Recorded(
        Answer("s=%5Erut", body=_stooq_csv(RUT)),
        Answer("s=%5Espx", body=_stooq_csv(SPX)),
        Answer("stooq.com", body="No data"),
        Answer("id=DGS10", body=_fred_csv("DGS10", TNX)),
        Answer("id=VIXCLS", body=_fred_csv("VIXCLS", VIX)),
        Answer("fred.stlouisfed.org", status=404, body="Not found"),
    )


def _services(
    clock: FixedClock, yahoo: Yahoo, http: Recorded, redis_server: redis.Redis, keys: Any
) -> Services:
    session = http.session()
    return Services(
        Settings(key_prefix=keys.prefix),
        clock=clock,
        redis_client=redis_server,
        yahoo_prices=YahooPrices(yahoo),
        second_sources=(
            StooqPrices("drill-key", session=session, clock=clock),
            FredSeries(session=session, clock=clock),
        ),
    )


def test_with_yahoo_down_streak_and_macro_answer_from_the_second_sources_and_say_so(
    yahoo: Yahoo, http: Recorded, redis_server: redis.Redis, keys: Any
) -> None:
    _services(BEFORE, yahoo, http, redis_server, keys).answerer.answer("streak")
    yahoo.down = True
    services = _services(NOW, yahoo, http, redis_server, keys)

    streak = services.answerer.answer("streak")
    assert streak.source is not None and not streak.source.stale
    assert streak.source.label == (
        f"Yahoo Finance, delayed; Russell 2000 and S&P 500 from Stooq after {LAST_YAHOO.date()}"
    )
    assert streak.as_of == RUT.index[-1].date()  # Stooq's newer session, spliced on

    macro = services.answerer.answer("macro")
    assert macro.source is not None
    assert "10-year Treasury yield and CBOE Volatility Index from FRED" in macro.source.label
    assert macro.as_of == TNX.index[-1].date()

    status = services.answerer.answer("status")
    text = render_text(status)
    assert f"^RUT answered by Stooq after {LAST_YAHOO.date()}" in text
    assert "(Yahoo Finance could not be reached (Yahoo changed something))" in text
    sources = {line.split()[0] for line in text.splitlines() if "/" in line and "never" in line}
    assert "Stooq" not in sources  # Stooq has answered


def test_with_every_source_down_the_answers_are_the_last_good_data_labelled_stale(
    yahoo: Yahoo, redis_server: redis.Redis, keys: Any
) -> None:
    dead = Recorded(Answer("", raises=requests.ConnectionError("Name or service not known")))
    _services(BEFORE, yahoo, dead, redis_server, keys).answerer.answer("streak")
    yahoo.down = True
    services = _services(NOW, yahoo, dead, redis_server, keys)

    streak = services.answerer.answer("streak")

    assert streak.source is not None and streak.source.stale
    assert streak.source.label == "Yahoo Finance, delayed"
    assert streak.as_of == LAST_YAHOO.date()
    assert "STALE" in render_text(streak)


def test_metrics_show_each_source_s_record(
    yahoo: Yahoo, http: Recorded, redis_server: redis.Redis, keys: Any
) -> None:
    from bot.metrics import SOURCE_HEALTH, exposition

    _services(BEFORE, yahoo, http, redis_server, keys).answerer.answer("streak")
    yahoo.down = True
    services = _services(NOW, yahoo, http, redis_server, keys)
    services.answerer.answer("streak")
    SOURCE_HEALTH.read = services.status.source_health
    try:
        text = exposition()[0].decode()
    finally:
        SOURCE_HEALTH.read = list
    assert (
        'smallcaps_source_failures_in_a_row{series="^RUT",source="Yahoo Finance, delayed"} 1.0'
        in text
    )
    answered = (
        f'smallcaps_series_answered_by{{series="^RUT",source="Stooq after {LAST_YAHOO.date()}"}}'
    )
    assert f"{answered} 1.0" in text
    stamp = 'smallcaps_source_last_success_timestamp_seconds{series="^RUT",source="Stooq"}'
    (line,) = [row for row in text.splitlines() if row.startswith(stamp)]
    assert float(line.split()[-1]) == NOW.at.timestamp()


def _on_files(directory: Path, redis_server: redis.Redis) -> Services:
    """The bot on the CSV files in `directory`, on 2026-12-02 after the close."""
    clock = FixedClock(pd.Timestamp("2026-12-02 20:00", tz="UTC").to_pydatetime())
    settings = Settings(data=f"csv:{directory}", home=directory / "home")
    return Services(settings, clock=clock, redis_client=redis_server)


def test_fed_answers_on_recorded_contracts(tmp_path: Path, redis_server: redis.Redis) -> None:
    write_fed_market(tmp_path)
    services = _on_files(tmp_path, redis_server)

    answer = services.answerer.answer("fed")

    assert answer.as_of == FED_SESSION.date()
    assert headline(answer) == (
        "Fed funds futures, 2026-12-01: Dec 9: 51% no change, 49% a 25 bp cut; "
        "0.5 cuts priced by end-2026"
    )
    assert "2027-01-27  3.60%   1.1  3.50-3.75% 50%" in render_text(answer)
    past = services.answerer.answer("fed as of 2026-11-20")
    assert past.as_of == pd.Timestamp("2026-11-20").date()
    assert headline(past) != headline(answer)  # that day's closes, not today's
    macro = services.answerer.answer("macro")
    assert "Fed, next meeting Dec 9: 51% no change, 49% a 25 bp cut" in render_text(macro)
    assert "0.5 cuts priced by end-2026" in render_text(macro)
    figures = json.loads(json.dumps(answer.report, default=str))
    assert figures  # the report serialises


def test_fed_without_contracts_says_what_is_missing(
    tmp_path: Path, redis_server: redis.Redis
) -> None:
    services = _on_files(tmp_path, redis_server)
    with pytest.raises(
        NoDataError,
        match=r"no fed funds futures recorded for the next meeting: no close for ZQZ26\.CBT",
    ):
        services.answerer.answer("fed")


def test_fed_today_is_fed_as_of_the_contracts_session_and_says_so(
    tmp_path: Path, redis_server: redis.Redis
) -> None:
    write_fed_market(tmp_path)  # contracts recorded to 2026-12-01
    services = _on_files(tmp_path, redis_server)
    services.clock.at = pd.Timestamp("2026-12-15 22:00", tz="UTC").to_pydatetime()  # type: ignore[attr-defined]

    today = services.answerer.answer("fed")  # the December 9 meeting is behind today
    then = services.answerer.answer(f"fed as of {FED_SESSION.date()}")

    assert today.as_of == then.as_of == FED_SESSION.date()
    assert today.report == then.report  # the same meetings, rate and range: the same path
    assert headline(today).startswith(headline(then))
    assert headline(today).endswith("(as of 2026-12-01: ZQZ26.CBT data ends there)")
    assert render_text(today).splitlines()[2] == (
        "Note: The newest session is 2026-12-15, but Fed funds futures Dec 2026 (ZQZ26.CBT) "
        "data ends 2026-12-01: this is as of 2026-12-01."
    )
    macro = render_text(services.answerer.answer("macro"))
    assert "Fed, next meeting Dec 9: 51% no change, 49% a 25 bp cut (futures, 2026-12-01)" in macro
    assert "0.5 cuts priced by end-2026" in macro
