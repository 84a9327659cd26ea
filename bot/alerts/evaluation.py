"""A tick: bring every feed's rules up to the newest observations, and queue what fired.

Under the alerts lock, each feed's observations since the last one walked are found, the rules
they can affect are fetched by range query, walked through the state machine, and the changed
rules, the alert messages (into the outbox) and the feed's new last observation are written in
one transaction. Posting happens afterwards, from the outbox (`bot.alerts.delivery`).
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from redis.lock import Lock

from bot.alerts.encoding import dump_message
from bot.alerts.engine import Firing, value_range, walk
from bot.alerts.machine import Observation, Side, State
from bot.alerts.measures import feed_symbols, observations
from bot.alerts.reports import AlertMessage
from bot.alerts.rules import AlertRule, Feed, Kind
from bot.alerts.store import AlertStore
from bot.analytics.levels import WatchedLevel
from bot.analytics.streak import StreakReport, streak
from bot.errors import UserFacingError
from bot.market.prices import PriceSet, PriceSource
from bot.trading_calendar import is_open, sessions_after
from bot.universe import RUT, SPX, sources_of
from bot.watched_levels import WatchedLevelsStore

log = logging.getLogger(__name__)

CONTEXT_SYMBOLS = (RUT.symbol, SPX.symbol)
_LOOKBACK = timedelta(days=10)
"""How far back the rate path's contracts are read for a live evaluation."""


@dataclass(frozen=True)
class Tick:
    feeds: int
    queued: list[AlertMessage]
    held: str = ""
    """Why nothing at all could fire (every feed's prices stale), or empty."""
    holds: dict[str, str] = field(default_factory=dict)
    """Each feed that fired nothing, keyed by feed, and why: its own prices are missing or
    stale. Every other feed was evaluated."""


