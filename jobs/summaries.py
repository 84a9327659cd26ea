"""The clock's summaries job: post the daily summaries due now (see bot/summaries/dispatch.py)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from bot.summaries.dispatch import Dispatcher
from bot.summaries.outcomes import DispatchReport

log = logging.getLogger(__name__)


def dispatch_summaries(dispatcher: Dispatcher[Any], now: datetime) -> DispatchReport:
    report = dispatcher.run(now)
    if report.counts:
        figures = ", ".join(f"{n} {what}" for what, n in sorted(report.counts.items()))
        log.info("daily summaries: %s; %d rendered", figures, report.rendered)
    return report
