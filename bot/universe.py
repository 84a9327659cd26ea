"""The market universe in one place: keys, names, aliases, Yahoo symbols, their proxies, and the
sources each series is asked of, in order.

A *series* is named by its first source's id: the Yahoo symbol (`^RUT`), or `fred:EFFR` for a
series only FRED publishes. When the first source fails, the next one answers (see
`bot/market/series.py`); a proxy symbol (MDY for the S&P 400) is a different series, used only
when no source has the instrument's own.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from bot.errors import shown


@dataclass(frozen=True)
class Feed:
    """One source's name for a series: `Feed("stooq", "^spx")` is the S&P 500 at Stooq."""

    source: str
    """`yahoo`, `stooq` or `fred`."""
    code: str

    @property
    def id(self) -> str:
        """The series id: a Yahoo symbol as it is, any other source's code after its name."""
        return self.code if self.source == "yahoo" else f"{self.source}:{self.code}"


def yahoo(code: str) -> Feed:
    return Feed("yahoo", code)


def stooq(code: str) -> Feed:
    return Feed("stooq", code)


def fred(code: str) -> Feed:
    return Feed("fred", code)


@dataclass(frozen=True)
class Instrument:
    """Something with a price history: an index, an ETF, a yield, or any Yahoo symbol."""

    key: str
    name: str
    symbols: tuple[str, ...]
    """Series ids, preferred first; later ones are proxies used when no source has the first."""
    aliases: tuple[str, ...] = field(default=(), compare=False)
    sources: tuple[Feed, ...] = field(default=(), compare=False)
    """Where the first series is asked for, in order (every instrument below names them; one
    built for a symbol a user typed is Yahoo alone)."""

    def __post_init__(self) -> None:
        if not self.sources:
            object.__setattr__(self, "sources", (yahoo(self.symbols[0]),))

    @property
    def symbol(self) -> str:
        return self.symbols[0]


@dataclass(frozen=True)
class SectorPair:
    sector: str
    small: Instrument
    large: Instrument


def _etf(symbol: str, name: str, *aliases: str) -> Instrument:
    """A US-listed fund: Yahoo first, then Stooq (`iwm.us`)."""
    return Instrument(
        symbol.lower(), name, (symbol,), aliases, (yahoo(symbol), stooq(f"{symbol.lower()}.us"))
    )


RUT = Instrument(
    "rut",
    "Russell 2000",
    ("^RUT",),
    ("r2k", "russell", "russell2000", "small"),
    (yahoo("^RUT"), stooq("^rut")),
)
SPX = Instrument(
    "spx",
    "S&P 500",
    ("^GSPC",),
    ("sp500", "s&p", "s&p500", "gspc", "large"),
    (yahoo("^GSPC"), stooq("^spx")),
)
NASDAQ = Instrument(
    "nasdaq",
    "Nasdaq Composite",
    ("^IXIC",),
    ("ixic", "comp", "composite", "nasdaqcomposite"),
    (yahoo("^IXIC"), stooq("^ndq")),
)
NDX = Instrument(
    "ndx",
    "Nasdaq-100",
    ("^NDX",),
    ("nasdaq100", "nasdaq-100", "nq100"),
    (yahoo("^NDX"), stooq("^ndx")),
)
MID = Instrument(
    "mid",
    "S&P MidCap 400",
    ("^SP400", "^MID", "MDY"),
    ("sp400", "s&p400", "midcap"),
    (yahoo("^SP400"),),
)
SML = Instrument(
    "sml", "S&P SmallCap 600", ("^SP600", "IJR"), ("sp600", "s&p600"), (yahoo("^SP600"),)
)
MICRO = Instrument(
    "micro", "Russell Microcap", ("^RUMIC", "IWC"), ("microcap", "rumic"), (yahoo("^RUMIC"),)
)
MEGA = Instrument(
    "mega",
    "Mega caps (S&P top names)",
    ("XLG", "MGK"),
    ("megacap", "megacaps"),
    (yahoo("XLG"), stooq("xlg.us")),
)

