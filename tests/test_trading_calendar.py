"""The NYSE calendar's answers the bot asks on every request, against exchange_calendars."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd

from bot.trading_calendar import (
    close_of,
    last_close,
    nyse,
    session_on_or_before,
    sessions_after,
)


def calendar_last_close(now: datetime) -> date | None:
    """The newest session closed by `now`, as exchange_calendars itself finds it."""
    calendar = nyse()
    stamp = pd.Timestamp(now).tz_convert(UTC)
    today = stamp.tz_convert("America/New_York").tz_localize(None).normalize()
    day = calendar.date_to_session(today, "previous")
    if calendar.session_close(day) > stamp:
        if day == calendar.first_session:
            return None
        day = calendar.previous_session(day)
    return day.date()


def test_last_close_agrees_with_the_calendar_at_any_moment() -> None:
    rng = np.random.default_rng(3)
    start = datetime(1990, 1, 3, tzinfo=UTC)
    moments = [start + timedelta(seconds=int(s)) for s in rng.integers(0, 36 * 365 * 86400, 3000)]
    # and the edges: a close, a second before it, an early close, a holiday
    moments += [
        datetime(2026, 1, 22, 21, 0, tzinfo=UTC),
        datetime(2026, 1, 22, 20, 59, 59, tzinfo=UTC),
        datetime(2026, 11, 27, 18, 0, tzinfo=UTC),  # 13:00 New York, the day after Thanksgiving
        datetime(2026, 11, 27, 17, 59, 59, tzinfo=UTC),
        datetime(2026, 1, 19, 22, 0, tzinfo=UTC),  # Martin Luther King Jr. Day
    ]
    assert [last_close(m) for m in moments] == [calendar_last_close(m) for m in moments]
    assert last_close(datetime(1927, 12, 1, tzinfo=UTC)) is None


def test_the_calendar_counts_the_sessions_of_old_history() -> None:
    """Replays reach back as far as the commands do: the 1987 crash, the 1985 hurricane."""
    assert sessions_after(date(1987, 10, 16), 1) == date(1987, 10, 19)
    assert sessions_after(date(1985, 9, 26), 1) == date(1985, 9, 30)  # closed for Gloria
    assert close_of(date(1987, 10, 19)) == datetime(1987, 10, 19, 20, 0, tzinfo=UTC)


def test_session_on_or_before() -> None:
    assert session_on_or_before(date(2026, 1, 24)) == date(2026, 1, 23)  # Saturday
    assert session_on_or_before(date(2026, 1, 1)) == date(2025, 12, 31)  # New Year's Day
    assert session_on_or_before(date(2026, 1, 22)) == date(2026, 1, 22)


def test_close_of_is_each_session_s_close_and_none_on_other_days() -> None:
    closes = nyse().schedule["close"]
    sample = closes.iloc[:: max(1, len(closes) // 500)]
    assert all(close_of(s.date()) == c.to_pydatetime() for s, c in sample.items())
    assert close_of(date(2026, 11, 27)) == datetime(2026, 11, 27, 18, 0, tzinfo=UTC)  # 13:00 ET
    assert close_of(date(2026, 1, 24)) is None  # a Saturday
