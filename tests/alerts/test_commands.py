"""Alert commands through the answerer and `ask --json`, as every front end sends them."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
import redis

from bot.alerts.reports import AlertChangeReport, AlertListReport
from bot.asker import Asker
from bot.clock import FixedClock
from bot.config import Settings
from bot.errors import CommandError, UserFacingError
from bot.services import Services
from bot.store.keys import Keys
from handlers.ask import ask
from tests.alerts.conftest import trading_days
from tests.factories import closes, write_two_column_csv

ASKER = Asker("T1", "C1", "U1")
DAYS = trading_days("2024-11-01", 290)


@pytest.fixture
def services(csv_dir: Path, redis_server: redis.Redis, keys: Keys, tmp_path: Path) -> Services:
    """A year of Russell 2000 closes swinging between 2,600 and 2,900, and a flat S&P 500."""
    swing = 2750.0 + 150.0 * np.sin(np.arange(len(DAYS)) / 8.0)
    dates = [d.isoformat() for d in DAYS]
    write_two_column_csv(csv_dir / "^RUT.csv", closes(swing, dates=dates), "^RUT")
    write_two_column_csv(csv_dir / "^GSPC.csv", closes([6000.0] * len(DAYS), dates=dates), "^GSPC")
    settings = Settings(data=f"csv:{csv_dir}", home=tmp_path / "home", key_prefix=keys.prefix)
    clock = FixedClock(datetime(2025, 12, 31, 23, tzinfo=UTC))
    return Services(settings, clock=clock, redis_client=redis_server)


def test_alert_test_as_json_lists_every_firing_and_the_rule_as_parsed(services: Services) -> None:
    out, err = io.StringIO(), io.StringIO()
    status = ask(
        services.answerer,
        "alert test rut above 2850 since 2025-03-01",
        None,
        True,
        out,
        err,
        Path(),
    )
    assert status == 0, err.getvalue()
    figures = json.loads(out.getvalue())["figures"]
    assert figures["rule"]["kind"] == "level"
    assert figures["rule"]["direction"] == "above"
    assert figures["rule"]["level"] == 2850.0
    assert figures["rule"]["symbols"] == ["^RUT"]
    firings = figures["firings"]
    assert firings and all(set(f) == {"date", "price", "change"} for f in firings)
    assert all(f["change"] is None for f in firings)  # a level has no signed figure
    # Each firing is a close above 2,850 whose previous close was at or below it.
    rut = services.market.prices.closes(["^RUT"]).closes["^RUT"]
    for firing in firings:
        position = rut.index.get_loc(datetime.fromisoformat(firing["date"]))
        assert rut.iloc[position] == pytest.approx(firing["price"])
        assert rut.iloc[position] > 2850.0 >= rut.iloc[position - 1]
    assert all(f["date"] >= "2025-03-01" for f in firings)


def test_alert_test_as_json_gives_each_move_with_its_sign(services: Services) -> None:
    out, err = io.StringIO(), io.StringIO()
    status = ask(services.answerer, "alert test rut move 0.5", None, True, out, err, Path())
    assert status == 0, err.getvalue()
    firings = json.loads(out.getvalue())["figures"]["firings"]
    rut = services.market.prices.closes(["^RUT"]).closes["^RUT"]
    moves = rut.pct_change() * 100.0
    assert {f["change"] > 0 for f in firings} == {True, False}, "the swing rises and falls"
    for firing in firings:
        assert firing["change"] == pytest.approx(moves[datetime.fromisoformat(firing["date"])])


def test_a_rule_is_added_listed_paused_and_removed_in_its_channel(services: Services) -> None:
    added = services.answerer.answer("alert add rut crosses 2700", asker=ASKER).report
    assert isinstance(added, AlertChangeReport)
    (line,) = added.rules
    listing = services.answerer.answer("alert list", asker=ASKER).report
    assert isinstance(listing, AlertListReport)
    assert [(r.id, r.state) for r in listing.rules] == [(line.id, "armed")]
    services.answerer.answer(f"alert pause {line.id}", asker=ASKER)
    paused = services.answerer.answer("alert list", asker=ASKER).report
    assert isinstance(paused, AlertListReport) and paused.rules[0].state == "paused"
    elsewhere = services.answerer.answer("alert list", asker=Asker("T1", "C2", "U1")).report
    assert isinstance(elsewhere, AlertListReport) and elsewhere.rules == []
    services.answerer.answer(f"alert remove {line.id}", asker=ASKER)
    empty = services.answerer.answer("alert list", asker=ASKER).report
    assert isinstance(empty, AlertListReport) and empty.rules == []


def test_changes_act_now_never_as_of_a_past_date(services: Services) -> None:
    with pytest.raises(CommandError, match="drop the as-of date"):
        services.answerer.answer("alert add rut above 2750 as of 2025-06-02", asker=ASKER)


def test_an_unknown_symbol_is_refused_with_the_reason(services: Services) -> None:
    with pytest.raises(UserFacingError, match=r"no data file for ZZZZ"):
        services.answerer.answer("alert add zzzz above 10", asker=ASKER)
    listing = services.answerer.answer("alert list", asker=ASKER).report
    assert isinstance(listing, AlertListReport) and listing.rules == []


def test_a_built_in_rule_stays_in_step_with_levels_and_says_how_to_stop_it(
    services: Services,
) -> None:
    """Removing a watched level's built-in rule alone would leave `levels` watching a level no
    rule alerts on (and the next `levels set` would bring it back): it is refused, saying what
    to do instead, and nothing changes."""
    on = services.answerer.answer("subscribe alerts", asker=ASKER).report
    assert isinstance(on, AlertChangeReport)
    level = next(r for r in on.rules if r.rule.kind == "level" and r.rule.level == 2750.0)
    high = next(r for r in on.rules if r.rule.kind == "all-time-high")
    with pytest.raises(UserFacingError, match=r"`levels remove 2,750` stops watching it"):
        services.answerer.answer(f"alert remove {level.id}", asker=ASKER)
    with pytest.raises(UserFacingError, match=r"`unsubscribe alerts` stops them all"):
        services.answerer.answer(f"alert remove {high.id}", asker=ASKER)
    listing = services.answerer.answer("alert list", asker=ASKER).report
    assert isinstance(listing, AlertListReport) and len(listing.rules) == len(on.rules)

    services.answerer.answer("levels remove 2750", asker=ASKER)
    listing = services.answerer.answer("alert list", asker=ASKER).report
    assert isinstance(listing, AlertListReport)
    assert level.id not in {r.id for r in listing.rules}


def test_subscribing_adds_the_built_in_rules_and_they_follow_the_watched_levels(
    services: Services,
) -> None:
    on = services.answerer.answer("subscribe alerts", asker=ASKER).report
    assert isinstance(on, AlertChangeReport)
    kinds = sorted(line.rule.kind for line in on.rules)
    assert kinds.count("level") == 4  # the default watched levels
    assert {"52-week-high", "all-time-high", "longest-since", "streak"} <= set(kinds)
    with pytest.raises(UserFacingError, match="already gets"):
        services.answerer.answer("subscribe alerts", asker=ASKER)

    services.answerer.answer("levels set 2700 Pivot", asker=ASKER)
    services.answerer.answer("levels remove 2850", asker=ASKER)
    listing = services.answerer.answer("alert list", asker=ASKER).report
    assert isinstance(listing, AlertListReport)
    watched = sorted(r.rule.level for r in listing.rules if r.builtin and r.rule.kind == "level")
    assert watched == [2600.0, 2640.0, 2700.0, 2750.0]

    off = services.answerer.answer("unsubscribe alerts", asker=ASKER).report
    assert isinstance(off, AlertChangeReport) and len(off.rules) == len(on.rules)
    after = services.answerer.answer("alert list", asker=ASKER).report
    assert isinstance(after, AlertListReport) and after.rules == []
