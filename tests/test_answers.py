"""Answering through the whole stack in-process: grammar, market data, analytics, reports."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.analytics.flows import FlowsReport
from bot.analytics.macro import MacroReport
from bot.analytics.precedents import PrecedentsReport
from bot.analytics.returns import ReturnsReport
from bot.analytics.sectors import SectorsReport
from bot.analytics.sizes import SizeRow, SizesReport
from bot.analytics.streak import StreakReport
from bot.analytics.valuation import ValuationReport
from bot.clock import FixedClock
from bot.commands.sizes import headline as sizes_headline
from bot.config import Settings
from bot.errors import CommandError, NoDataError, UserFacingError
from bot.render.json import render_json
from bot.render.text import render_text
from bot.services import Services
from bot.slack.views.answers import answer_message
from bot.slack.views.tables import PHONE_WIDTH
from bot.status import StatusReport
from bot.universe import SECTORS
from handlers.console import respond
from tests.factories import from_returns, write_flat_csv, write_two_column_csv


@pytest.fixture
def services(csv_dir: Path, redis_server: redis.Redis, tmp_path: Path) -> Services:
    days = 30
    write_flat_csv(csv_dir / "^RUT.csv", from_returns([-1.0] + [1.0] * (days - 1)))
    write_flat_csv(csv_dir / "^GSPC.csv", from_returns([1.0] + [0.5] * (days - 1)))
    for n, pair in enumerate(SECTORS):
        write_flat_csv(csv_dir / f"{pair.small.symbol}.csv", from_returns([0.1 * n] * days))
        write_flat_csv(csv_dir / f"{pair.large.symbol}.csv", from_returns([0.05] * days))
    write_two_column_csv(csv_dir / "^TNX.csv", from_returns([0.0] * days, first=4.0), "^TNX")
    (csv_dir / "funds.csv").write_text(
        "date,symbol,pe,pb,ps,pcf,total_assets\n"
        "2024-01-03,IWM,15,2.0,1.2,9,70e9\n2024-01-03,SPY,22,4.0,2.8,16,600e9\n"
        "2024-01-04,IWM,0.07,2.0,1.1,9,71e9\n2024-01-04,SPY,22,4.2,2.8,16,601e9\n"
    )
    write_flat_csv(csv_dir / "IWM.csv", from_returns([0.5] * days))
    settings = Settings(data=f"csv:{csv_dir}", home=tmp_path / "home")
    clock = FixedClock(datetime(2024, 3, 1, 15, tzinfo=UTC))
    return Services(settings, clock=clock, redis_client=redis_server)


def test_streak_answer_is_dated_and_sourced(services: Services) -> None:
    answer = services.answerer.answer("streak")
    assert isinstance(answer.report, StreakReport)
    assert answer.report.length == 29
    assert answer.as_of == answer.report.session
    assert answer.source is not None and "CSV files" in answer.source.label


def test_sectors_rank_small_cap_sectors(services: Services) -> None:
    report = services.answerer.answer("sectors 1m").report
    assert isinstance(report, SectorsReport)
    assert report.leaders[0] == SECTORS[-1].sector  # the fastest-rising small-cap twin
    assert report.laggards[0] == SECTORS[0].sector
    assert all(row.divergence_pts is not None for row in report.rows)


def test_valuation_from_recorded_fund_data(services: Services) -> None:
    report = services.answerer.answer("valuation").report
    assert isinstance(report, ValuationReport)
    iwm = report.funds[0]
    pe = next(r for r in iwm.rows if r.metric == "P/E")
    assert pe.small == pytest.approx(1 / 0.07)  # a reciprocal, turned back
    assert pe.discount_pct == pytest.approx((1 / 0.07 / 22 - 1) * 100)
    assert iwm.recorded_days == 2


def test_valuation_compares_each_recorded_fund_with_spy(services: Services, csv_dir: Path) -> None:
    (csv_dir / "funds.csv").write_text(
        "date,symbol,pe,pb,ps,pcf,total_assets\n"
        "2024-01-03,SPY,20,4,2.8,16,600e9\n2024-01-04,SPY,20,4,2.8,16,600e9\n"
        "2024-01-05,SPY,25,4,2.8,16,600e9\n"
        "2024-01-03,IWM,15,2,1.2,9,70e9\n2024-01-04,IWM,16,2,1.2,9,70e9\n"
        "2024-01-05,IWM,15,2,1.2,9,70e9\n"
        "2024-01-03,IJR,12,2,1.2,9,80e9\n2024-01-04,IJR,18,2,1.2,9,80e9\n"
        "2024-01-05,IJR,17,2,1.2,9,80e9\n"
        "2024-01-03,IJH,18,2,1.2,9,90e9\n2024-01-04,IJH,18,2,1.2,9,90e9\n"
        "2024-01-03,IWC,26,2,1.2,9,1e9\n2024-01-04,IWC,24,2,1.2,9,1e9\n"
        "2024-01-05,IWC,30,2,1.2,9,1e9\n"
    )
    answer = services.answerer.answer("valuation")
    report = answer.report
    assert isinstance(report, ValuationReport)
    assert answer.as_of == report.session == date(2024, 1, 5)
    # P/E gaps to SPY: IWM -25, -20, -40; IJR -40, -10, -32; IJH -10, -10 (no 2024-01-05);
    # IWC +30, +20, +20
    figures = {
        f.symbol: (f.session, f.rows[0].discount_pct, f.rows[0].percentile, f.rows[0].days)
        for f in report.funds
    }
    assert figures == {
        "IWM": (date(2024, 1, 5), pytest.approx(-40.0), 100.0, 2),
        "IJR": (date(2024, 1, 5), pytest.approx(-32.0), 50.0, 2),
        "IJH": (date(2024, 1, 4), pytest.approx(-10.0), 0.0, 1),
        "IWC": (date(2024, 1, 5), pytest.approx(20.0), 50.0, 2),
    }
    text = render_text(answer)
    assert text.startswith(
        "IWM trades at a -40% P/E gap to SPY (15.0x vs 25.0x), "
        "deeper than on 100% of 2 recorded days\n"
    )
    lines = text.splitlines()
    first = lines.index("Metric    IWM    SPY   Gap  Pctl  Days")
    assert lines[first + 1] == "P/E     15.0x  25.0x  -40%   100     2"
    by_fund = lines[lines.index("P/E by size against SPY, 2024-01-05:") + 1 :][:7]
    assert by_fund == [
        "Fund                   P/E   Gap  Pctl  Days",
        "IWM Small            15.0x  -40%   100     2",
        "IJR Small (S&P 600)  17.0x  -32%    50     2",
        "IJH Mid              18.0x  -10%     0     1",
        "  as of 2024-01-04",
        "IWC Micro            30.0x  +20%    50     2",
        "Pctl: the share of earlier recorded days whose gap was shallower than today's; "
        "Days: how many earlier recorded days it rests on.",
    ]
    assert all(len(line) <= PHONE_WIDTH for line in by_fund[:-1])
    blocks = answer_message(answer).blocks
    header = next(b for b in blocks if b["type"] == "table")["rows"][0]
    assert [c["text"] for c in header[:3]] == ["Metric", "IWM", "SPY"]  # the first table
    funds = render_json(answer)["figures"]["funds"]
    assert [(f["symbol"], f["session"], f["rows"][0]["days"]) for f in funds] == [
        ("IWM", "2024-01-05", 2),
        ("IJR", "2024-01-05", 2),
        ("IJH", "2024-01-04", 1),
        ("IWC", "2024-01-05", 2),
    ]


def test_flows_from_recorded_assets(services: Services) -> None:
    answer = services.answerer.answer("flows")
    report = answer.report
    assert isinstance(report, FlowsReport)
    iwm, vb, _, _ = report.rows
    assert iwm.symbol == "IWM" and iwm.days_recorded == 2
    assert iwm.flow_1d == pytest.approx(71e9 - 70e9 * 1.005)  # IWM rose 0.5% that day
    assert iwm.note == "5-day flow needs 6 recorded days"
    assert (
        vb.days_recorded == 0 and vb.note is not None and "no data file for VB (VB.csv)" in vb.note
    )
    text = render_text(answer)
    assert "recorded on 2 days since 2024-01-03" in text


def test_sizes_and_macro_say_what_is_missing(services: Services) -> None:
    sizes = services.answerer.answer("sizes").report
    assert isinstance(sizes, SizesReport)
    assert [r.return_pct is None for r in sizes.rows] == [True, False, True, False, True]
    macro = services.answerer.answer("macro").report
    assert isinstance(macro, MacroReport)
    assert macro.rows[0].value == pytest.approx(4.0)
    assert macro.rows[2].note is not None and "^VIX" in macro.rows[2].note


def test_status_reports_redis_and_data(services: Services) -> None:
    report = services.answerer.answer("status").report
    assert isinstance(report, StatusReport)
    assert report.redis.startswith("ok")
    rut = next(s for s in report.symbols if s.symbol == "^RUT")
    assert rut.last_session is not None
    spy = next(s for s in report.symbols if s.symbol == "SPY")
    assert spy.error is not None and "no data file for SPY" in spy.error


def test_future_and_conflicting_dates_are_refused(services: Services) -> None:
    with pytest.raises(CommandError, match="in the future"):
        services.answerer.answer("streak as of 2030-01-02")
    with pytest.raises(
        CommandError, match="'as of 2024-01-10' and 'as of 2024-01-11' both give the as-of date"
    ):
        services.answerer.answer("streak as of 2024-01-10", as_of=date(2024, 1, 11))


def test_precedents_default_to_the_current_streak(services: Services) -> None:
    report = services.answerer.answer("precedents").report
    assert isinstance(report, PrecedentsReport)
    assert report.min_length == 29


def test_unknown_symbol_suggests_a_name(services: Services) -> None:
    with pytest.raises(NoDataError, match="did you mean russell"):
        services.answerer.answer("streak russel vs spx")


def test_console_turns_failures_into_a_reference(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(closes: pd.Series, *args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("bot.commands.streak.streak", broken)
    line = respond(services.answerer, "streak", services.settings.chart_dir)
    assert line.startswith("error: something went wrong on our side (ref ")
    assert "boom" not in line


ANSWER_WORDS = st.sampled_from(
    [
        "streak",
        "returns",
        "precedents",
        "sizes",
        "levels",
        "sectors",
        "valuation",
        "macro",
        "status",
        "help",
        "vs",
        "as of",
        "2024-01-05",
        "1990-01-01",
        "ytd",
        "1d",
        "5y",
        "2023",
        "2024",
        "1900",
        "12",
        "1",
        "250",
        "6m",
        "rut",
        "spx",
        "iwm",
        "PSCF",
        "nothere",
        "^TNX",
        "x/y",
    ]
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(ANSWER_WORDS, min_size=1, max_size=5).map(" ".join))
def test_any_command_text_gets_an_answer_or_a_clear_error(services: Services, text: str) -> None:
    try:
        answer = services.answerer.answer(text)
    except UserFacingError as error:
        assert error.message
    else:
        assert answer.report is not None
        assert render_text(answer)
        json.dumps(render_json(answer))


def test_a_fallback_symbol_is_named_in_the_answer(services: Services, csv_dir: Path) -> None:
    write_flat_csv(csv_dir / "MDY.csv", from_returns([0.2] * 30))
    report = services.answerer.answer("returns 1m mid rut").report
    assert isinstance(report, ReturnsReport)
    mid = report.rows[0]
    assert (mid.key, mid.symbol, mid.name) == ("mid", "MDY", "S&P MidCap 400 (MDY)")
    assert report.rows[1].name == "Russell 2000"


def test_every_table_answers_with_what_it_has(services: Services, csv_dir: Path) -> None:
    (csv_dir / f"{SECTORS[0].small.symbol}.csv").unlink()
    answer = services.answerer.answer("sectors 1m")
    report = answer.report
    assert isinstance(report, SectorsReport)
    assert report.rows[0].small_pct is None and report.rows[1].small_pct is not None
    assert report.missing == [SECTORS[0].small.symbol]
    assert f"n/a: no prices for {SECTORS[0].small.symbol}." in render_text(answer)
    for pair in SECTORS:
        for fund in (pair.small, pair.large):
            (csv_dir / f"{fund.symbol}.csv").unlink(missing_ok=True)
    with pytest.raises(NoDataError, match=f"no sector fund has prices .{SECTORS[0].small.symbol}"):
        services.answerer.answer("sectors")  # nothing to answer with: missing data (exit 1)


def test_valuation_without_fund_data_says_how_it_accrues(services: Services, csv_dir: Path) -> None:
    (csv_dir / "funds.csv").unlink()
    for command in ("valuation", "flows"):
        with pytest.raises(NoDataError) as refused:
            services.answerer.answer(command)
        text = refused.value.message
        assert "No fund data recorded yet" in text and "once a trading day" in text
        assert "funds.csv (date,symbol,pe,pb,ps,pcf,total_assets)" in text


def test_help_states_the_limits_in_force_not_the_defaults(
    csv_dir: Path, redis_server: redis.Redis, tmp_path: Path
) -> None:
    settings = Settings(
        data=f"csv:{csv_dir}",
        home=tmp_path / "home",
        rules_per_workspace=7,
        symbols_per_workspace=3,
        upstream_per_user=4,
        upstream_per_workspace=9,
    )
    services = Services(settings, redis_client=redis_server)
    alert = render_text(services.answerer.answer("help alert"))
    assert "Limits: 50 rules a channel and 7 a workspace" in alert
    assert "a workspace's rules may watch 3 symbols outside" in alert
    general = render_text(services.answerer.answer("help"))
    assert "4 a minute per person, 9 per workspace" in general


def test_help_gives_every_command_s_forms_periods_options_and_bounds(services: Services) -> None:
    alert = render_text(services.answerer.answer("help alert"))
    for words in (
        "/smallcaps alert add <target> above|below|crosses <level> [options]",
        "cooldown <sessions> (a whole number from 0 to 250 sessions, default 1)",
        "band <pct> (at least 0% and at most 10%, default 0.5%, levels only)",
        "move <pct>: the day's change either way (more than 0% and at most 50%)",
        "a move, spread or record rule re-arms at the next session",
        "Limits: 50 rules a channel and 500 a workspace, built-in alerts aside; a workspace's "
        "rules may watch 20 symbols outside the indices and ETFs the bot knows.",
    ):
        assert words in alert
    returns = render_text(services.answerer.answer("help returns"))
    assert (
        "Periods: 1d 5d mtd 1m qtd 3m 6m ytd 1y 3y 5y, or a calendar year such as 2013." in returns
    )
    general = render_text(services.answerer.answer("help"))
    assert "write $NOW for the stock" in general and "as of YYYY-MM-DD" in general
    assert "10 a minute per person, 60 per workspace" in general


def test_sizes_with_one_segment_priced_names_it_once() -> None:
    rows = [
        SizeRow("Large cap", "spx", "^GSPC", "S&P 500", 2.03),
        SizeRow("Small cap", "rut", "^RUT", "Russell 2000", None, "history starts 1987-09-10"),
    ]
    report = SizesReport("1987", date(1986, 12, 31), date(1987, 12, 31), rows, None, "n/a")
    assert sizes_headline(report) == "By size, 1987: only Large cap has prices (+2.0%)"
