"""When summaries are due and which session they describe: zones, daylight saving, holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from bot.summaries.schedule import DailyTime, early_close, next_due, session_at

LONDON = DailyTime(time(9, 15), "Europe/London")
NEW_YORK = DailyTime()
TOKYO_EARLY = DailyTime(time(5, 30), "Asia/Tokyo")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_the_default_is_half_past_four_in_new_york() -> None:
    assert NEW_YORK.describe() == "16:30 America/New_York"


def test_london_stays_at_quarter_past_nine_across_its_clock_change() -> None:
    # British Summer Time ends on Sunday 2026-10-25: 09:15 is 08:15 UTC before, 09:15 after.
    assert next_due(LONDON, utc(2026, 10, 23, 0)) == utc(2026, 10, 23, 8, 15)
    assert next_due(LONDON, utc(2026, 10, 23, 8, 15)) == utc(2026, 10, 26, 9, 15)


def test_new_york_follows_its_own_change_a_week_later() -> None:
    # US daylight time ends 2026-11-01: 16:30 is 20:30 UTC on the Friday, 21:30 on the Monday.
    assert next_due(NEW_YORK, utc(2026, 10, 30, 12)) == utc(2026, 10, 30, 20, 30)
    assert next_due(NEW_YORK, utc(2026, 10, 30, 20, 30)) == utc(2026, 11, 2, 21, 30)


def test_no_summary_is_due_on_a_holiday_or_a_weekend() -> None:
    # Thanksgiving, Thursday 2026-11-26: Wednesday's 16:30, then Friday's (an early close).
    assert next_due(NEW_YORK, utc(2026, 11, 25, 21, 30)) == utc(2026, 11, 27, 21, 30)
    # A Saturday in Tokyo is no trading day there either.
    assert next_due(TOKYO_EARLY, utc(2026, 11, 27, 21)) == utc(2026, 11, 29, 20, 30)


def test_a_summary_describes_the_newest_session_closed_in_new_york() -> None:
    # 05:30 in Tokyo is 20:30 UTC the day before: after a 20:00 UTC (16:00 EDT) close, but
    # before a 21:00 UTC (16:00 EST) one. The same Tokyo time describes different sessions.
    assert session_at(utc(2026, 10, 29, 20, 30)) == date(2026, 10, 29)
    assert session_at(utc(2026, 11, 5, 20, 30)) == date(2026, 11, 4)
    # A London morning describes the previous New York session.
    assert session_at(utc(2026, 10, 27, 9, 15)) == date(2026, 10, 26)


def test_an_early_close_is_recognised_and_described_the_same_afternoon() -> None:
    friday = date(2026, 11, 27)
    assert early_close(friday) == utc(2026, 11, 27, 18, 0)  # 13:00 New York
    assert early_close(date(2026, 11, 25)) is None
    # 14:00 New York on the half day: the session has closed, so that is the one described.
    assert session_at(utc(2026, 11, 27, 19, 0)) == friday
    assert session_at(utc(2026, 11, 25, 19, 0)) == date(2026, 11, 24)
