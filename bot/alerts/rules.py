"""What an alert rule is: its kind, target, threshold and settings, as the user gave them.

A rule watches one *feed*: a measure (price, the day's move, the small-minus-large spread, the
streak, ...) of a target on a basis (daily closes or intraday prices). Its *legs* are the
directions it fires in: `above` is one upward leg, `below` one downward, `crosses` both. Every
kind is a threshold on a measure, so one engine serves them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.alerts.machine import Leg, Repeat, Side
from bot.render.numbers import as_typed, typed_decimals
from bot.universe import FED_FUNDS, RUT, SPX, display_name


class Kind(StrEnum):
    LEVEL = "level"
    MOVE = "move"
    SPREAD = "spread"
    STREAK = "streak"
    HIGH_52W = "52-week-high"
    ALL_TIME_HIGH = "all-time-high"
    LONGEST_SINCE = "longest-since"
    RATE_CUTS = "rate-cuts"


class Basis(StrEnum):
    CLOSE = "close"
    INTRADAY = "intraday"


class Direction(StrEnum):
    ABOVE = "above"
    BELOW = "below"
    CROSSES = "crosses"


@dataclass(frozen=True)
class Measure:
    """What a kind observes, and how its threshold and re-arm band are counted."""

    unit: str
    daily: bool
    """The measure starts each session at 0 (the day's move, spread, a record set today): a
    rule on it fires at most once a session and re-arms when the next one begins."""
    relative_band: bool
    """The band is a share of the level (prices), else points of the measure itself."""
    either_way: bool = False
    """A rule fires on the figure's size, up or down (a day's move, the small-minus-large
    spread, the change in cuts priced); the figure is reported with its sign."""


MEASURES: dict[Kind, Measure] = {
    Kind.LEVEL: Measure("price", daily=False, relative_band=True),
    Kind.MOVE: Measure("%", daily=True, relative_band=False, either_way=True),
    Kind.SPREAD: Measure("pts", daily=True, relative_band=False, either_way=True),
    Kind.STREAK: Measure("sessions", daily=False, relative_band=False),
    Kind.HIGH_52W: Measure("% above the prior high", daily=True, relative_band=False),
    Kind.ALL_TIME_HIGH: Measure("% above the prior high", daily=True, relative_band=False),
    Kind.LONGEST_SINCE: Measure("records", daily=True, relative_band=False),
    Kind.RATE_CUTS: Measure("cuts", daily=True, relative_band=False, either_way=True),
}

SHOWN_DECIMALS = 2
"""The decimals a move, a spread or a change in cuts priced is shown with: "moved 0.50"."""

DEFAULT_BAND_PCT = 0.5
DEFAULT_COOLDOWN_SESSIONS = 1


RATE_PATH_KEY = "fed"


@dataclass(frozen=True)
class Target:
    """One Yahoo symbol, or a ratio of two (`IWM/SPY`)."""

    symbols: tuple[str, ...]
    key: str
    """How the user named it: `rut`, `iwm/spy`, `aapl`."""

    @property
    def name(self) -> str:
        if self.key == RATE_PATH_KEY:
            return "Fed rate path"
        if len(self.symbols) == 2:  # as typed: RUT/SPX, IWM/SPY
            return "/".join(part.lstrip("$^").upper() for part in self.key.split("/"))
        return display_name(self.key) if display_name(self.key) != self.key else self.symbols[0]


@dataclass(frozen=True)
class Feed:
    """The observations some rules watch: a kind's measure of some symbols on a basis."""

    basis: Basis
    kind: Kind
    symbols: tuple[str, ...]

    @property
    def key(self) -> str:
        """`close:level:^RUT`, `intraday:move:^GSPC`, `close:level:IWM/SPY`."""
        return f"{self.basis}:{self.kind}:{'/'.join(self.symbols)}"

    @property
    def words(self) -> str:
        """How status names it: "^RUT level, on closes", "^GSPC move, intraday"."""
        basis = "on closes" if self.basis is Basis.CLOSE else "intraday"
        return f"{'/'.join(self.symbols)} {str(self.kind).replace('-', ' ')}, {basis}"

    @classmethod
    def parse(cls, key: str) -> Feed:
        basis, kind, symbols = key.split(":", 2)
        return cls(Basis(basis), Kind(kind), tuple(symbols.split("/")))

    @property
    def measure(self) -> Measure:
        return MEASURES[self.kind]


