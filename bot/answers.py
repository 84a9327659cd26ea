"""Answering a command: parse the text, fetch what it needs, run the analytics, return a report.

Every front end (the one-shot `ask`, the console, Slack) goes through `Answerer.answer`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from bot.alerts.grammar import (
    AddAlertQuery,
    AlertListQuery,
    AlertRuleQuery,
    AlertsSubscriptionQuery,
    AlertTestQuery,
)
from bot.alerts.rules import Owner
from bot.alerts.service import Alerts
from bot.analytics.flows import FlowsReport, implied_flows
from bot.analytics.levels import levels
from bot.analytics.macro import macro
from bot.analytics.precedents import precedents
from bot.analytics.relative import relative_performance
from bot.analytics.returns import returns_table
from bot.analytics.sectors import sectors
from bot.analytics.series import History
from bot.analytics.sizes import size_ladder
from bot.analytics.streak import streak
from bot.analytics.valuation import valuation
from bot.asker import Asker
from bot.clock import Clock, exchange_today
from bot.dating import dating
from bot.days import check_day
from bot.errors import CommandError, NoDataError
from bot.grammar import (
    ChartQuery,
    EditLevelsQuery,
    FlowsQuery,
    HelpQuery,
    LevelsQuery,
    MacroQuery,
    PrecedentsQuery,
    Query,
    ReturnsQuery,
    SectorsQuery,
    SizesQuery,
    StatusQuery,
    StreakQuery,
    ValuationQuery,
    parse,
)
from bot.help import GENERAL, TOPICS, HelpReport, Usage
from bot.help import example as example_of
from bot.market.data import MarketData
from bot.reports import Answer, Report, Source
from bot.status import StatusReport
from bot.summaries.grammar import (
    DailySubscribeQuery,
    DailyUnsubscribeQuery,
    SubscriptionsQuery,
)
from bot.summaries.subscriptions import Subscriptions
from bot.universe import (
    BILL,
    FLOW_ETFS,
    HIGH_YIELD,
    SECTORS,
    SIZE_LADDER,
    TEN_YEAR,
    TREASURIES,
    VALUATION_PAIR,
    VIX,
    Instrument,
)
from bot.watched_levels import EDITABLE_KEY, WatchedLevelsReport, WatchedLevelsStore

DEFAULT_PRECEDENT_LENGTH = 10
"""Precedents asked for on a day without a streak of 2 or more look at runs of this length."""


class Answerer:
    def __init__(
        self,
        market: MarketData,
        clock: Clock,
        status: Callable[[], StatusReport],
        watched: WatchedLevelsStore,
        alerts: Alerts,
        subscriptions: Subscriptions,
    ) -> None:
        self.market = market
        self.clock = clock
        self.status = status
        self.watched = watched
        self.alerts = alerts
        self.subscriptions = subscriptions

    def answer(self, text: str, as_of: date | None = None, asker: Asker | None = None) -> Answer:
        """The answer to `text`, as it would have been given on `as_of` (default: today), for
        `asker` (whose workspace's watched levels apply, and whose channel's alerts)."""
        today = exchange_today(self.clock)
        command = parse(text, today)
        if isinstance(command.query, _CHANGES) and (command.as_of or as_of):
            raise CommandError(
                f"`{command.name}` changes what happens from now on: drop the as-of date",
                example_of(command.name),
            )
        if as_of and command.as_of and as_of != command.as_of:
            raise CommandError("two different as-of dates were given", "streak as of 2026-01-20")
        day = check_day(command.as_of or as_of or today, f"{command.name} as of {today}")
        if day > today:
            raise CommandError(
                f"{day.isoformat()} is in the future: ask about a past date",
                f"{command.name} as of {today.isoformat()}",
            )
        used: list[History] = []
        report, session, source = self._compute(command.query, day, asker, used)
        requested = command.as_of or as_of
        dates = dating(requested, self.clock.now(), session, day, used) if session else None
        return Answer(command.name, session, source, report, dates)

    def _fetch(
        self, used: list[History], instruments: Sequence[Instrument]
    ) -> tuple[list[History], Source]:
        """The instruments' histories, noted in `used`: the answer's dating checks each."""
        histories, source = self.market.histories(instruments)
        used.extend(histories)
        return histories, source

    def _compute(
        self, query: Query, day: date, asker: Asker | None, used: list[History]
    ) -> tuple[Report, date | None, Source | None]:
        workspace = asker.workspace if asker else None
        match query:
            case StreakQuery(a, b):
                (ha, hb), source = self._fetch(used, [a, b])
                report = streak(ha.require(), hb.require(), day, a.key, b.key)
                return report, report.session, source
            case PrecedentsQuery(min_length, horizon, a, b):
                (ha, hb), source = self._fetch(used, [a, b])
                closes_a, closes_b = ha.require(), hb.require()
                if min_length is None:
                    current = streak(closes_a, closes_b, day).length
                    min_length = current if current >= 2 else DEFAULT_PRECEDENT_LENGTH
                found = precedents(closes_a, closes_b, day, min_length, horizon, a.key, b.key)
                return found, found.session, source
            case ReturnsQuery(period, instruments):
                histories, source = self._fetch(used, instruments)
                table = returns_table(histories, period, day)
                return table, table.end, source
            case SizesQuery(period):
                histories, source = self._fetch(used, [i for _, i in SIZE_LADDER])
                segments = [(name, h) for (name, _), h in zip(SIZE_LADDER, histories, strict=True)]
                ladder = size_ladder(segments, period, day)
                return ladder, ladder.end, source
            case LevelsQuery(target):
                (history,), source = self._fetch(used, [target])
                watched = self.watched.levels(workspace, target.key)
                found_levels = levels(history.require(), day, watched, target.key, history.symbol)
                return found_levels, found_levels.session, source
            case EditLevelsQuery(action, value, label):
                return self._edit_levels(workspace, action, value, label), None, None
            case SectorsQuery(period):
                twins = [i for pair in SECTORS for i in (pair.small, pair.large)]
                histories, source = self._fetch(used, twins)
                pairs = [
                    (p.sector, histories[2 * n], histories[2 * n + 1])
                    for n, p in enumerate(SECTORS)
                ]
                by_sector = sectors(pairs, period, day)
                return by_sector, by_sector.end, source
            case ChartQuery(period, a, b):
                (ha, hb), source = self._fetch(used, [a, b])
                chart = relative_performance(ha.require(), hb.require(), day, period, a.key, b.key)
                return chart, chart.end, source
            case ValuationQuery():
                small, large = VALUATION_PAIR
                gap = valuation(
                    self.market.fund_history(small.symbol),
                    self.market.fund_history(large.symbol),
                    day,
                    small.symbol,
                    large.symbol,
                )
                return gap, gap.session, Source(f"{self.market.label} (fund data)")
            case FlowsQuery():
                histories, source = self._fetch(used, FLOW_ETFS)
                rows = [
                    implied_flows(self.market.fund_history(h.symbol)["total_assets"], h, day)
                    for h in histories
                ]
                session = max((r.last_recorded for r in rows if r.last_recorded), default=day)
                flows = FlowsReport(session, rows)
                return flows, flows.session, Source(f"{self.market.label} (fund assets)")
            case MacroQuery():
                histories, source = self._fetch(used, [TEN_YEAR, BILL, VIX, HIGH_YIELD, TREASURIES])
                tnx, irx, vix, hyg, ief = histories
                backdrop = macro([tnx, irx], vix, (hyg, ief), day)
                return backdrop, backdrop.session, source
            case StatusQuery():
                return self.status(), None, None
            case AddAlertQuery() | AlertListQuery() | AlertRuleQuery() | AlertTestQuery():
                return self._alert(query, day, _require(asker, "alerts"))
            case AlertsSubscriptionQuery(subscribe):
                where = _require(asker, "subscriptions")
                if subscribe:
                    return (
                        self.alerts.subscribe(where.channel, where.workspace, where.user),
                        None,
                        None,
                    )
                return self.alerts.unsubscribe(where.channel, where.workspace), None, None
            case DailySubscribeQuery(when):
                where = _require(asker, "subscriptions")
                return self.subscriptions.subscribe(where, when), None, None
            case DailyUnsubscribeQuery():
                return self.subscriptions.unsubscribe(_require(asker, "subscriptions")), None, None
            case SubscriptionsQuery():
                return self.subscriptions.listing(_require(asker, "subscriptions")), None, None
            case HelpQuery(topic):
                topics = [TOPICS[topic]] if topic else list(TOPICS.values())
                usages = [
                    Usage(t.name, t.summary, list(t.forms), list(t.details), t.example)
                    for t in topics
                ]
                return HelpReport(topic, usages, list(GENERAL)), None, None
        raise AssertionError(f"unhandled query {query!r}")

    def _alert(
        self,
        query: AddAlertQuery | AlertListQuery | AlertRuleQuery | AlertTestQuery,
        day: date,
        asker: Asker,
    ) -> tuple[Report, date | None, Source | None]:
        match query:
            case AddAlertQuery(spec):
                owner = Owner(asker.channel, asker.workspace, asker.user, self.clock.now())
                return self.alerts.add(spec, owner), None, None
            case AlertListQuery():
                return self.alerts.listing(asker.channel), None, None
            case AlertRuleQuery():
                return self.alerts.change(query, asker.channel), None, None
            case AlertTestQuery():
                tested, source = self.alerts.test(query, asker.channel, day)
                return tested, tested.until, source
        raise AssertionError(f"unhandled alert query {query!r}")

    def _edit_levels(
        self, workspace: str | None, action: str, value: float, label: str | None
    ) -> WatchedLevelsReport:
        if workspace is None:
            raise CommandError("watched levels belong to a workspace: edit them in Slack", "levels")
        if action == "set":
            watched = self.watched.set(workspace, value, label or "Watched")
        elif self.watched.remove(workspace, value):
            watched = self.watched.levels(workspace, EDITABLE_KEY)
        else:
            raise NoDataError(f"{value:,.2f} is not a watched level: `levels` lists them", "levels")
        self.alerts.sync_watched(workspace)
        return WatchedLevelsReport(EDITABLE_KEY, action, value, label, list(watched))


_CHANGES = (
    AddAlertQuery,
    AlertRuleQuery,
    AlertsSubscriptionQuery,
    DailySubscribeQuery,
    DailyUnsubscribeQuery,
    EditLevelsQuery,
)
"""Queries that change state: they act now, never as of a past date."""


def _require(asker: Asker | None, what: str) -> Asker:
    if asker is None:
        raise CommandError(f"{what} belong to a channel: use them in Slack or the console", "help")
    return asker
