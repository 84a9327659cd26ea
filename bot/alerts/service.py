"""Alert commands: add, list, remove, pause, resume, test, and the built-in alerts' subscription.

Every change runs under the alerts lock, after bringing the rule's feed up to its newest
observation, so a new rule's "present side" is the side the next tick starts from. What a
workspace may make is bounded (`check_new`): rules per channel and per workspace, and distinct
symbols outside the universe its rules watch (each one is fetched and kept for good).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from bot.alerts.builtin import builtin_specs, check_removable
from bot.alerts.evaluation import Evaluator
from bot.alerts.lines import rule_line
from bot.alerts.machine import Pause, Resume, State, step
from bot.alerts.measures import feed_symbols
from bot.alerts.present import present_side
from bot.alerts.replay import replay
from bot.alerts.reports import AlertChangeReport, AlertListReport, AlertTestReport
from bot.alerts.rules import (
    RUSSELL,
    AlertRule,
    Direction,
    Kind,
    Owner,
    RuleSpec,
    fresh_legs,
)
from bot.alerts.store import AlertStore
from bot.clock import Clock
from bot.errors import CommandError, NoDataError, UserFacingError
from bot.limits import MAX_RULES_PER_CHANNEL, RULES_PER_WORKSPACE, SYMBOLS_PER_WORKSPACE
from bot.market.prices import PriceSource
from bot.render.numbers import counted
from bot.reports import Source
from bot.trading_calendar import sessions_after
from bot.universe import is_custom
from bot.watched_levels import EDITABLE_KEY, WatchedLevelsStore


@dataclass(frozen=True)
class AlertRuleQuery:
    """`remove`, `pause` or `resume` one rule."""

    action: str
    rule_id: int


@dataclass(frozen=True)
class AlertTestQuery:
    """Replay a rule (as written, or a channel's by its number) from `since` (default: a year
    back)."""

    spec: RuleSpec | None
    rule_id: int | None
    since: date | None


class SameRule(UserFacingError):
    """The channel has this rule already."""


class ChannelFull(UserFacingError):
    """The channel has as many rules as it may have."""


class WorkspaceFull(UserFacingError):
    """The workspace has as many rules, or watches as many symbols of its own, as it may."""


class Alerts:
    def __init__(
        self,
        store: AlertStore,
        evaluator: Evaluator,
        prices: PriceSource,
        watched: WatchedLevelsStore,
        clock: Clock,
        limit: int = MAX_RULES_PER_CHANNEL,
        per_workspace: int = RULES_PER_WORKSPACE,
        symbols_per_workspace: int = SYMBOLS_PER_WORKSPACE,
    ) -> None:
        self.store = store
        self.evaluator = evaluator
        self.prices = prices
        self.watched = watched
        self.clock = clock
        self.limit = limit
        self.per_workspace = per_workspace
        self.symbols_per_workspace = symbols_per_workspace

    def add(self, spec: RuleSpec, owner: Owner) -> AlertChangeReport:
        """Adds a rule to the owner's channel; it fires on the next cross, never for now."""
        feed = spec.feed
        prices = self.evaluator.fetch([feed], self.clock.now().date())
        missing = [
            prices.missing.get(s, f"no prices for {s}")
            for s in feed.symbols
            if s not in prices.closes
        ]
        if missing:
            raise NoDataError(
                f"I cannot watch that: {'; '.join(missing)}", "alert add rut above 2750"
            )
        now = self.clock.now()
        self.evaluator.index_once()
        with self.store.lock() as lock:
            self.check_new(spec, owner.channel, owner.workspace, owner.builtin)
            held = self.evaluator.holds([feed], prices, now).get(feed.key, "")
            if not held or self.store.lasts([feed])[feed.key] is None:
                # A feed's first observation fires nothing, so even held prices may set where
                # a new rule starts from; later ones wait for fresh prices.
                self.evaluator.advance([feed], prices, now, fence=lock)
            present = self.store.lasts([feed])[feed.key]
            if present is None:
                raise NoDataError(f"no confirmed prices yet for {spec.target.name}", "alert list")
            rule = AlertRule(self.store.next_id(), spec, owner, fresh_legs(spec))
            self.store.save([rule], new=True, fence=lock)
        note = present_side(spec, present.value, present.session, present.figure)
        if held:
            note += f" Nothing fires for now: {held}."
        return AlertChangeReport("added", [rule_line(rule)], note)

    def check_new(
        self, spec: RuleSpec, channel: str, workspace: str, builtin: bool = False
    ) -> None:
        """What stops `spec` from joining the rules `workspace` has in `channel` now: the same
        rule there already (`SameRule`), as many rules as a channel may have (`ChannelFull`),
        or as many rules, or symbols outside the universe, as a workspace may have
        (`WorkspaceFull`). Built-in rules count against none of the limits."""
        existing = [r for r in self.store.channel_rules(channel) if r.owner.workspace == workspace]
        same = next((r for r in existing if r.spec == spec and r.owner.builtin == builtin), None)
        if same is not None:
            raise SameRule(
                f"rule {same.id} already watches that here: {spec.describe()}", "alert list"
            )
        own = [r for r in existing if not r.owner.builtin]
        if not builtin and len(own) >= self.limit:
            raise ChannelFull(
                f"this channel has {len(own)} alert rules, the most it can have: remove one first",
                "alert remove 3",
            )
        if not builtin:
            self._check_workspace(spec, workspace)

    def _check_workspace(self, spec: RuleSpec, workspace: str) -> None:
        ours = self._workspace_rules(workspace)
        if len(ours) >= self.per_workspace:
            raise WorkspaceFull(
                f"this workspace has {len(ours)} alert rules, the most it can have: remove one "
                "first, in any channel (`alert list` there shows its rules)",
                "alert remove 3",
            )
        watched = {s for r in ours for s in r.spec.target.symbols if is_custom(s)}
        new = sorted({s for s in spec.target.symbols if is_custom(s)} - watched)
        if new and len(watched) + len(new) > self.symbols_per_workspace:
            raise WorkspaceFull(
                f"this workspace's alert rules watch {counted(len(watched), 'symbol')} of "
                f"their own ({', '.join(sorted(watched))}), the most they can: remove the rules "
                f"on one of them to watch {', '.join(new)} (`alert list` in each channel shows "
                "them), or use an index or ETF the bot knows (`help`)",
                "alert list",
            )

    def _workspace_rules(self, workspace: str) -> list[AlertRule]:
        """The rules the workspace made, in all its channels, besides the built-in ones."""
        rules = self.store.workspace_rules(workspace, self.store.workspace_channels(workspace))
        return [rule for rule in rules if not rule.owner.builtin]

    def listing(self, channel: str, workspace: str) -> AlertListReport:
        """The channel's rules that its workspace made (a channel shared between workspaces
        shows each its own)."""
        rules = [r for r in self.store.channel_rules(channel) if r.owner.workspace == workspace]
        holds = self.store.holds() if rules else {}
        lines = [rule_line(r, holds.get(r.spec.feed.key)) for r in rules]
        return AlertListReport(channel, lines, self.limit)

    def change(self, query: AlertRuleQuery, channel: str, workspace: str) -> AlertChangeReport:
        with self.store.lock() as lock:
            example = f"alert {query.action} {query.rule_id}"
            rule = self._own_rule(query.rule_id, channel, workspace, example)
            if query.action == "remove":
                check_removable(rule)
                self.store.delete([rule], fence=lock)
                return AlertChangeReport("removed", [rule_line(rule)])
            event = Pause() if query.action == "pause" else Resume()
            if query.action == "resume" and all(leg.state is not State.PAUSED for leg in rule.legs):
                raise UserFacingError(f"rule {rule.id} is not paused", "alert list")
            legs = tuple(step(leg, event, sessions_after).leg for leg in rule.legs)
            rule = replace(rule, legs=legs)
            self.store.save([rule], fence=lock)
        return AlertChangeReport(
            "paused" if query.action == "pause" else "resumed", [rule_line(rule)]
        )

    def _own_rule(self, rule_id: int, channel: str, workspace: str, example: str) -> AlertRule:
        """The rule, when it is this channel's and this workspace's: another's is "no rule"."""
        rule = self.store.rule(rule_id)
        if rule is None or rule.owner.channel != channel or rule.owner.workspace != workspace:
            raise NoDataError(
                f"there is no rule {rule_id} in this channel: `alert list` shows them", "alert list"
            )
        return rule

    def test(
        self, query: AlertTestQuery, channel: str, workspace: str, day: date
    ) -> tuple[AlertTestReport, Source]:
        spec = query.spec
        if spec is None:
            assert query.rule_id is not None
            spec = self._own_rule(query.rule_id, channel, workspace, "alert list").spec
        since = query.since or day - timedelta(days=365)
        if since >= day:
            raise CommandError(
                f"`since` must be before {day.isoformat()}",
                f"alert test {spec.target.key} above {spec.level:g} since {day.year - 1}-01-01",
            )
        prices = self.prices.closes(feed_symbols(spec.feed, since, day))
        missing = [
            prices.missing.get(s, f"no prices for {s}")
            for s in spec.target.symbols
            if s not in prices.closes
        ]
        if missing:
            raise NoDataError("; ".join(missing), "alert test rut crosses 2750 since 2025-01-01")
        report = replay(spec, prices.closes, since, day)
        return report, Source(self.prices.label, prices.fetched_at, prices.stale, prices.age)

    def subscribe(self, channel: str, workspace: str, user: str) -> AlertChangeReport:
        if channel in self.store.subscribers(workspace):
            raise UserFacingError("this channel already gets the built-in alerts", "alert list")
        owner = Owner(channel, workspace, user, self.clock.now(), builtin=True)
        added, waiting = [], []
        for spec in self.builtin_specs(workspace):
            try:
                added.extend(self.add(spec, owner).rules)
            except NoDataError as error:
                waiting.append(f"{spec.describe()}: {error.message}")
        if not added:
            raise NoDataError("no built-in alert has prices to watch: " + "; ".join(waiting))
        self.store.subscribe(workspace, channel)
        note = "Not watched, for lack of prices: " + "; ".join(waiting) if waiting else None
        return AlertChangeReport("subscribed", added, note)

    def unsubscribe(self, channel: str, workspace: str) -> AlertChangeReport:
        if channel not in self.store.subscribers(workspace):
            raise UserFacingError(
                "this channel does not get the built-in alerts", "subscribe alerts"
            )
        with self.store.lock() as lock:
            builtin = [r for r in self.store.channel_rules(channel) if r.owner.builtin]
            self.store.delete(builtin, fence=lock)
            self.store.unsubscribe(workspace, channel)
        return AlertChangeReport("unsubscribed", [rule_line(r) for r in builtin])

    def builtin_specs(self, workspace: str) -> list[RuleSpec]:
        return builtin_specs(w.value for w in self.watched.levels(workspace, EDITABLE_KEY))

    def sync_watched(self, workspace: str) -> None:
        """After the workspace's watched levels changed: the built-in level rules follow them."""
        watched = {w.value for w in self.watched.levels(workspace, EDITABLE_KEY)}
        for channel in self.store.subscribers(workspace):
            levels = [
                r
                for r in self.store.channel_rules(channel)
                if r.owner.builtin and r.spec.kind is Kind.LEVEL
            ]
            gone = [r for r in levels if r.spec.level not in watched]
            if gone:
                with self.store.lock() as lock:
                    self.store.delete(gone, fence=lock)
            have = {r.spec.level for r in levels}
            for value in sorted(watched - have):
                owner = Owner(channel, workspace, "levels", self.clock.now(), builtin=True)
                self.add(RuleSpec(Kind.LEVEL, RUSSELL, Direction.CROSSES, value), owner)