SMALL_VS_LARGE = Target((RUT.symbol, SPX.symbol), "rut/spx")
RATE_PATH = Target((FED_FUNDS.symbol,), RATE_PATH_KEY)
"""The rate path: the effective rate names the feed; the futures are read with it."""
RUSSELL = Target((RUT.symbol,), RUT.key)


@dataclass(frozen=True)
class RuleSpec:
    kind: Kind
    target: Target
    direction: Direction
    level: float
    """The threshold in the user's words: 2750, 2 (%), 1.5 (pts), 10 (sessions)."""
    basis: Basis = Basis.CLOSE
    repeat: Repeat = Repeat.EVERY
    band_pct: float = DEFAULT_BAND_PCT
    cooldown_sessions: int = DEFAULT_COOLDOWN_SESSIONS

    @property
    def measure(self) -> Measure:
        return MEASURES[self.kind]

    @property
    def feed(self) -> Feed:
        return Feed(self.basis, self.kind, self.target.symbols)

    @property
    def sides(self) -> tuple[Side, ...]:
        return {
            Direction.ABOVE: (Side.UP,),
            Direction.BELOW: (Side.DOWN,),
            Direction.CROSSES: (Side.UP, Side.DOWN),
        }[self.direction]

    @property
    def threshold(self) -> float:
        """The level in the measure's own units, compared at the precision it is shown with:
        a streak of 10 is reached above 9.5; a move of 2% above 1.995%, which shows as 2.00%
        (and at the precision typed when finer: 2.125% above 2.1245%)."""
        if self.kind is Kind.STREAK:
            return self.level - 0.5
        if self.measure.either_way:
            decimals = max(SHOWN_DECIMALS, typed_decimals(self.level))
            return self.level - 0.5 * 10.0**-decimals
        return self.level

    def rearm_threshold(self, side: Side) -> float:
        """Where a fired leg re-arms: back past the threshold by the band; for a daily measure,
        at 0, where it restarts each session (the engine re-arms those as a session begins)."""
        if self.measure.daily:
            return 0.0
        band = self.band_pct / 100.0
        amount = abs(self.threshold) * band if self.measure.relative_band else self.band_pct
        return self.threshold - amount if side is Side.UP else self.threshold + amount

    def describe(self) -> str:
        """The rule in words: "Russell 2000 crosses 2,750.00 (close, every, band 0.5%)"."""
        settings = [str(self.basis), str(self.repeat)]
        if self.kind is Kind.LEVEL:
            settings.append(f"band {self.band_pct:g}%")
        if self.cooldown_sessions != DEFAULT_COOLDOWN_SESSIONS:
            settings.append(f"cooldown {self.cooldown_sessions}")
        suffix = f" ({', '.join(settings)})"
        match self.kind:
            case Kind.LEVEL:
                return f"{self.target.name} {self.direction} {as_typed(self.level)}{suffix}"
            case Kind.MOVE:
                return f"{self.target.name} moves {self.level:g}% in a day{suffix}"
            case Kind.SPREAD:
                return f"small minus large daily return reaches ±{self.level:g} pts{suffix}"
            case Kind.STREAK:
                ends = ", and such a streak ends" if self.direction is Direction.CROSSES else ""
                return (
                    f"the small-cap outperformance streak reaches {self.level:g} sessions"
                    f"{ends}{suffix}"
                )
            case Kind.HIGH_52W:
                return f"{self.target.name} makes a new 52-week closing high{suffix}"
            case Kind.ALL_TIME_HIGH:
                return f"{self.target.name} makes a new all-time closing high{suffix}"
            case Kind.LONGEST_SINCE:
                return f"the streak becomes the longest in more than a year{suffix}"
            case Kind.RATE_CUTS:
                return (
                    f"the Fed cuts priced for the year change by {self.level:g} or more in a "
                    f"day{suffix}"
                )
        raise AssertionError(self.kind)


@dataclass(frozen=True)
class Owner:
    """Where a rule lives and who made it."""

    channel: str
    workspace: str
    created_by: str
    created_at: datetime
    builtin: bool = False
    """Made by `subscribe alerts`, removed by `unsubscribe alerts`."""


@dataclass(frozen=True)
class AlertRule:
    id: int
    spec: RuleSpec
    owner: Owner
    legs: tuple[Leg, ...] = field(default=())


def fresh_legs(spec: RuleSpec) -> tuple[Leg, ...]:
    """A new rule's legs: armed, one per direction it fires in."""
    return tuple(
        Leg(side, spec.threshold, spec.rearm_threshold(side), spec.repeat, spec.cooldown_sessions)
        for side in spec.sides
    )
