"""The rate path read from fed funds futures, checked against arithmetic done by hand."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import pandas as pd
import pytest

from bot.analytics.fedwatch import (
    contract_symbol,
    cuts_distribution,
    months_needed,
    rate_path,
    year_horizon,
)
from bot.fomc import DECISIONS, after

SESSION = pd.Timestamp("2026-12-01")
MEETINGS = [date(2026, 12, 9), date(2027, 1, 27), date(2027, 3, 17)]


def _on_session(price: float) -> pd.Series:
    return pd.Series([price - 0.01, price], index=[pd.Timestamp("2026-11-30"), SESSION])


def _contracts(**prices: float) -> dict[date, pd.Series]:
    months = {"dec": date(2026, 12, 1), "jan": date(2027, 1, 1), "feb": date(2027, 2, 1)}
    months |= {"mar": date(2027, 3, 1), "apr": date(2027, 4, 1)}
    return {months[name]: _on_session(price) for name, price in prices.items()}


EFFR = pd.Series([3.88], index=[pd.Timestamp("2026-11-30")])
TARGET = (pd.Series([3.75], index=[SESSION]), pd.Series([4.00], index=[SESSION]))


def test_contract_symbols_are_yahoo_s() -> None:
    assert contract_symbol(date(2026, 12, 1)) == "ZQZ26.CBT"
    assert contract_symbol(date(2027, 1, 1)) == "ZQF27.CBT"
    assert contract_symbol(date(2027, 6, 1)) == "ZQM27.CBT"
    assert months_needed(MEETINGS[:2]) == [date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)]


def test_the_worked_example_by_hand() -> None:
    """EFFR 3.88%. December (31 days) meets on the 9th and January meets too, so December's
    end rate comes from its own contract: 100 - 96.2065 = 3.7935 is the month's average, and
    (31 x 3.7935 - 9 x 3.88) / 22 = 3.758114. The move, -0.121886, is -0.487545 of a 25 bp step:
    48.75% one cut, 51.25% none.

    February has no meeting, so January's end rate is February's contract: 100 - 96.40 = 3.60.
    January's move from 3.758114 is -0.158114, -0.632455 steps: 63.25% one cut, 36.75% none.

    After January, by the tree: two cuts 0.487545 x 0.632455 = 0.308351; one cut
    0.487545 x 0.367545 + 0.512455 x 0.632455 = 0.179195 + 0.324105 = 0.503300; none
    0.512455 x 0.367545 = 0.188350. Cuts priced by January: (3.88 - 3.60) / 0.25 = 1.12."""
    path = rate_path(
        _contracts(dec=96.2065, jan=96.30, feb=96.40), EFFR, TARGET, MEETINGS[:2], date(2026, 12, 2)
    )

    assert path.session == SESSION.date()
    assert path.effr == 3.88 and path.effr_day == date(2026, 11, 30)
    assert path.target == (3.75, 4.00)
    dec, jan = path.meetings
    assert dec.end == pytest.approx(3.758114, abs=1e-6)
    assert dec.moves == pytest.approx({-1: 0.487545, 0: 0.512455}, abs=1e-6)
    assert jan.start == dec.end
    assert jan.end == pytest.approx(3.60)
    assert jan.moves == pytest.approx({-1: 0.632455, 0: 0.367545}, abs=1e-6)
    assert jan.after == pytest.approx({-2: 0.308351, -1: 0.503300, 0: 0.188350}, abs=1e-6)
    assert cuts_distribution(jan) == pytest.approx(
        {2: 0.308351, 1: 0.503300, 0: 0.188350}, abs=1e-6
    )
    assert path.cuts_priced(date(2027, 1, 31)) == pytest.approx(1.12)
    assert path.cuts_priced(date(2026, 12, 31)) == pytest.approx(0.487545, abs=1e-6)


def test_a_move_priced_past_one_step_splits_between_one_and_two_cuts() -> None:
    """From 3.88 to 3.50 with no meeting in February: -1.52 steps, 52% two cuts, 48% one."""
    path = rate_path(
        _contracts(jan=96.45, feb=96.50), EFFR, TARGET, [date(2027, 1, 27)], date(2027, 1, 5)
    )
    (jan,) = path.meetings
    assert jan.moves == pytest.approx({-2: 0.52, -1: 0.48})


def test_a_hike_reads_as_negative_cuts() -> None:
    path = rate_path(
        _contracts(jan=96.10, feb=96.02), EFFR, TARGET, [MEETINGS[1]], date(2027, 1, 5)
    )
    (jan,) = path.meetings
    assert jan.moves == pytest.approx({0: 0.6, 1: 0.4})
    assert cuts_distribution(jan) == pytest.approx({0: 0.6, -1: 0.4})


def test_a_missing_contract_leaves_that_meeting_and_the_later_ones_unpriced() -> None:
    path = rate_path(_contracts(dec=96.2065), EFFR, TARGET, MEETINGS, date(2026, 12, 2))
    assert [m.decision for m in path.meetings] == [date(2026, 12, 9)]
    assert path.unpriced == MEETINGS[1:]
    assert "ZQF27.CBT" in path.missing


def test_as_of_a_past_date_reads_that_day_s_closes_and_rate() -> None:
    contracts = {
        date(2027, 1, 1): pd.Series([96.30, 96.00], index=[pd.Timestamp("2026-11-02"), SESSION]),
        date(2027, 2, 1): pd.Series([96.40, 96.10], index=[pd.Timestamp("2026-11-02"), SESSION]),
    }
    effr = pd.Series([3.90, 3.88], index=[pd.Timestamp("2026-10-30"), pd.Timestamp("2026-11-30")])
    path = rate_path(contracts, effr, TARGET, [MEETINGS[1]], date(2026, 11, 3))
    assert path.session == date(2026, 11, 2)
    assert path.effr == 3.90
    assert path.meetings[0].end == pytest.approx(3.60)


def test_no_front_contract_or_no_rate_is_no_path() -> None:
    assert rate_path({}, EFFR, TARGET, MEETINGS, date(2026, 12, 2)).session is None
    path = rate_path(_contracts(dec=96.2), None, TARGET, MEETINGS, date(2026, 12, 2))
    assert path.session is None and path.meetings == []


def test_the_year_s_cuts_count_to_this_year_end_while_a_meeting_remains() -> None:
    assert year_horizon(date(2026, 12, 2), DECISIONS) == date(2026, 12, 31)
    assert year_horizon(date(2026, 12, 10), DECISIONS) == date(2027, 12, 31)
    assert after(date(2026, 12, 9))[0] == date(2026, 12, 9)
    assert all(a < b for a, b in pairwise(DECISIONS))


def test_a_meeting_followed_by_a_meeting_month_is_read_from_its_own_month_even_at_the_end() -> None:
    """With the path cut at December, January still has a meeting: December's end rate comes
    from December's contract (3.758114), never from January's (3.70)."""
    contracts = _contracts(dec=96.2065, jan=96.30)
    path = rate_path(contracts, EFFR, TARGET, MEETINGS, date(2026, 12, 2), date(2026, 12, 31))
    (dec,) = path.meetings
    assert dec.end == pytest.approx(3.758114, abs=1e-6)