class Evaluator:
    def __init__(
        self,
        store: AlertStore,
        prices: PriceSource,
        watched: WatchedLevelsStore,
        freshness: timedelta,
    ) -> None:
        self.store = store
        self.prices = prices
        self.watched = watched
        self.freshness = freshness
        self._indexed = False
        """Whether every rule is known to have its place in its feed's live rules."""

    def tick(self, now: datetime) -> Tick:
        """Evaluates every feed that has live rules. A feed whose own prices are missing, or
        stale during market hours, fires nothing and waits; the others are evaluated."""
        self.index_once()
        feeds = self.store.feeds()
        if not feeds:
            self.store.record_tick(now, "", {}, 0)
            return Tick(0, [])
        prices = self.fetch(feeds, now.date())
        holds = self.holds(feeds, prices, now)
        ready = [feed for feed in feeds if feed.key not in holds]
        held = "" if ready else self.held(prices, now)
        if holds:
            log.warning(
                "alerts held on %d of %d feeds: %s",
                len(holds),
                len(feeds),
                "; ".join(f"{feed}: {why}" for feed, why in holds.items()),
            )
        queued: list[AlertMessage] = []
        if ready:
            with self.store.lock() as lock:
                queued = self.advance(ready, prices, now, fence=lock)
        self.store.record_tick(now, held, holds, len(feeds))
        return Tick(len(feeds), queued, held, holds)

    def index_once(self) -> None:
        """Makes sure, once a process, that every rule has its place among its feed's live
        rules (after an upgrade), so feeds can be pruned."""
        if not self._indexed:
            with self.store.lock():
                self.store.index_live_rules()
            self._indexed = True

    def fetch(self, feeds: Sequence[Feed], today: date) -> PriceSet:
        symbols = [s for feed in feeds for s in feed_symbols(feed, today - _LOOKBACK, today)]
        return self.prices.closes([*dict.fromkeys(symbols), *CONTEXT_SYMBOLS])

    def held(self, prices: PriceSet, now: datetime) -> str:
        """Why these prices must fire nothing: fetched too long ago while the market trades."""
        return self._stale(prices.fetched_at, now)

    def holds(self, feeds: Sequence[Feed], prices: PriceSet, now: datetime) -> dict[str, str]:
        """The feeds that must fire nothing now, and why: no prices for one of the symbols the
        feed reads, or that symbol's prices fetched too long ago while the market trades. Only
        a feed's own symbols count, so one dead symbol holds only the rules that read it."""
        holds = {}
        for feed in feeds:
            missing = [s for s in feed.symbols if s not in prices.closes]
            if missing:
                holds[feed.key] = "; ".join(
                    prices.missing.get(s, f"no prices for {s}") for s in missing
                )
                continue
            times = [prices.fetched.get(s, prices.fetched_at) for s in feed.symbols]
            known = [t for t in times if t is not None]
            stale = self._stale(min(known), now) if known else ""
            if stale:
                holds[feed.key] = f"{', '.join(feed.symbols)} {stale}"
        return holds

    def _stale(self, fetched: datetime | None, now: datetime) -> str:
        if fetched is not None and is_open(now) and now - fetched > self.freshness:
            age = int((now - fetched).total_seconds() // 60)
            limit = int(self.freshness.total_seconds() // 60)
            return f"prices are {age} min old during market hours (limit {limit} min)"
        return ""

    def advance(
        self, feeds: Sequence[Feed], prices: PriceSet, now: datetime, fence: Lock
    ) -> list[AlertMessage]:
        """Walks each feed from its last observation to the newest. The caller holds `fence`,
        the alerts lock: if it was lost meanwhile (a tick slower than the lock's life),
        nothing is written (`LockLost`)."""
        with _uncollected():
            return self._advance(feeds, prices, now, fence)

    def _advance(
        self, feeds: Sequence[Feed], prices: PriceSet, now: datetime, fence: Lock
    ) -> list[AlertMessage]:
        lasts = self.store.lasts(feeds)
        walks: dict[str, tuple[Feed, Observation, list[Observation]]] = {}
        new_lasts: dict[str, Observation] = {}
        for feed in feeds:
            last = lasts[feed.key]
            path = observations(
                feed, prices.closes, now, prices.fetched_at, last.at if last else None
            )
            if not path:
                continue
            new_lasts[feed.key] = path[-1]
            if last is not None:
                walks[feed.key] = (feed, last, path)
        spans = {
            key: value_range(start, path, feed.measure.daily)
            for key, (feed, start, path) in walks.items()
        }
        candidates = self.store.candidates(spans) if spans else {}

        def late(before: Observation, after: Observation) -> bool:
            return now - after.at > self.freshness

        changed: list[AlertRule] = []
        firings: list[Firing] = []
        for key, (feed, start, path) in walks.items():
            rules, fired = walk(
                candidates[key], start, path, feed.measure.daily, late, sessions_after
            )
            changed.extend(rules.values())
            firings.extend(fired)
        streaks = {s: self._streak(prices, s) for s in {f.observation.session for f in firings}}
        sources = {key: _elsewhere(feed.symbols, prices) for key, (feed, _, _) in walks.items()}
        watched = self.watched.russell_levels(
            f.rule.owner.workspace for f in firings if _on_watched_levels(f.rule)
        )
        messages = [
            self.message(
                f,
                streaks[f.observation.session],
                sources[f.rule.spec.feed.key],
                watched.get(f.rule.owner.workspace, ()),
            )
            for f in firings
        ]
        self.store.save(
            changed, {m.firing: dump_message(m) for m in messages}, new_lasts, fence=fence
        )
        return messages

    def message(
        self,
        firing: Firing,
        streak: StreakReport | None,
        source: str,
        watched: Sequence[WatchedLevel],
    ) -> AlertMessage:
        """What is posted of `firing`; `source` says where its prices came from when not from
        the first source, `watched` are its workspace's Russell 2000 levels."""
        rule, obs = firing.rule, firing.observation
        leg = next(leg for leg in rule.legs if leg.side is firing.side)
        quiet = leg.quiet_until if rule.spec.cooldown_sessions > 1 else None
        return AlertMessage(
            firing=firing.id,
            rule_id=rule.id,
            channel=rule.owner.channel,
            rule=rule.spec.describe(),
            target=rule.spec.target.name,
            kind=str(rule.spec.kind),
            side=str(firing.side),
            level=rule.spec.level,
            unit=rule.spec.measure.unit,
            value=obs.value,
            figure=obs.figure,
            previous=firing.previous.value,
            price=obs.price,
            previous_price=firing.previous.price,
            at=obs.at,
            session=obs.session,
            late=firing.late,
            retired=leg.state is State.RETIRED,
            rearm_at=leg.rearm_at if leg.state is not State.RETIRED else None,
            streak=streak.length if streak else None,
            next_level=_next_level(firing, watched),
            quiet_until=quiet if leg.state is not State.RETIRED else None,
            longest_since=streak.longest_since if streak else None,
            workspace=rule.owner.workspace,
            source=source,
        )

    def _streak(self, prices: PriceSet, session: date) -> StreakReport | None:
        """The small-cap streak on `session`: context for every alert of that session."""
        try:
            rut, spx = (prices.closes[s] for s in CONTEXT_SYMBOLS)
            return streak(rut, spx, session)
        except (KeyError, UserFacingError):
            return None


@contextmanager
def _uncollected() -> Iterator[None]:
    """No cyclic garbage collection while a tick holds its rules: what a tick makes has no
    cycles and is freed as it goes, and each collection would walk the thousands of rules, legs
    and messages a crash day holds, again and again (a fifth of a tick at 5,000 crossed rules).
    The collector is back, as it was, once the tick is done."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _on_watched_levels(rule: AlertRule) -> bool:
    """A Russell 2000 level rule: its alert names the next watched level beyond."""
    return rule.spec.kind is Kind.LEVEL and rule.spec.target.symbols == (RUT.symbol,)


def _next_level(firing: Firing, watched: Sequence[WatchedLevel]) -> WatchedLevel | None:
    """The next watched Russell 2000 level in the direction of the move."""
    price = firing.observation.price
    if not _on_watched_levels(firing.rule) or price is None:
        return None
    if firing.side is Side.UP:
        return next((w for w in watched if w.value > price), None)
    return next((w for w in reversed(watched) if w.value < price), None)


def _elsewhere(symbols: Sequence[str], prices: PriceSet) -> str:
    """ "^RUT from Stooq after 2026-11-27" for the symbols a second source answered because
    Yahoo, their first, failed."""
    return "; ".join(
        f"{symbol} from {prices.answered_by[symbol]}"
        for symbol in symbols
        if symbol in prices.answered_by and sources_of(symbol)[0].source == "yahoo"
    )
