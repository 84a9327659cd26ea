"""The clock's fixed jobs, as plain functions of the services and a moment.

- `watch_market`: during market hours, and for a while after each close, refresh prices and
  evaluate every alert rule on them (the refresh happens in the price cache, once for all);
- `post_alerts`: post what fired, exactly once;
- `record_funds`: once a trading day, record fund data (valuation and flows history);
- `record_rate_path`: with it, the fed funds futures and the policy rate, so the rate path of
  a past date can still be read once Yahoo drops an expired contract.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from bot.alerts.delivery import Poster, deliver
from bot.alerts.evaluation import Tick
from bot.analytics.fedwatch import contracts_between
from bot.services import Services
from bot.trading_calendar import is_open, is_trading_day, last_close, session_close
from bot.universe import FED, FLOW_ETFS, VALUATION_FUNDS

log = logging.getLogger(__name__)

AFTER_CLOSE = timedelta(hours=2)
"""After a close, prices are refreshed this long, until the confirmed close is in."""


def market_hours(now: datetime) -> bool:
    """Whether prices move now: the market is open, or a session closed a short while ago."""
    if is_open(now):
        return True
    closed = last_close(now)
    return closed is not None and now - session_close(closed) < AFTER_CLOSE


def watch_market(services: Services, now: datetime, always: bool = False) -> Tick | None:
    """Refreshes prices and evaluates the alerts, in market hours (or `always`)."""
    if not (always or market_hours(now)):
        return None
    tick = services.evaluator.tick(now)
    if tick.queued:
        log.info("alerts: %d fired on %d feeds", len(tick.queued), tick.feeds)
    return tick


def post_alerts(services: Services, poster: Poster, now: datetime) -> int:
    return deliver(services.alert_store, poster, now)


def record_funds(services: Services, now: datetime) -> int:
    """Records today's fund data for the valuation and flows funds, each once, on trading days;
    the number of funds."""
    if not is_trading_day(now.date()):
        return 0
    funds = (*(fund for _, fund in VALUATION_FUNDS), *FLOW_ETFS)
    symbols = list(dict.fromkeys(fund.symbol for fund in funds))
    for symbol in symbols:
        services.market.fund_history(symbol)
    return len(symbols)


def record_rate_path(services: Services, now: datetime) -> int:
    """Refreshes every fed funds contract to the end of next year, and FRED's effective rate
    and target range, into the price cache, on trading days. The cache keeps closes it has once
    fetched, so each day's contracts stay recorded; the number of series with closes."""
    if not is_trading_day(now.date()):
        return 0
    today = now.date()
    contracts = contracts_between(today, date(today.year + 2, 1, 1))
    return services.market.record([*contracts, *(i.symbol for i in FED)])
