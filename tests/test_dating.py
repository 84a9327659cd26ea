"""An answer never moves to another date without saying so: weekends, holidays, short data."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import redis

from bot.clock import FixedClock
from bot.config import Settings
from bot.errors import NoDataError
from bot.render.json import render_json
from bot.render.text import render_text
from bot.reports import ShortSeries
from bot.services import Services
from bot.slack.views.answers import answer_message
from bot.trading_calendar import nyse
from tests.factories import closes, write_two_column_csv


def sessions(start: str, end: str) -> list[str]:
    return [str(s.date()) for s in nyse().sessions_in_range(start, end)]


@pytest.fixture
def services(csv_dir: Path, redis_server: redis.Redis, tmp_path: Path) -> Services:
    """^RUT and ^GSPC through 2026-01-23; IWM and SPY only through 2022-11-18."""
    full = sessions("2025-06-02", "2026-01-23")
    write_two_column_csv(
        csv_dir / "^RUT.csv", closes([2000 + n for n in range(len(full))], dates=full), "^RUT"
    )
    write_two_column_csv(
        csv_dir / "^GSPC.csv", closes([6000 + n / 2 for n in range(len(full))], dates=full), "^GSPC"
    )
    old = sessions("2022-06-01", "2022-11-18")
    write_two_column_csv(
        csv_dir / "IWM.csv", closes([180 + n for n in range(len(old))], dates=old), "IWM"
    )
    write_two_column_csv(
        csv_dir / "SPY.csv", closes([380 + n / 2 for n in range(len(old))], dates=old), "SPY"
    )
    settings = Settings(data=f"csv:{csv_dir}", home=tmp_path / "home")
    clock = FixedClock(datetime(2026, 1, 24, 15, tzinfo=UTC))  # the Saturday after
    return Services(settings, clock=clock, redis_client=redis_server)


def test_short_data_names_both_dates_and_each_short_symbol(services: Services) -> None:
    answer = services.answerer.answer("streak iwm vs spy as of 2026-01-22")
    assert answer.as_of == date(2022, 11, 18)
    assert answer.dating is not None
    assert answer.dating.short == [
        ShortSeries("iShares Russell 2000 ETF", "IWM", date(2022, 11, 18)),
        ShortSeries("SPDR S&P 500 ETF", "SPY", date(2022, 11, 18)),
    ]
    text = render_text(answer)
    note = (
        "Note: Asked for 2026-01-22, but iShares Russell 2000 ETF (IWM) data ends 2022-11-18; "
        "SPDR S&P 500 ETF (SPY) data ends 2022-11-18: this is as of 2022-11-18."
    )
    assert text.splitlines()[2] == note  # under the headline and the title
    blocks = answer_message(answer).blocks
    assert blocks[2]["type"] == "context"  # under the headline and the title
    assert "Asked for 2026-01-22" in blocks[2]["elements"][0]["text"]
    rendered = render_json(answer)
    assert (rendered["requested"], rendered["as_of"], rendered["expected"]) == (
        "2026-01-22",
        "2022-11-18",
        "2026-01-22",
    )
    assert rendered["stale"] is True
    assert [s["symbol"] for s in rendered["short"]] == ["IWM", "SPY"]


def test_data_that_ends_before_today_says_so(services: Services) -> None:
    services.clock.at = datetime(2026, 2, 3, 23, tzinfo=UTC)  # type: ignore[attr-defined]
    text = render_text(services.answerer.answer("streak"))
    assert "Note: The newest session is 2026-02-03, but Russell 2000 (^RUT) data ends " in text
    assert "2026-01-23; S&P 500 (^GSPC) data ends 2026-01-23: this is as of 2026-01-23." in text


@pytest.mark.parametrize(
    ("asked", "why", "session"),
    [
        ("2026-01-24", "a Saturday", "2026-01-23"),
        ("2026-01-19", "an NYSE holiday", "2026-01-16"),  # Martin Luther King Jr. Day
    ],
)
def test_a_day_without_a_session_says_which_session_answers(
    services: Services, asked: str, why: str, session: str
) -> None:
    answer = services.answerer.answer(f"streak as of {asked}")
    assert answer.as_of == date.fromisoformat(session)
    assert render_text(answer).splitlines()[2] == (
        f"Note: {asked} is {why}, not a trading day: this is as of the session before, {session}."
    )
    assert render_json(answer)["requested"] == asked


def test_an_answer_for_the_session_asked_has_no_note(services: Services) -> None:
    answer = services.answerer.answer("streak as of 2026-01-22")
    assert answer.dating is not None and not answer.dating.moved
    assert "Note:" not in render_text(answer)
    assert render_json(answer)["stale"] is False
    assert not services.answerer.answer("streak").dating.moved  # type: ignore[union-attr]


def test_ytd_on_a_day_before_the_year_s_first_session_is_no_answer_for_last_year(
    services: Services,
) -> None:
    with pytest.raises(NoDataError, match="YTD as of 2026-01-01: 2026 has no session"):
        services.answerer.answer("returns ytd as of 2026-01-01")
    with pytest.raises(NoDataError, match="2026 has no session"):
        services.answerer.answer("chart ytd as of 2026-01-01")
    report = services.answerer.answer("returns ytd as of 2026-01-02").report
    assert (report.start, report.end) == (date(2025, 12, 31), date(2026, 1, 2))  # type: ignore[union-attr]


def test_a_headline_dragged_back_by_short_data_says_so_in_the_notification(
    services: Services,
) -> None:
    answer = services.answerer.answer("streak iwm vs spy as of 2026-01-22")
    (first, *_) = render_text(answer).splitlines()
    assert first.endswith("(as of 2022-11-18: IWM, SPY data ends there)")
    blocks = answer_message(answer).blocks
    assert "(as of 2022-11-18: IWM, SPY data ends there)" in blocks[0]["text"]["text"]
    fresh = services.answerer.answer("streak as of 2026-01-22")
    assert "data ends there" not in render_text(fresh).splitlines()[0]


def whole_2025(csv_dir: Path) -> None:
    """^RUT and ^GSPC from December 2024, so that 2025 is measured whole."""
    days = sessions("2024-12-02", "2026-01-23")
    for symbol, first in (("^RUT", 2000), ("^GSPC", 6000)):
        values = [first + n for n in range(len(days))]
        write_two_column_csv(csv_dir / f"{symbol}.csv", closes(values, dates=days), symbol)


def test_a_past_year_is_answered_as_of_its_last_session_not_as_data_that_ends(
    services: Services, csv_dir: Path
) -> None:
    whole_2025(csv_dir)
    services.clock.at = datetime(2026, 2, 3, 23, tzinfo=UTC)  # type: ignore[attr-defined]
    answer = services.answerer.answer("returns 2025")
    assert answer.as_of == date(2025, 12, 31)
    assert answer.dating is not None and answer.dating.expected == date(2025, 12, 31)
    assert answer.dating.short == [] and not answer.dating.moved
    text = render_text(answer)
    assert "data ends" not in text and "Note:" not in text
    rendered = render_json(answer)
    assert (rendered["expected"], rendered["short"], rendered["stale"]) == ("2025-12-31", [], False)


@pytest.mark.parametrize("command", ["returns 2025 rut iwm", "chart 2025 rut vs spx", "sizes 2025"])
def test_a_past_year_names_only_the_series_that_stops_before_it(
    services: Services, csv_dir: Path, command: str
) -> None:
    whole_2025(csv_dir)
    services.clock.at = datetime(2026, 2, 3, 23, tzinfo=UTC)  # type: ignore[attr-defined]
    answer = services.answerer.answer(command)
    assert answer.as_of == date(2025, 12, 31)
    assert answer.dating is not None
    short = [s.symbol for s in answer.dating.short]
    assert "^RUT" not in short and "^GSPC" not in short
    assert "data ends" not in render_text(answer).splitlines()[0]
    assert [s["symbol"] for s in render_json(answer)["short"]] == short


def test_a_past_year_s_note_names_the_period_s_end(services: Services, csv_dir: Path) -> None:
    whole_2025(csv_dir)
    answer = services.answerer.answer("returns 2025 rut iwm")
    assert render_text(answer).splitlines()[2] == (
        "Note: The period ends 2025-12-31, but iShares Russell 2000 ETF (IWM) data ends 2022-11-18."
    )


def test_the_headline_names_each_short_series_with_its_own_last_date(
    services: Services, csv_dir: Path
) -> None:
    later = sessions("2025-06-02", "2026-01-30")  # ^RUT runs a week past ^GSPC
    write_two_column_csv(
        csv_dir / "^RUT.csv", closes([2000 + n for n in range(len(later))], dates=later), "^RUT"
    )
    services.clock.at = datetime(2026, 2, 3, 23, tzinfo=UTC)  # type: ignore[attr-defined]
    answer = services.answerer.answer("streak")
    assert answer.as_of == date(2026, 1, 23)
    first, _, note = render_text(answer).splitlines()[:3]
    assert first.endswith("(as of 2026-01-23: ^GSPC data ends there; ^RUT ends 2026-01-30)")
    assert "Russell 2000 (^RUT) data ends 2026-01-30; S&P 500 (^GSPC) data ends 2026-01-23" in note
    assert [(s["symbol"], s["last"]) for s in render_json(answer)["short"]] == [
        ("^RUT", "2026-01-30"),
        ("^GSPC", "2026-01-23"),
    ]
