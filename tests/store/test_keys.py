"""The key layout: every key carries the prefix, and user text can never shape a key."""

from __future__ import annotations

import pytest

from bot.store.key_checks import checked_symbol
from bot.store.keys import Keys

VALID = ["IWM", "^RUT", "^GSPC", "BRK-B", "BRK.B", "EURUSD=X", "^TNX", "000001.SS", "A"]
INVALID = [
    "x:y",
    "IWM:",
    "A B",
    "*",
    "IWM*",
    "../",
    "..",
    "iwm",
    "Iwm",
    "",
    "^",
    "^^RUT",
    "IWM\n",
    " IWM",
    "IWM\r\nDEL x",
    "prices:failures",
    "FUNDS:IWM",
    "A/B",
    "[IWM]",
    "I?M",
    "A" * 16,
    "\uff29\uff37\uff2d",  # full-width IWM
]


def test_default_prefix() -> None:
    assert Keys().prefix == "smallcaps:"
    assert Keys().prices("IWM") == "smallcaps:prices:IWM"


def test_every_key_carries_the_prefix() -> None:
    keys = Keys("test-abc:")
    assert keys.prices("^RUT") == "test-abc:prices:^RUT"
    assert keys.upstream_rate("T1", 60) == "test-abc:rate:T1:60"
    assert keys.upstream_rate("T1", 60, "U1") == "test-abc:rate:T1:U1:60"
    assert keys.prices_refresh_lock() == "test-abc:lock:prices-refresh"
    assert keys.fund_snapshots("IWM") == "test-abc:funds:IWM"


@pytest.mark.parametrize("symbol", VALID)
def test_yahoo_symbols_are_accepted(symbol: str) -> None:
    keys = Keys("p:")
    assert checked_symbol(symbol) == symbol
    assert keys.prices(symbol) == f"p:prices:{symbol}"
    assert keys.fund_snapshots(symbol) == f"p:funds:{symbol}"


@pytest.mark.parametrize("symbol", INVALID)
def test_text_that_is_not_a_symbol_is_refused(symbol: str) -> None:
    keys = Keys("p:")
    with pytest.raises(ValueError, match="not a Yahoo symbol"):
        checked_symbol(symbol)
    with pytest.raises(ValueError):
        keys.prices(symbol)
    with pytest.raises(ValueError):
        keys.fund_snapshots(symbol)


def test_longest_symbol_shape() -> None:
    assert checked_symbol("A" * 15) == "A" * 15
    assert checked_symbol("^" + "A" * 15) == "^" + "A" * 15


def test_no_symbol_key_collides_with_another_key() -> None:
    keys = Keys("p:")
    fixed = {keys.prices_refresh_lock()}
    for symbol in VALID:
        assert keys.prices(symbol) not in fixed
        assert keys.fund_snapshots(symbol) not in fixed
        assert keys.prices(symbol) != keys.fund_snapshots(symbol)
    # a second source's keys are lower case, so no symbol can spell one
    with pytest.raises(ValueError):
        keys.prices("stooq:^spx")
