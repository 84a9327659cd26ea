"""Which typed words name an instrument, by one rule a person can predict.

A word is a name when it is a key or alias of the universe (`rut`, `russell`, `iwm`), a symbol
written as one (`$NOW`, `^RUT`), or any other word shaped like a Yahoo symbol (`AAPL`) unless it
is one of WORDS: the grammar's own words and the words of time people type around it (`now`,
`last`, `month`, `max`, ...). Such a word is never looked up as a ticker; `$NOW` means the
stock. `help` states the rule, and an error names the word and says what to type instead.
"""

from __future__ import annotations

from bot.errors import CommandError, shown
from bot.universe import Instrument, UnknownName, is_known, resolve


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


GRAMMAR_WORDS = _words(
    """
    streak streaks returns return performance perf precedents precedent sizes size ladder levels
    level technicals sectors sector chart valuation valuations value flows macro fed fomc rates
    status alert alerts subscribe unsubscribe subscriptions help
    vs versus against as of since at set add remove list pause resume test mute unmute
    above below crosses cross move band cooldown once every close intraday daily summary
    """
)
"""Words the grammar reads itself."""

TIME_WORDS = _words(
    """
    now today yesterday tomorrow current latest last this next past previous ago max all
    day days week weeks month months quarter quarters year years ytd mtd qtd session sessions
    """
)
"""Words of time and quantity that people type around a command."""

PLAIN_WORDS = _words("the and or to from in on for me my show what how is a an")
"""A few words of plain English that are never meant as tickers here."""

WORDS = GRAMMAR_WORDS | TIME_WORDS | PLAIN_WORDS

_HINTS = {
    "now": "answers are for now unless you add `as of YYYY-MM-DD`",
    "today": "answers are for now unless you add `as of YYYY-MM-DD`",
    "latest": "answers are for now unless you add `as of YYYY-MM-DD`",
    "current": "answers are for now unless you add `as of YYYY-MM-DD`",
    "max": "for the longest span use 5y, or a year such as 2013",
    "all": "for the longest span use 5y, or a year such as 2013",
    "last": "for the last month use 1m, for this month so far mtd",
    "past": "for the last month use 1m, for this month so far mtd",
    "month": "a month back is 1m, this month so far is mtd",
    "week": "a week back is 5d",
    "year": "a year back is 1y, this year so far is ytd",
    "quarter": "a quarter back is 3m, this quarter so far is qtd",
    "yesterday": "add `as of YYYY-MM-DD` for an earlier day",
}

RULE = (
    "Names: keys (rut, spx, ndx, nasdaq, mid, sml, micro, mega), aliases (r2k, sp500, …), ETFs "
    "(iwm, spy, …) or any Yahoo symbol (AAPL, ^RUT). Words of the grammar and of time (now, "
    "last, month, max, …) are never symbols: write $NOW for the stock."
)
"""The rule in one line, as `help` shows it."""


def is_word(text: str) -> bool:
    """Whether `text` is one of the words that are never symbols."""
    return text.lower() in WORDS


def instrument(word: str, example: str) -> Instrument:
    """The instrument `word` names, or a CommandError that says why it names none."""
    if is_word(word) and not is_known(word):
        hint = _HINTS.get(word.lower(), f"to mean the symbol, write ${word.upper()}")
        raise CommandError(f"{shown(word)} is a word here, not a name: {hint}", example)
    try:
        return resolve(word)
    except UnknownName as error:
        raise CommandError(str(error), example) from None


def typed(key: str, symbol: str) -> str:
    """How to type an instrument again so it means the same: its key when the universe knows
    it, else its symbol written as one (`$NOW`)."""
    return key if is_known(key) else f"${symbol.removeprefix('$')}"
