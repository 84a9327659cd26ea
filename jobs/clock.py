"""The clock: APScheduler 3 with a few fixed jobs, run only by the clock that holds the lease.

Per-channel schedules and rules are data in Redis, never APScheduler jobs (APScheduler must
not share a job store between processes). Every job is idempotent: two clocks running at once
(a lease taken over during a long pause) still post each alert once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from apscheduler.schedulers.base import BaseScheduler

from bot.alerts.delivery import Poster, process_name
from bot.clock import EXCHANGE_TZ
from bot.services import Services
from bot.summaries.dispatch import SummaryPoster
from jobs.lease import ClockLease
from jobs.market import post_alerts, record_funds, watch_market
from jobs.summaries import dispatch_summaries

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10
POST_SECONDS = 30
SUMMARIES_SECOND = 1
"""The summaries job runs every minute at this second: just after a summary's HH:MM:00."""


class Clock:
    def __init__(
        self,
        services: Services,
        poster: Poster,
        summary_poster: SummaryPoster[Any],
        owner: str | None = None,
    ) -> None:
        self.services = services
        self.poster = poster
        self.dispatcher = services.dispatcher(summary_poster)
        self.lease = ClockLease(services.redis, services.keys, owner or process_name())
        self.active = False
        self._busy = threading.Lock()
        self._fanning_out = threading.Lock()
        """A long fan-out of summaries holds its own lock: alerts are not held up behind it."""

    def heartbeat(self) -> bool:
        """Takes or keeps the lease; logs when this clock becomes active or stands by."""
        active = self.lease.hold(self.services.clock.now())
        if active != self.active:
            log.info(
                "clock %s: %s",
                self.lease.owner,
                "active" if active else f"standing by for {self.lease.holder()}",
            )
        self.active = active
        return active

    def watch(self) -> None:
        self._when_active(lambda: watch_market(self.services, self.services.clock.now()))
        self.post()

    def post(self) -> None:
        self._when_active(
            lambda: post_alerts(self.services, self.poster, self.services.clock.now())
        )

    def summaries(self) -> None:
        self._when_active(
            lambda: dispatch_summaries(self.dispatcher, self.services.clock.now()),
            self._fanning_out,
        )

    def funds(self) -> None:
        self._when_active(lambda: record_funds(self.services, self.services.clock.now()))

    def _when_active(self, job: Callable[[], object], lock: threading.Lock | None = None) -> None:
        if not self.active:
            return
        with lock or self._busy:
            try:
                job()
            except Exception:
                log.exception("clock job failed; it runs again at its next time")

    def schedule(self, scheduler: BaseScheduler) -> BaseScheduler:
        """Adds the fixed jobs; the heartbeat and a first watch (catching up) run at once."""
        every = self.services.settings.refresh_seconds
        common = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 30}
        scheduler.add_job(self.start_now, id="start")
        scheduler.add_job(
            self.heartbeat, "interval", seconds=HEARTBEAT_SECONDS, id="heartbeat", **common
        )
        scheduler.add_job(self.watch, "interval", seconds=every, id="watch-market", **common)
        scheduler.add_job(self.post, "interval", seconds=POST_SECONDS, id="post-alerts", **common)
        scheduler.add_job(
            self.summaries, "cron", second=SUMMARIES_SECOND, id="dispatch-summaries", **common
        )
        scheduler.add_job(
            self.funds,
            "cron",
            day_of_week="mon-fri",
            hour=17,
            minute=5,
            timezone=EXCHANGE_TZ,
            id="record-funds",
            **common,
        )
        return scheduler

    def start_now(self) -> None:
        """The first heartbeat and watch, before the schedule's first interval."""
        self.heartbeat()
        self._when_active(
            lambda: watch_market(self.services, self.services.clock.now(), always=True)
        )
        self.post()
        self.summaries()

    def stop(self) -> None:
        if self.active:
            self.lease.release()
            self.active = False


def start_in_background(
    services: Services, poster: Poster, summary_poster: SummaryPoster[Any]
) -> Callable[[], None]:
    """The clock inside another process (console, Socket Mode); returns how to stop it."""
    from apscheduler.schedulers.background import BackgroundScheduler

    clock = Clock(services, poster, summary_poster)
    scheduler = clock.schedule(BackgroundScheduler(timezone="UTC", daemon=True))
    scheduler.start()

    def stop() -> None:
        scheduler.shutdown(wait=False)
        clock.stop()

    return stop
