"""The market as the rest of the bot sees it: histories of instruments, with their fallbacks."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from bot.analytics.series import History
from bot.market.prices import FundSource, PriceSource
from bot.reports import Source
from bot.universe import Instrument, suggest


class MarketData:
    def __init__(
        self,
        prices: PriceSource,
        funds: FundSource,
        version: Callable[[], str] | None = None,
    ) -> None:
        """`version` tells the data's version (`bot/market/version.py`): without one, no
        answer is shared."""
        self.prices = prices
        self.funds = funds
        self._version = version

    def version(self) -> str | None:
        """A name for the prices and fund data as they are now, which changes whenever any of
        them is written; None when it cannot be told. Raises Redis's errors."""
        return self._version() if self._version is not None else None

    @property
    def label(self) -> str:
        return self.prices.label

    def histories(self, instruments: Sequence[Instrument]) -> tuple[list[History], Source]:
        """Each instrument's closes from its first symbol that has data, fetched in one batch.

        A fallback symbol is named with the instrument ("S&P MidCap 400 (MDY)"): the figures are
        a proxy's, and the answer says so. A series answered by a second source is named in the
        source line ("Yahoo Finance, delayed; Russell 2000 from Stooq after 2026-11-27").
        """
        symbols = [s for instrument in instruments for s in instrument.symbols]
        prices = self.prices.closes(symbols)
        histories = []
        elsewhere: dict[str, list[str]] = {}
        for instrument in instruments:
            symbol = next((s for s in instrument.symbols if s in prices.closes), None)
            if symbol is not None:
                name = instrument.name
                if symbol != instrument.symbol:
                    name = f"{name} ({symbol})"
                histories.append(History(instrument.key, symbol, name, prices.closes[symbol]))
                if symbol in prices.answered_by:
                    elsewhere.setdefault(prices.answered_by[symbol], []).append(instrument.name)
                continue
            reasons = "; ".join(
                dict.fromkeys(prices.missing.get(s, "") for s in instrument.symbols)
            )
            note = reasons or f"no data for {instrument.symbol}"
            hint = suggest(instrument.key)
            if hint and hint != instrument.key.lower():
                note += f" (did you mean {hint}?)"
            histories.append(
                History(instrument.key, instrument.symbol, instrument.name, None, note)
            )
        label = "; ".join(
            [self.label, *(f"{_listed(names)} from {by}" for by, names in elsewhere.items())]
        )
        return histories, Source(label, prices.fetched_at, prices.stale, prices.age, prices.due_at)

    def fund_history(self, symbol: str) -> pd.DataFrame:
        return self.funds.fund_history(symbol)

    def record(self, symbols: Sequence[str]) -> int:
        """Reads `symbols` through the price cache, which keeps the closes it has once fetched;
        the number of them with closes."""
        return len(self.prices.closes(symbols).closes)


def _listed(names: list[str]) -> str:
    """ "Russell 2000", "Russell 2000 and S&P 500", "A, B and C"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
