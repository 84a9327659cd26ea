"""What `help` says: every command's forms, periods, options and bounds, and an example.

The grammar takes its examples from here, so an error's "Try:" and `help` never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.alerts.grammar import BANDS, COOLDOWNS, CUTS, LEVELS, MOVES, SPREADS, STREAKS
from bot.analytics.returns import PERIODS
from bot.limits import Limits
from bot.names import RULE


@dataclass(frozen=True)
class Usage:
    command: str
    summary: str
    forms: list[str]
    details: list[str]
    example: str


@dataclass(frozen=True)
class HelpReport:
    topic: str | None
    usages: list[Usage]
    general: list[str] = field(default_factory=list)
    """What holds for every command: dates, and which words are names."""


PERIOD_LIST = " ".join(PERIODS)
"""Every period a table or chart takes, in order."""

PERIODS_LINE = f"Periods: {PERIOD_LIST}, or a calendar year such as 2013."
AS_OF_LINE = "Any question takes `as of YYYY-MM-DD` (or `--as-of YYYY-MM-DD`)."


@dataclass(frozen=True)
class Topic:
    """One command as `help <command>` explains it."""

    name: str
    summary: str
    forms: tuple[str, ...]
    """How it is typed, one form a line: `streak [A vs B]`."""
    details: tuple[str, ...] = ()
    """Its periods, options and their bounds."""
    example: str = ""


_ALERT_DETAILS = (
    f"Levels: above, below or crosses a price or a ratio such as iwm/spy ({LEVELS}).",
    f"move <pct>: the day's change either way ({MOVES}). spread <pts>: Russell 2000 minus "
    f"S&P 500 daily return either way ({SPREADS}). streak <n>: {STREAKS}. rate cuts <n>: "
    f"a day's change in the Fed cuts priced for the year, either way ({CUTS}).",
    "Options, in any order: close or intraday (levels default to close, moves and spreads to "
    "intraday); once or every (default every); "
    f"band <pct> ({BANDS}, default 0.5%, levels only); "
    f"cooldown <sessions> ({COOLDOWNS}, default 1).",
    "Re-arming: a level rule re-arms once the price is back past the level by its band; a "
    "move, spread or record rule re-arms at the next session; none fires within its cooldown.",
)


def alert_limits(limits: Limits) -> str:
    """`help alert`'s line on the bounds in force."""
    return (
        f"Limits: {limits.rules_per_channel} rules a channel and {limits.rules_per_workspace} a "
        "workspace, built-in alerts aside; a workspace's rules may watch "
        f"{limits.symbols_per_workspace} symbols outside the indices and ETFs the bot knows. "
        "Remove a rule (`alert remove <#>`) to make room."
    )


def rate_line(limits: Limits) -> str:
    """What `help` says of the rate of answers that reach a data source."""
    return (
        "Answers that need fresh data from the sources (a symbol nobody asked for lately, say): "
        f"{limits.upstream_per_user} a minute per person, {limits.upstream_per_workspace} per "
        "workspace; past that, the bot says how many seconds to wait."
    )


