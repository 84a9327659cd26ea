"""The clock: APScheduler 3 with a few fixed jobs, run only by the clock that holds the lease.

Per-channel schedules and rules are data in Redis, never APScheduler jobs (APScheduler must
not share a job store between processes). Every job is idempotent: two clocks running at once
(a lease taken over during a long pause) still post each alert once.

Each run is recorded (Redis `jobs:<JOB>`, and the metrics). A job that fails is not run again
before its back-off (10 s, doubling to 5 min) has passed; while Redis is unreachable the clock
stands by, and it takes the lease again by itself when Redis returns.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import redis
from apscheduler.schedulers.base import BaseScheduler

from bot.alerts.delivery import Poster, process_name
from bot.alerts.evaluation import Tick
from bot.clock import EXCHANGE_TZ
from bot.job_records import JOBS
from bot.logs import new_request_id, request_id
from bot.metrics import ALERTS_FIRED, JOB_FAILURES, JOB_RUNS
from bot.services import Services
from bot.signals import signals_stay_with_the_main_thread
from bot.store.lease import LEASE, ClockLease
from bot.summaries.outcomes import SummaryPoster
from jobs.market import post_alerts, record_funds, record_rate_path, watch_market
from jobs.summaries import dispatch_summaries

log = logging.getLogger(__name__)

BACKOFF_FIRST = 10.0
BACKOFF_CAP = 300.0
"""Seconds a failed job waits before it runs again: the first time, and at most."""
HEARTBEAT_SECONDS = 10
POST_SECONDS = 30
SUMMARIES_SECOND = 1
"""The summaries job runs every minute at this second: just after a summary's HH:MM:00."""


class Backoff:
    """After n failures in a row, the next try waits first·2^(n-1) seconds, at most `cap`."""

    def __init__(
        self,
        first: float = BACKOFF_FIRST,
        cap: float = BACKOFF_CAP,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.first, self.cap, self.now = first, cap, now
        self.failures = 0
        self.until = 0.0

    def ready(self) -> bool:
        return self.now() >= self.until

    def failed(self) -> float:
        self.failures += 1
        wait = min(self.first * float(1 << min(self.failures - 1, 30)), self.cap)
        self.until = self.now() + wait
        return wait

    def succeeded(self) -> None:
        self.failures, self.until = 0, 0.0


class Clock:
    def __init__(
        self,
        services: Services,
        poster: Poster,
        summary_poster: SummaryPoster[Any],
        owner: str | None = None,
        lease: timedelta = LEASE,
    ) -> None:
        self.services = services
        self.poster = poster
        self.dispatcher = services.dispatcher(summary_poster)
        self.lease = ClockLease(services.redis, services.keys, owner or process_name(), lease)
        self.records = services.job_records
        self.active = False
        self._busy = threading.Lock()
        self._fanning_out = threading.Lock()
        """A long fan-out of summaries holds its own lock: alerts are not held up behind it."""
        self._backoffs = {job: Backoff() for job in JOBS}
        self._unrecorded: dict[str, tuple[datetime, str, int]] = {}

    def heartbeat(self) -> bool:
        """Takes or keeps the lease; logs when this clock becomes active or stands by. While
        Redis is unreachable no clock can prove it holds the lease, so this one stands by."""
        backoff = self._backoffs["heartbeat"]
        if not backoff.ready():
            return False
        request_id.set(f"heartbeat-{new_request_id()}")
        now = self.services.clock.now()
        try:
            active = self.lease.hold()
        except (redis.RedisError, OSError) as error:
            wait = backoff.failed()
            JOB_RUNS.labels("heartbeat").inc()
            JOB_FAILURES.labels("heartbeat").inc()
            self._record("heartbeat", now, f"{type(error).__name__}: {error}")
            log.warning(
                "clock %s: Redis unavailable (%s); trying again in %.0fs",
                self.lease.owner,
                error,
                wait,
            )
            self.active = False
            return False
        JOB_RUNS.labels("heartbeat").inc()
        if backoff.failures:
            log.warning("clock %s: Redis is back", self.lease.owner)
        backoff.succeeded()
        self._record("heartbeat", now, "")
        if active != self.active:
            log.info(
                "clock %s: %s",
                self.lease.owner,
                "active" if active else f"standing by for {self.lease.holder()}",
            )
        self.active = active
        return active

    def watch(self, always: bool = False) -> None:
        self._when_active(
            "watch-market",
            lambda: watch_market(self.services, self.services.clock.now(), always),
        )
        self.post()

    def post(self) -> None:
        self._when_active(
            "post-alerts",
            lambda: post_alerts(self.services, self.poster, self.services.clock.now()),
        )

    def summaries(self) -> None:
        self._when_active(
            "dispatch-summaries",
            lambda: dispatch_summaries(self.dispatcher, self.services.clock.now()),
            self._fanning_out,
        )

    def funds(self) -> None:
        def record() -> None:
            now = self.services.clock.now()
            record_funds(self.services, now)
            record_rate_path(self.services, now)

        self._when_active("record-funds", record)

    def _when_active(
        self, job: str, run: Callable[[], object], lock: threading.Lock | None = None
    ) -> None:
        backoff = self._backoffs[job]
        if not self.active or not backoff.ready():
            return
        with lock or self._busy:
            request_id.set(f"{job}-{new_request_id()}")
            JOB_RUNS.labels(job).inc()
            try:
                result = run()
            except Exception as error:
                JOB_FAILURES.labels(job).inc()
                wait = backoff.failed()
                if isinstance(error, redis.RedisError | OSError):
                    log.warning("%s: Redis unavailable (%s); next try in %.0fs", job, error, wait)
                else:
                    log.exception("%s failed; next try in %.0fs", job, wait)
                self._record(job, self.services.clock.now(), f"{type(error).__name__}: {error}")
                return
            backoff.succeeded()
            if isinstance(result, Tick) and result.queued:
                ALERTS_FIRED.inc(len(result.queued))
            self._record(job, self.services.clock.now(), "")

    def _record(self, job: str, at: datetime, error: str) -> None:
        """The run in Redis for `status`. Failures Redis could not take (it was down) are kept
        here and written with the next run it takes."""
        failed = self._unrecorded.pop(job, None)
        if error:
            count = failed[2] + 1 if failed else 1
            failed = (at, error[:300], count)
        try:
            if failed:
                self.records.failed(job, *failed)
            if not error:
                self.records.succeeded(job, at)
        except (redis.RedisError, OSError):
            if failed:
                self._unrecorded[job] = failed

    def schedule(self, scheduler: BaseScheduler) -> BaseScheduler:
        """Adds the fixed jobs (`run_first` runs the first heartbeat and watch at once)."""
        every = self.services.settings.refresh_seconds
        common = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 30}
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
        self.watch(always=True)
        self.summaries()

    def run_first(self) -> threading.Thread:
        """Runs `start_now` at once, on a thread of its own. Not as a run-once APScheduler
        job: APScheduler 3 removes such a job after handing it to its executor, and raises
        (JobLookupError, in its own thread) when the scheduler was shut down in between, as a
        console that reads one piped line and exits does."""
        first = threading.Thread(target=self.start_now, name="clock-start", daemon=True)
        first.start()
        return first

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
    with signals_stay_with_the_main_thread():
        scheduler.start()
        first = clock.run_first()

    def stop() -> None:
        first.join()
        scheduler.shutdown(wait=True)  # a running job finishes: nothing uses Redis after this
        clock.stop()

    return stop
