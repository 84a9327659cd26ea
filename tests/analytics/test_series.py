"""Aligning two series: the fast path must mean exactly the pandas join it replaced."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.analytics.series import aligned
from bot.errors import NoDataError

DAYS = pd.bdate_range("2020-01-01", periods=60).astype("datetime64[ns]")


def series(mask: list[bool], seed: int) -> pd.Series:
    values = np.random.default_rng(seed).uniform(50, 150, len(DAYS))
    values[np.random.default_rng(seed + 1).random(len(DAYS)) < 0.05] = np.nan
    return pd.Series(values, index=DAYS)[np.asarray(mask)]


def by_pandas(a: pd.Series, b: pd.Series, upto: pd.Timestamp) -> pd.DataFrame:
    return pd.concat({"a": a, "b": b}, axis=1, join="inner").dropna().loc[:upto]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.booleans(), min_size=60, max_size=60),
    st.lists(st.booleans(), min_size=60, max_size=60),
    st.integers(0, 59),
    st.integers(0, 1000),
)
def test_aligned_is_the_inner_join_without_gaps(
    mask_a: list[bool], mask_b: list[bool], cut: int, seed: int
) -> None:
    a, b = series(mask_a, seed), series(mask_b, seed + 7)
    upto = DAYS[cut]
    expected = by_pandas(a, b, upto)
    if expected.empty:
        with pytest.raises(NoDataError):
            aligned(a, b, upto.date())
        return
    pd.testing.assert_frame_equal(
        aligned(a, b, upto.date()), expected, check_freq=False, check_names=False
    )
