"""The command grammar: every text gives a command or a clear error, never an exception."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.commands import TOPICS, parse
from bot.commands.chart import ChartQuery
from bot.commands.help import HelpQuery
from bot.commands.levels import EditLevelsQuery, LevelsQuery
from bot.commands.macro import MacroQuery
from bot.commands.precedents import PrecedentsQuery
from bot.commands.returns import ReturnsQuery
from bot.commands.sectors import SectorsQuery
from bot.commands.sizes import SizesQuery
from bot.commands.streak import StreakQuery
from bot.errors import CommandError
from bot.help import PERIOD_LIST
from bot.universe import NASDAQ, RUT, SPX, resolve


def test_defaults() -> None:
    assert parse("streak").query == StreakQuery(RUT, SPX)
    assert parse("returns").query == ReturnsQuery("ytd", (RUT, SPX, NASDAQ))
    assert parse("").query == HelpQuery()
    assert parse("levels").query == LevelsQuery(RUT)
    assert parse("sizes").query == SizesQuery("1d")
    assert parse("sectors").query == SectorsQuery("ytd")
    assert parse("macro").query == MacroQuery()


@pytest.mark.parametrize(
    "text",
    [
        "streak iwm vs spy",
        "streak IWM v SPY",
        "streak iwm/spy",
        "/smallcaps streak iwm versus spy",
        "STREAK iwm spy",
    ],
)
def test_streak_pairs(text: str) -> None:
    query = parse(text).query
    assert isinstance(query, StreakQuery)
    assert (query.a.key, query.b.key) == ("iwm", "spy")


def test_aliases_and_yahoo_symbols() -> None:
    query = parse("streak r2k vs sp500").query
    assert query == StreakQuery(RUT, SPX)
    query = parse("streak ^RUT vs AAPL").query
    assert isinstance(query, StreakQuery)
    assert query.a == RUT and query.b.symbol == "AAPL"
    assert resolve("russell") == RUT


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("returns ytd", "ytd"),
        ("returns 2013", "2013"),
        ("returns 1M", "1m"),
        ("returns 5y", "5y"),
        ("perf mtd", "mtd"),
    ],
)
def test_return_periods(text: str, period: str) -> None:
    query = parse(text).query
    assert isinstance(query, ReturnsQuery) and query.period == period


def test_returns_with_names() -> None:
    query = parse("returns 3m iwm ijr").query
    assert isinstance(query, ReturnsQuery)
    assert query.period == "3m"
    assert [i.symbol for i in query.instruments] == ["IWM", "IJR"]


def test_chart_arguments() -> None:
    assert parse("chart").query == ChartQuery("1y", RUT, SPX)
    query = parse("chart 5y iwm vs spy").query
    assert isinstance(query, ChartQuery)
    assert (query.period, query.a.symbol, query.b.symbol) == ("5y", "IWM", "SPY")
    with pytest.raises(CommandError, match="unknown period 'yttd'"):
        parse("chart yttd")


def test_editing_watched_levels() -> None:
    assert parse("levels set 2750 Resistance").query == EditLevelsQuery("set", 2750.0, "Resistance")
    assert parse("levels set 2,750.5 prior high (2024)").query == EditLevelsQuery(
        "set", 2750.5, "prior high (2024)"
    )
    assert parse("levels set 2900").query == EditLevelsQuery("set", 2900.0, "Watched")
    assert parse("levels remove 2600").query == EditLevelsQuery("remove", 2600.0)


def test_precedents_arguments() -> None:
    assert parse("precedents 12").query == PrecedentsQuery(12, "12m", RUT, SPX)
    assert parse("precedents 10 6m").query == PrecedentsQuery(10, "6m", RUT, SPX)
    assert parse("precedents").query == PrecedentsQuery(None, "12m", RUT, SPX)
    query = parse("precedents 5 iwm vs spy").query
    assert isinstance(query, PrecedentsQuery) and query.a.symbol == "IWM"


@pytest.mark.parametrize(
    "text",
    [
        "streak as of 2026-01-20",
        "streak --as-of 2026-01-20",
        "streak --as-of=2026-01-20",
        "As Of 2026-01-20 streak",
    ],
)
def test_as_of_anywhere(text: str) -> None:
    command = parse(text)
    assert command.name == "streak"
    assert command.as_of == date(2026, 1, 20)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("returns ytdd", f"unknown period 'ytdd': did you mean ytd? use {PERIOD_LIST}"),
        ("returns 7w", "unknown period '7w'"),
        ("strek", "unknown command 'strek': did you mean `streak`?"),
        ("streak as of 2026-13-01", "is not a date on the calendar"),
        ("streak as of yesterday", "'yesterday' is not a date"),
        (
            "streak as of 2026-01-01 as of 2026-01-02",
            "'as of 2026-01-01' and 'as of 2026-01-02' both give the as-of date: keep one",
        ),
        ("streak --as-of 2026-01-01 as of 2026-01-01", "both give the as-of date"),
        ("returns ytd 1y", "'ytd' and '1y' both give the period: keep one"),
        ("returns rut russell", "'rut' and 'russell' both name the Russell 2000: keep one"),
        ("returns spx 2013 spx", "'spx' is given twice: give it once"),
        ("precedents 5 7", "'5' and '7' both give the minimum streak length: keep one"),
        ("precedents 3m 6m", "'3m' and '6m' both give the horizon: keep one"),
        ("precedents 12m 1y", "'12m' and '1y' both give the horizon"),
        ("chart 1y 5y", "'1y' and '5y' both give the period: keep one"),
        ("chart iwm vs spy ytd 3m", "'ytd' and '3m' both give the period"),
        ("chart max", "'max' is a word here, not a name: for the longest span use 5y"),
        ("chart 1y all", "'all' is a word here, not a name: for the longest span use 5y"),
        ("sizes 1d 5d", "'1d' and '5d' both give the period: keep one"),
        ("streak a vs b vs c", "could not read"),
        ("streak $$$", "is not an index, ETF or symbol"),
        ("precedents 0", "a whole number from 1 to 250 sessions, not '0'"),
        ("macro now", "takes no arguments"),
        ("sectors ytd 3m", "'ytd' and '3m' both give the period: keep one"),
        ("help nothing", "no command 'nothing'"),
        ("levels set", "expected a level, got nothing"),
        ("levels set 27x0 breakout", "got '27x0'"),
        ("levels set 2750.123456789 x", "got '2750.123456789': a number has at most 8 decimals"),
        ("levels set 0 zero", "a level is more than 0 and below 10,000,000, not '0'"),
        ("levels set -2750 breakout", "not '-2750'"),
        ("levels set 2750 <!channel>", "a label is up to 40"),
        ("levels remove 2750 now", "just the level"),
    ],
)
def test_helpful_errors(text: str, message: str) -> None:
    with pytest.raises(CommandError) as caught:
        parse(text)
    assert message in caught.value.message
    assert caught.value.example  # every error shows a correct example
    parse(caught.value.example)  # ...which parses


def test_every_example_parses() -> None:
    for name, topic in TOPICS.items():
        assert parse(topic.example).name == name


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("returns ytd now", "'now' is a word here, not a name: answers are for now"),
        ("returns max", "'max' is a word here, not a name: for the longest span use 5y"),
        ("returns last month", "'last' is a word here, not a name: for the last month use 1m"),
        ("streak rut vs", "`vs` takes a name on each side"),
        ("streak vs spx", "`vs` takes a name on each side"),
        ("streak rut vs rut", "compare two different names, not Russell 2000 with itself"),
        ("streak spx", "not S&P 500 with itself"),
        ("chart 1y iwm vs iwm", "compare two different names"),
        ("levels month", "'month' is a word here"),
        ("returns ytd all", "'all' is a word here"),
        ("streak rut vs on", "write $ON"),
    ],
)
def test_words_of_the_grammar_and_of_time_are_never_tickers(text: str, message: str) -> None:
    with pytest.raises(CommandError) as caught:
        parse(text)
    assert message in caught.value.message
    parse(caught.value.example)


def test_a_symbol_is_always_a_symbol_when_written_as_one() -> None:
    query = parse("returns ytd $NOW $ON ^VIX").query
    assert isinstance(query, ReturnsQuery)
    assert [i.symbol for i in query.instruments] == ["NOW", "ON", "^VIX"]
    assert resolve("$IWM") == resolve("iwm")  # a known symbol is its instrument


def test_ndx_is_the_nasdaq_100_and_the_composite_has_its_own_names() -> None:
    assert resolve("ndx").symbol == "^NDX" and resolve("ndx").name == "Nasdaq-100"
    assert {resolve(n).symbol for n in ("nasdaq", "ixic", "comp", "^IXIC")} == {"^IXIC"}


def test_a_period_error_lists_every_period() -> None:
    for text in ("returns 7w", "sizes 2x", "sectors ytdd", "sizes aapl"):
        with pytest.raises(CommandError) as caught:
            parse(text)
        assert PERIOD_LIST in caught.value.message, text


def test_a_year_still_to_come_is_bad_input_and_a_past_one_is_not() -> None:
    today = date(2026, 12, 2)
    with pytest.raises(CommandError, match="2027 has not happened yet"):
        parse("returns 2027", today)
    with pytest.raises(CommandError, match="before any market data"):
        parse("returns 1899", today)
    assert parse("returns 2026", today).query == ReturnsQuery("2026", (RUT, SPX, NASDAQ))


@pytest.mark.parametrize(
    "text",
    [
        "precedents ²",
        "precedents 9999999999999999999999999999999999",
        "levels set 1e400 high",
        "levels set ٣٠٠٠ high",
        "alert remove ²",
        "alert pause #¹²",
        "alert test ³",
        "alert add streak " + "9" * 400,
        "alert add rut above " + "9" * 400,
        "alert add rut above 2750 cooldown " + "9" * 400,
        "alert add rut above 2750 band 1e9",
        "alert add rut above 2750 cooldown 1.5",
        "subscribe daily at ²:³⁰",
    ],
)
def test_numbers_are_read_once_with_bounds_never_an_internal_error(text: str) -> None:
    with pytest.raises(CommandError) as caught:
        parse(text)
    assert len(caught.value.message) < 200


WORDS = st.sampled_from(
    [
        *TOPICS,
        "vs",
        "as",
        "of",
        "--as-of",
        "2026-01-20",
        "ytd",
        "ytdd",
        "2013",
        "12",
        "6m",
        "iwm",
        "spy",
        "r2k",
        "^RUT",
        "/smallcaps",
        "set",
        "AAPL",
        "x/y",
        "$",
        "",
        "0",
        "-1",
        "99999",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(WORDS, max_size=7).map(" ".join))
def test_any_sequence_of_command_words_parses_or_fails_clearly(text: str) -> None:
    try:
        parse(text)
    except CommandError as error:
        assert error.message


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=80))
def test_any_text_parses_or_fails_clearly(text: str) -> None:
    try:
        command = parse(text)
    except CommandError as error:
        assert error.message and error.example
    else:
        assert command.name in TOPICS


def test_every_series_of_the_universe_names_its_sources_yahoo_or_fred_first() -> None:
    from bot.universe import UNIVERSE, sources_of

    for instrument in UNIVERSE:
        assert instrument.sources, instrument.key
        assert instrument.sources[0].id == instrument.symbol, instrument.key
        assert sources_of(instrument.symbol) == instrument.sources
        assert len({f.source for f in instrument.sources}) == len(instrument.sources) or all(
            f.source == "fred" for f in instrument.sources
        ), instrument.key


@pytest.mark.parametrize(
    ("text", "period", "pair"),
    [
        ("chart", "1y", ("rut", "spx")),
        ("chart 3m iwm vs spy", "3m", ("iwm", "spy")),
        ("chart iwm vs spy 3m", "3m", ("iwm", "spy")),
        ("chart ytd iwm/spy", "ytd", ("iwm", "spy")),
        ("chart iwm", "1y", ("iwm", "spx")),
    ],
)
def test_chart_reads_its_period_and_pair_as_streak_and_returns_do(
    text: str, period: str, pair: tuple[str, str]
) -> None:
    query = parse(text).query
    assert isinstance(query, ChartQuery)
    assert (query.period, query.a.key, query.b.key) == (period, *pair)
