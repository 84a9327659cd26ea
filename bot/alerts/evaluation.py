"""A tick: bring every feed's rules up to the newest observations, and queue what fired.

Under the alerts lock, each feed's observations since the last one walked are found, the rules
they can affect are fetched by range query, walked through the state machine, and the changed
rules, the alert messages (into the outbox) and the feed's new last observation are written in
one transaction. Posting happens afterwards, from the outbox (`bot.alerts.delivery`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from bot.alerts.engine import Firing, value_range, walk
from bot.alerts.machine import Observation, Side, State
from bot.alerts.measures import feed_symbols, observations
from bot.alerts.reports import AlertMessage
from bot.alerts.rules import AlertRule, Feed, Kind
from bot.alerts.store import AlertStore, dump_message
from bot.analytics.levels import WatchedLevel
from bot.analytics.streak import StreakReport, streak
from bot.errors import UserFacingError
from bot.market.prices import PriceSet, PriceSource
from bot.trading_calendar import is_open, sessions_after
from bot.universe import RUT, SPX, sources_of
from bot.watched_levels import EDITABLE_KEY, WatchedLevelsStore

log = logging.getLogger(__name__)

CONTEXT_SYMBOLS = (RUT.symbol, SPX.symbol)
_LOOKBACK = timedelta(days=10)
"""How far back the rate path's contracts are read for a live evaluation."""


@dataclass(frozen=True)
class Tick:
    feeds: int
    queued: list[AlertMessage]
    held: str = ""
    """Why nothing could fire (stale data), or empty."""


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

    def tick(self, now: datetime) -> Tick:
        """Evaluates every feed that has rules; stale prices during market hours fire nothing."""
        feeds = self.store.feeds()
        if not feeds:
            self.store.record_tick(now, "", 0)
            return Tick(0, [])
        prices = self.fetch(feeds, now.date())
        held = self.held(prices, now)
        queued: list[AlertMessage] = []
        if held:
            log.warning("alerts held: %s", held)
        else:
            with self.store.lock():
                queued = self.advance(feeds, prices, now)
        self.store.record_tick(now, held, len(feeds))
        return Tick(len(feeds), queued, held)

    def fetch(self, feeds: Sequence[Feed], today: date) -> PriceSet:
        symbols = [s for feed in feeds for s in feed_symbols(feed, today - _LOOKBACK, today)]
        return self.prices.closes([*dict.fromkeys(symbols), *CONTEXT_SYMBOLS])

    def held(self, prices: PriceSet, now: datetime) -> str:
        """Why these prices must fire nothing: fetched too long ago while the market trades."""
        fetched = prices.fetched_at
        if fetched is not None and is_open(now) and now - fetched > self.freshness:
            age = int((now - fetched).total_seconds() // 60)
            limit = int(self.freshness.total_seconds() // 60)
            return f"prices are {age} min old during market hours (limit {limit} min)"
        return ""

    def advance(self, feeds: Sequence[Feed], prices: PriceSet, now: datetime) -> list[AlertMessage]:
        """Walks each feed from its last observation to the newest; the caller holds the lock."""
        lasts = self.store.lasts(feeds)
        walks: dict[str, tuple[Feed, Observation, list[Observation]]] = {}
        new_lasts: dict[str, Observation] = {}
        for feed in feeds:
            missing = [s for s in feed.symbols if s not in prices.closes]
            if missing:
                log.warning("alerts on %s wait: no prices for %s", feed.key, ", ".join(missing))
                continue
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
        messages = [
            replace(
                self.message(f, streaks[f.observation.session]),
                source=_elsewhere(f.rule.spec.feed.symbols, prices),
            )
            for f in firings
        ]
        self.store.save(changed, {m.firing: dump_message(m) for m in messages}, new_lasts)
        return messages

    def message(self, firing: Firing, streak: StreakReport | None) -> AlertMessage:
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
            previous=firing.previous.value,
            price=obs.price,
            previous_price=firing.previous.price,
            at=obs.at,
            session=obs.session,
            late=firing.late,
            retired=leg.state is State.RETIRED,
            rearm_at=leg.rearm_at if leg.state is not State.RETIRED else None,
            streak=streak.length if streak else None,
            next_level=self._next_level(firing),
            quiet_until=quiet if leg.state is not State.RETIRED else None,
            longest_since=streak.longest_since if streak else None,
            workspace=rule.owner.workspace,
        )

    def _streak(self, prices: PriceSet, session: date) -> StreakReport | None:
        """The small-cap streak on `session`: context for every alert of that session."""
        try:
            rut, spx = (prices.closes[s] for s in CONTEXT_SYMBOLS)
            return streak(rut, spx, session)
        except (KeyError, UserFacingError):
            return None

    def _next_level(self, firing: Firing) -> WatchedLevel | None:
        """The next watched Russell 2000 level in the direction of the move."""
        rule, price = firing.rule, firing.observation.price
        if rule.spec.kind is not Kind.LEVEL or rule.spec.target.symbols != (RUT.symbol,):
            return None
        if price is None:
            return None
        watched = self.watched.levels(rule.owner.workspace, EDITABLE_KEY)
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