TOPICS: dict[str, Topic] = {
    t.name: t
    for t in (
        Topic(
            "streak",
            "sessions in a row that A's daily return beat B's, and how rare that is",
            ("streak [A vs B]",),
            ("Default: Russell 2000 vs S&P 500. A alone compares it with the S&P 500.",),
            "streak iwm vs spy",
        ),
        Topic(
            "returns",
            "index returns over a period, volatility, the spread and the year's rank",
            ("returns [period] [names...]",),
            (PERIODS_LINE, "Default: ytd for the Russell 2000, S&P 500 and Nasdaq Composite."),
            "returns ytd",
        ),
        Topic(
            "precedents",
            "past streaks at least this long and what followed 3, 6 or 12 months on",
            ("precedents [min_sessions] [3m|6m|12m] [A vs B]",),
            (
                "min_sessions: 1 to 250 (default: today's streak). Horizon: 3m, 6m or 12m "
                "(1y), default 12m.",
            ),
            "precedents 12 6m",
        ),
        Topic(
            "sizes",
            "the change by size segment, mega to micro, and whether it is inverse to size",
            ("sizes [period]",),
            (PERIODS_LINE, "Default: 1d."),
            "sizes",
        ),
        Topic(
            "levels",
            "support, breakout and resistance, highs, lows and averages, with distances",
            ("levels [name]", "levels set <value> <label>", "levels remove <value>"),
            (
                "Default: the Russell 2000. set and remove edit the Russell 2000 levels this "
                f"workspace watches ({LEVELS}; a label of up to 40 characters).",
            ),
            "levels rut",
        ),
        Topic(
            "sectors",
            "small-cap sectors next to their large-cap twins",
            ("sectors [period]",),
            (PERIODS_LINE, "Default: ytd."),
            "sectors 3m",
        ),
        Topic(
            "chart",
            "a chart of A and B rebased to 100, and the A/B ratio with its 50-day average",
            ("chart [period] [A vs B]",),
            (PERIODS_LINE, "Default: 1y, Russell 2000 vs S&P 500."),
            "chart 1y",
        ),
        Topic(
            "valuation",
            "P/E, P/B, P/S and P/CF of small vs large caps",
            ("valuation",),
            (),
            "valuation",
        ),
        Topic(
            "flows",
            "implied net flows and assets of IWM, VB, IJR and VBR from the days recorded",
            ("flows",),
            (),
            "flows",
        ),
        Topic(
            "macro",
            "yields, volatility and credit, with their recent change",
            ("macro",),
            (),
            "macro",
        ),
        Topic(
            "fed",
            "the rate path fed funds futures price: each next meeting's odds, cuts by year end",
            ("fed",),
            (
                "Read from the ZQ futures' closes and the FOMC's scheduled meetings the way "
                "CME's FedWatch reads them (README: The rate path). Works as of any recorded "
                "date: fed as of 2026-10-01.",
            ),
            "fed",
        ),
        Topic("status", "where the data comes from and how fresh it is", ("status",), (), "status"),
        Topic(
            "alert",
            "alerts on levels, moves, the spread and the streak, posted in this channel",
            (
                "alert add <target> above|below|crosses <level> [options]",
                "alert add <target> move <pct> [options]",
                "alert add spread <pts> [options]",
                "alert add streak <n> [options]",
                "alert add rate cuts <n> [options]",
                "alert list",
                "alert pause|resume|remove <#>",
                "alert test <# or rule> [since YYYY-MM-DD]",
            ),
            _ALERT_DETAILS,
            "alert add rut above 2750",
        ),
        Topic(
            "subscribe",
            "a daily summary at your time and zone, or the built-in alerts",
            ("subscribe daily [at HH:MM] [time zone]", "subscribe alerts"),
            (
                "Default: 16:30 America/New_York, on NYSE trading days. Zones: any IANA name "
                "(Europe/London, Asia/Tokyo), UTC, or ET for New York's clock (EST in winter, "
                "EDT in summer; CT, MT, PT alike). EST, PDT and other one-season names are "
                "refused: each is a fixed offset, not the city's clock. 9:15am works too.",
            ),
            "subscribe daily at 09:15 Europe/London",
        ),
        Topic(
            "unsubscribe",
            "stop this channel's daily summary or its built-in alerts",
            ("unsubscribe daily", "unsubscribe alerts"),
            (),
            "unsubscribe daily",
        ),
        Topic(
            "subscriptions",
            "this channel's daily summary and alert rules",
            ("subscriptions",),
            (),
            "subscriptions",
        ),
        Topic(
            "help", "this list, or one command explained", ("help [command]",), (), "help streak"
        ),
    )
}

GENERAL = (AS_OF_LINE, RULE)
"""What `help` says about every command, besides the rate of answers (`rate_line`)."""


def example(command: str) -> str:
    return TOPICS[command].example
