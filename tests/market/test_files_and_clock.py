"""Files are read as of the injected clock, and their modification time is their fetch time."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import redis

from bot.alerts.reports import AlertChangeReport
from bot.analytics.streak import StreakReport
from bot.asker import Asker
from bot.clock import FixedClock
from bot.config import Settings
from bot.market.csv_files import read_closes
from bot.render.text import render_text
from bot.replies import TERMINAL
from bot.services import Services
from bot.store.keys import Keys
from bot.trading_calendar import nyse
from tests.factories import closes, write_two_column_csv

WEDNESDAY_MORNING = datetime(2026, 1, 21, 15, 0, tzinfo=UTC)  # 10:00 New York, market open


@pytest.fixture
def files(csv_dir: Path) -> Path:
    """^RUT and ^GSPC through Friday 2026-01-23, and fund data through the same day."""
    days = [str(s.date()) for s in nyse().sessions_in_range("2025-10-01", "2026-01-23")]
    rut = closes([2500 + 2 * n for n in range(len(days))], dates=days)
    spx = closes([6800 + n / 2 for n in range(len(days))], dates=days)
    write_two_column_csv(csv_dir / "^RUT.csv", rut, "^RUT")
    write_two_column_csv(csv_dir / "^GSPC.csv", spx, "^GSPC")
    (csv_dir / "funds.csv").write_text(
        "date,symbol,pe,pb,ps,pcf,total_assets\n"
        "2026-01-20,IWM,15,2,1.2,9,70e9\n2026-01-20,SPY,22,4,2.8,16,600e9\n"
        "2026-01-23,IWM,16,2,1.2,9,71e9\n2026-01-23,SPY,23,4,2.8,16,601e9\n"
    )
    return csv_dir


def services_at(files: Path, now: datetime, redis_server: redis.Redis, keys: Keys) -> Services:
    settings = Settings(data=f"csv:{files}", home=files / "home", key_prefix=keys.prefix)
    return Services(settings, clock=FixedClock(now), redis_client=redis_server)


def test_a_replay_before_a_file_s_last_rows_sees_only_what_had_closed(
    files: Path, redis_server: redis.Redis, keys: Keys
) -> None:
    services = services_at(files, WEDNESDAY_MORNING, redis_server, keys)
    answer = services.answerer.answer("streak")
    assert isinstance(answer.report, StreakReport)
    assert answer.as_of == date(2026, 1, 20)  # Wednesday's close is hours away
    assert "Note:" not in render_text(answer)
    added = services.answerer.answer("alert add rut above 2750", asker=TERMINAL).report
    assert isinstance(added, AlertChangeReport) and added.action == "added"
    assert added.present is not None and "on 2026-01-20" in added.present
    funds = services.market.fund_history("IWM")
    assert [d.date() for d in funds.index] == [date(2026, 1, 20)]


def test_an_aged_file_holds_alerts_in_market_hours_and_status_says_why(
    files: Path, redis_server: redis.Redis, keys: Keys
) -> None:
    services = services_at(files, WEDNESDAY_MORNING, redis_server, keys)
    services.answerer.answer("alert add rut above 2750", asker=TERMINAL)
    assert services.evaluator.tick(WEDNESDAY_MORNING).held == ""  # files written just now
    aged = (WEDNESDAY_MORNING - timedelta(hours=2)).timestamp()
    for path in files.glob("*.csv"):
        os.utime(path, (aged, aged))
    tick = services.evaluator.tick(WEDNESDAY_MORNING)
    assert tick.held == "prices are 120 min old during market hours (limit 30 min)"
    status = render_text(services.answerer.answer("status"))
    assert "Alerts held: prices are 120 min old during market hours" in status
    evening = WEDNESDAY_MORNING + timedelta(hours=8)  # after the close, no hold
    services.clock.at = evening  # type: ignore[attr-defined]
    assert services.evaluator.tick(evening).held == ""


def test_a_rule_made_while_prices_are_held_starts_from_the_last_close_and_says_so(
    files: Path, redis_server: redis.Redis, keys: Keys
) -> None:
    aged = (WEDNESDAY_MORNING - timedelta(hours=2)).timestamp()
    for path in files.glob("*.csv"):
        os.utime(path, (aged, aged))
    services = services_at(files, WEDNESDAY_MORNING, redis_server, keys)
    added = services.answerer.answer("alert add rut above 2750", asker=TERMINAL).report
    assert isinstance(added, AlertChangeReport) and added.action == "added"
    assert added.present is not None and "on 2026-01-20" in added.present
    assert "Nothing fires for now: ^RUT prices are 120 min old during market hours" in added.present
    assert services.evaluator.tick(WEDNESDAY_MORNING).held  # still held, nothing fired


THURSDAY_MORNING = datetime(2026, 1, 22, 15, 0, tzinfo=UTC)  # 10:00 New York, market open
DESK_A = Asker(workspace="TDESKA", channel="CDESKA", user="UA")
DESK_B = Asker(workspace="TDESKB", channel="CDESKB", user="UB")


def test_a_stale_feed_holds_only_the_rules_that_read_it(
    files: Path, redis_server: redis.Redis, keys: Keys
) -> None:
    """Desk A watches a symbol whose file stopped being fetched four hours ago; desk B watches
    the Russell 2000, whose file is fresh. B's rule fires; A's waits and says why."""
    rut = read_closes(files / "^RUT.csv", "^RUT")
    tuesday, wednesday = (rut.loc[str(d)] for d in ("2026-01-20", "2026-01-21"))
    level = (tuesday + wednesday) / 2
    write_two_column_csv(files / "XYZ.csv", rut / 10, "XYZ")
    tuesday_evening = datetime(2026, 1, 20, 23, 0, tzinfo=UTC)
    services = services_at(files, tuesday_evening, redis_server, keys)
    a = services.answerer.answer("alert add XYZ above 1", asker=DESK_A).report
    b = services.answerer.answer(f"alert add rut above {level:.2f}", asker=DESK_B).report
    assert isinstance(a, AlertChangeReport) and isinstance(b, AlertChangeReport)
    aged = (THURSDAY_MORNING - timedelta(hours=4)).timestamp()
    os.utime(files / "XYZ.csv", (aged, aged))

    services = services_at(files, THURSDAY_MORNING, redis_server, keys)
    tick = services.evaluator.tick(THURSDAY_MORNING)
    assert [m.channel for m in tick.queued] == [DESK_B.channel]  # B fired on Wednesday's close
    assert tick.held == ""  # not everything is held
    assert list(tick.holds) == ["close:level:XYZ"]
    assert tick.holds["close:level:XYZ"].startswith("XYZ prices are 240 min old")

    listing = render_text(services.answerer.answer("alert list", asker=DESK_A))
    assert "held: XYZ prices are 240 min old during market hours" in listing
    assert "1 held for lack of fresh prices" in listing
    assert "held" not in render_text(services.answerer.answer("alert list", asker=DESK_B))
    status = render_text(services.answerer.answer("status", asker=TERMINAL))
    assert "Alerts held on 1 feed (every other feed is evaluated)" in status
    assert "alerts held on 1 feed;" in status
    assert "XYZ level, on closes: XYZ prices are 240 min old" in status

    # Every file stale still holds everything, as before.
    for path in files.glob("*.csv"):
        os.utime(path, (aged, aged))
    tick = services.evaluator.tick(THURSDAY_MORNING)
    assert tick.held.startswith("prices are 240 min old during market hours")
    assert len(tick.holds) == 2


def test_a_symbol_with_no_prices_holds_only_its_own_rules(
    files: Path, redis_server: redis.Redis, keys: Keys
) -> None:
    """A symbol that answered once and then disappeared (delisted, a file removed)."""
    rut = read_closes(files / "^RUT.csv", "^RUT")
    write_two_column_csv(files / "XYZ.csv", rut / 10, "XYZ")
    tuesday_evening = datetime(2026, 1, 20, 23, 0, tzinfo=UTC)
    services = services_at(files, tuesday_evening, redis_server, keys)
    services.answerer.answer("alert add XYZ above 1", asker=DESK_A)
    level = (rut.loc["2026-01-20"] + rut.loc["2026-01-21"]) / 2
    services.answerer.answer(f"alert add rut above {level:.2f}", asker=DESK_B)
    (files / "XYZ.csv").unlink()
    services = services_at(files, THURSDAY_MORNING, redis_server, keys)
    tick = services.evaluator.tick(THURSDAY_MORNING)
    assert [m.channel for m in tick.queued] == [DESK_B.channel]
    assert tick.holds == {"close:level:XYZ": "no data file for XYZ (XYZ.csv)"}
    listing = render_text(services.answerer.answer("alert list", asker=DESK_A))
    assert "held: no data file for XYZ (XYZ.csv)" in listing
