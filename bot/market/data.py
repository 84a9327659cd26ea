"""The market as the rest of the bot sees it: histories of instruments, with their fallbacks."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from bot.analytics.series import History
from bot.market.prices import FundSource, PriceSource
from bot.reports import Source
from bot.universe import Instrument, suggest


class MarketData:
    def __init__(self, prices: PriceSource, funds: FundSource) -> None:
        self.prices = prices
        self.funds = funds

    @property
    def label(self) -> str:
        return self.prices.label

    def histories(self, instruments: Sequence[Instrument]) -> tuple[list[History], Source]:
        """Each instrument's closes from its first symbol that has data, fetched in one batch.

        A fallback symbol is named with the instrument ("S&P MidCap 400 (MDY)"): the figures are
        a proxy's, and the answer says so.
        """
        symbols = [s for instrument in instruments for s in instrument.symbols]
        prices = self.prices.closes(symbols)
        histories = []
        for instrument in instruments:
            symbol = next((s for s in instrument.symbols if s in prices.closes), None)
            if symbol is not None:
                name = instrument.name
                if symbol != instrument.symbol:
                    name = f"{name} ({symbol})"
                histories.append(History(instrument.key, symbol, name, prices.closes[symbol]))
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
        return histories, Source(self.label, prices.fetched_at, prices.stale, prices.age)

    def fund_history(self, symbol: str) -> pd.DataFrame:
        return self.funds.fund_history(symbol)