INDICES = (RUT, SPX, NASDAQ, NDX, MID, SML, MICRO, MEGA)

ETFS = (
    _etf("IWM", "iShares Russell 2000 ETF"),
    _etf("SPY", "SPDR S&P 500 ETF"),
    _etf("VB", "Vanguard Small-Cap ETF"),
    _etf("IJR", "iShares Core S&P Small-Cap ETF"),
    _etf("VBR", "Vanguard Small-Cap Value ETF"),
    _etf("IWC", "iShares Micro-Cap ETF"),
    _etf("IJH", "iShares Core S&P Mid-Cap ETF"),
)

SECTORS = tuple(
    SectorPair(sector, _etf(small, f"Small-cap {sector}"), _etf(large, f"Large-cap {sector}"))
    for sector, small, large in (
        ("Financials", "PSCF", "XLF"),
        ("Industrials", "PSCI", "XLI"),
        ("Energy", "PSCE", "XLE"),
        ("Materials", "PSCM", "XLB"),
        ("Consumer Discretionary", "PSCD", "XLY"),
        ("Technology", "PSCT", "XLK"),
        ("Health Care", "PSCH", "XLV"),
        ("Consumer Staples", "PSCC", "XLP"),
        ("Utilities", "PSCU", "XLU"),
    )
)

TEN_YEAR = Instrument(
    "tnx", "10-year Treasury yield", ("^TNX",), ("10y", "tenyear"), (yahoo("^TNX"), fred("DGS10"))
)
BILL = Instrument(
    "irx",
    "13-week Treasury bill",
    ("^IRX",),
    ("13w", "3mbill", "tbill"),
    (yahoo("^IRX"), fred("DTB3")),
)
VIX = Instrument(
    "vix", "CBOE Volatility Index", ("^VIX",), ("volatility",), (yahoo("^VIX"), fred("VIXCLS"))
)
HIGH_YIELD = _etf("HYG", "iShares High Yield Corporate Bond ETF", "junk")
TREASURIES = _etf("IEF", "iShares 7-10 Year Treasury ETF")
HY_SPREAD = Instrument(
    "hyoas",
    "High-yield spread (ICE BofA OAS)",
    ("fred:BAMLH0A0HYM2",),
    ("hyspread", "junkspread", "oas"),
    (fred("BAMLH0A0HYM2"),),
)
FED_FUNDS = Instrument(
    "effr",
    "Effective fed funds rate",
    ("fred:EFFR",),
    ("fedfunds", "fed-funds"),
    (fred("EFFR"), fred("DFF")),
)
TARGET_LOW = Instrument(
    "fedlow", "Fed funds target (low)", ("fred:DFEDTARL",), (), (fred("DFEDTARL"),)
)
TARGET_HIGH = Instrument(
    "fedhigh", "Fed funds target (high)", ("fred:DFEDTARU",), (), (fred("DFEDTARU"),)
)
MACRO = (TEN_YEAR, BILL, VIX, HIGH_YIELD, TREASURIES, HY_SPREAD)
FED = (FED_FUNDS, TARGET_LOW, TARGET_HIGH)
"""What FRED says of the policy rate: the effective rate and the target range's bounds."""

SIZE_LADDER = (
    ("Mega cap", MEGA),
    ("Large cap", SPX),
    ("Mid cap", MID),
    ("Small cap", RUT),
    ("Micro cap", MICRO),
)
"""Size segments, largest first."""

FLOW_ETFS = (ETFS[0], ETFS[2], ETFS[3], ETFS[4])
"""The small-cap funds whose flows are followed: IWM, VB, IJR, VBR."""

VALUATION_PAIR = (ETFS[0], ETFS[1])
"""Small caps and large caps as their fund data describes them: IWM vs SPY."""

VALUATION_FUNDS = (
    ("Small caps", ETFS[0]),
    ("Small caps (S&P 600)", ETFS[3]),
    ("Mid caps", ETFS[6]),
    ("Micro caps", ETFS[5]),
    ("Large caps", ETFS[1]),
)
"""The funds whose multiples are recorded daily and compared with SPY: IWM, IJR, IJH, IWC."""

UNIVERSE: tuple[Instrument, ...] = (
    *INDICES,
    *ETFS,
    *(i for pair in SECTORS for i in (pair.small, pair.large)),
    *MACRO,
    *FED,
)


def _names_by_precedence(instrument: Instrument) -> tuple[tuple[str, ...], ...]:
    return (tuple(s.lower() for s in instrument.symbols), instrument.aliases, (instrument.key,))


# A key beats an alias, which beats a symbol: `ijr` is the ETF, though ^SP600 falls back to IJR.
# Within one kind of name the first instrument listed wins.
_BY_NAME: dict[str, Instrument] = {}
for _kind in range(3):
    for _instrument in reversed(UNIVERSE):
        for _name in _names_by_precedence(_instrument)[_kind]:
            _BY_NAME[_name] = _instrument

_BY_SYMBOL: dict[str, Instrument] = {}
for _instrument in reversed(UNIVERSE):
    _BY_SYMBOL[_instrument.symbol] = _instrument

_YAHOO_SYMBOL = re.compile(r"\^?[A-Z0-9][A-Z0-9.\-=]{0,14}")


_SOURCES: dict[str, tuple[Feed, ...]] = {}
for _instrument in reversed(UNIVERSE):
    _SOURCES[_instrument.symbol] = _instrument.sources


def sources_of(series: str) -> tuple[Feed, ...]:
    """Where a series is asked for, in order: as the universe names it, else Yahoo alone (a
    proxy, a futures contract, any symbol a user typed)."""
    known = _SOURCES.get(series)
    if known is not None:
        return known
    source, _, code = series.partition(":")
    return (Feed(source, code),) if code else (yahoo(series),)


class UnknownName(ValueError):
    """A name that is neither in the universe nor shaped like a Yahoo symbol."""


def resolve(name: str) -> Instrument:
    """The instrument a user means by `name`: a key, an alias or any Yahoo symbol; `$NOW` is
    always the symbol NOW (bot.names decides which bare words may be symbols)."""
    if name.startswith("$"):
        return _symbol(name[1:], name)
    known = _BY_NAME.get(name.strip().lower())
    if known is not None:
        return known
    return _symbol(name, name)


def _symbol(text: str, name: str) -> Instrument:
    symbol = text.strip().upper()
    if symbol in _BY_SYMBOL:
        return _BY_SYMBOL[symbol]
    if _YAHOO_SYMBOL.fullmatch(symbol):
        return Instrument(symbol, symbol, (symbol,))
    hint = suggest(name)
    tip = f"did you mean {hint}?" if hint else "try rut, spx, iwm or a Yahoo symbol like ^RUT"
    raise UnknownName(f"{shown(name)} is not an index, ETF or symbol I know: {tip}")


def suggest(name: str) -> str | None:
    """The closest known key or alias to a mistyped name, if any is close."""
    close = difflib.get_close_matches(name.strip().lower(), list(_BY_NAME), n=1, cutoff=0.75)
    return close[0] if close else None


def display_name(key: str) -> str:
    known = _BY_NAME.get(key.lower())
    return known.name if known is not None and known.key == key else key


def is_known(name: str) -> bool:
    """Whether `name` is a key, alias or symbol of the universe (not just symbol-shaped)."""
    return name.strip().lower() in _BY_NAME


_KEPT_FEEDS = frozenset(f for i in UNIVERSE for s in i.symbols for f in sources_of(s))


def in_universe(feed: Feed) -> bool:
    """Whether a source's series is one the bot itself reads (an instrument above, at any of
    its sources, or a proxy): its cached prices are kept; any other's expire when unused."""
    return feed in _KEPT_FEEDS


def is_custom(series: str) -> bool:
    """Whether a series is outside the universe: a symbol someone typed."""
    return not any(in_universe(feed) for feed in sources_of(series))
