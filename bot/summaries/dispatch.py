"""The dispatcher: every minute, post the daily summaries that are due, once each.

1. Claim the due subscriptions from the schedule (atomically: no other dispatcher gets them).
2. For each, the session it describes: the newest that had closed at its due time. One the bot
   missed by more than the grace window is skipped (and logged), never posted a day late.
3. Compose and render each distinct summary once (a session and a workspace's watched levels),
   and only once its prices are in.
4. Post with bounded concurrency, each workspace in at most two lanes so one whose Slack
   throttles never holds every worker. Each post first claims its (channel, session) key, so
   it is not posted twice side by side. 429s wait out their Retry-After in slack-sdk's
   handler; a channel the bot left or that was archived is unsubscribed; any other failure that
   surely sent nothing (a Slack error, Redis or an unreadable token while loading the client, a
   bug) is retried with backoff until the next due time, then failed for good. A post whose
   outcome is unknown (no answer came, or its dispatcher stopped mid-post `STUCK_AFTER` ago) is
   posted again: at least once, as alerts are. What is failed for good is recorded for
   `status`, logged and counted (`bot.failed_posts`).
5. Write each subscription back with its next due time, in the subscriber's own zone.
"""

from __future__ import annotations

import logging
import time as timer
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, datetime, timedelta
from secrets import token_hex
from typing import Generic, TypeVar

from bot.alerts.delivery import PostFailed, backoff, process_name
from bot.asker import Asker
from bot.failed_posts import FailedPosts
from bot.metrics import POSTS
from bot.render.summary import late_note
from bot.status import FailedPost
from bot.store.replication import NotReplicated
from bot.summaries.compose import Ask, compose, newest_session
from bot.summaries.outcomes import DispatchReport, NotReady, Outcome, SummaryPoster
from bot.summaries.schedule import local, next_due, session_at
from bot.summaries.store import Claim, Subscription, SummaryStore
from bot.watched_levels import WatchedLevelsStore

log = logging.getLogger(__name__)

R = TypeVar("R")

UNSUBSCRIBE_ON = frozenset(
    {"not_in_channel", "channel_not_found", "is_archived", "account_inactive"}
)
"""Slack errors that mean the channel cannot get summaries any more."""
CLAIM_HOLD = timedelta(minutes=10)
"""How long a dispatcher owns the subscriptions it claimed before they fall due again."""
STUCK_AFTER = timedelta(minutes=10)
"""A post claimed this long ago and not finished: its dispatcher stopped mid-post."""
LATE_AFTER = timedelta(minutes=10)
"""A summary posted this long after its time says it is late, and why."""
WAIT_FOR_PRICES = timedelta(minutes=1)
BATCH = 500
PER_WORKSPACE = 2
"""Lanes a workspace's summaries are posted in at once: Slack limits each workspace on its
own, so one that answers 429 should slow its own posts only."""

RenderKey = tuple[date, tuple[tuple[float, str], ...]]
"""What makes summaries differ: the session, and the workspace's watched levels."""


class Dispatcher(Generic[R]):
    def __init__(
        self,
        store: SummaryStore,
        ask: Ask,
        watched: WatchedLevelsStore,
        poster: SummaryPoster[R],
        grace: timedelta,
        workers: int = 8,
        owner: str | None = None,
        batch: int = BATCH,
        lanes: int = PER_WORKSPACE,
    ) -> None:
        self.store = store
        self.ask = ask
        self.watched = watched
        self.poster = poster
        self.grace = grace
        self.workers = workers
        self.owner = owner or f"{process_name()}/{token_hex(3)}"
        """Whose claims this dispatcher's are: no other dispatcher's, even in this process."""
        self.batch = batch
        self.lanes = lanes
        self.failed = FailedPosts(lambda: store.redis, store.keys)
        self._rendered: dict[RenderKey, R] = {}
        self._not_ready: dict[RenderKey, NotReady] = {}
        """Summaries whose prices were not in, in this run: composed once a run, not once a
        channel."""

    def run(self, now: datetime) -> DispatchReport:
        """Posts every summary due at `now`; returns what it did."""
        report = DispatchReport(Counter())
        self._not_ready = {}
        with ThreadPoolExecutor(self.workers, thread_name_prefix="summary") as pool:
            while batch := self.store.claim_due(now, CLAIM_HOLD, self.batch):
                plans = self._dispatch(batch, now, pool, report)
                self.store.reschedule(plans)
        self.store.record_run(now, report.figures())
        return report

    def _dispatch(
        self,
        batch: list[Subscription],
        now: datetime,
        pool: ThreadPoolExecutor,
        report: DispatchReport,
    ) -> list[tuple[Subscription, datetime]]:
        plans: list[tuple[Subscription, datetime]] = []
        posting: list[tuple[Subscription, date, R]] = []
        levels: dict[str, tuple[tuple[float, str], ...]] = {}
        for sub in batch:
            sub = self._catch_up(sub, now, report)
            session = session_at(sub.due)
            assert session is not None, "the calendar starts in 1927"
            if sub.workspace not in levels:
                watched = self.watched.levels(sub.workspace, "rut")
                levels[sub.workspace] = tuple((w.value, w.label) for w in watched)
            rendered = self._render(session, sub.workspace, levels[sub.workspace], report)
            if now - sub.due > self.grace and not sub.attempts:
                why = "the bot was not running then"
                if isinstance(rendered, NotReady):
                    why = f"no prices for {session} came in (newest: {rendered.newest})"
                log.warning(
                    "daily summary to %s due %s skipped, %s after its time: %s",
                    sub.channel, local(sub.due, sub.when.zone), self.grace, why,
                )  # fmt: skip
                report.counts["skipped"] += 1
                plans.append(_advanced(sub, now))
                continue
            if isinstance(rendered, NotReady):
                report.counts["waiting for prices"] += 1
                plans.append((sub, now + WAIT_FOR_PRICES))
                continue
            posting.append((sub, session, rendered))
        for sub, outcome in self._post_fairly(posting, now, pool):
            report.counts[str(outcome)] += 1
            POSTS.labels("summary", str(outcome)).inc()
            if outcome is Outcome.RETRY:
                attempts = sub.attempts + 1
                plans.append((replace(sub, attempts=attempts), now + backoff(attempts)))
            elif outcome is not Outcome.UNSUBSCRIBED:
                plans.append(_advanced(sub, now))
        return plans

    def _post_fairly(
        self, posting: list[tuple[Subscription, date, R]], now: datetime, pool: ThreadPoolExecutor
    ) -> list[tuple[Subscription, Outcome]]:
        """Posts each workspace's summaries in at most `self.lanes` lanes, the lanes of all
        workspaces taking turns on the workers: a workspace whose Slack answers 429 holds at
        most its own lanes, never every worker, and the others keep their pace. A lane whose
        post fails for a passing reason leaves its other summaries to their retry, so a failing
        workspace costs a run one post a lane, not one a channel."""
        lanes: dict[tuple[str, int], list[tuple[Subscription, date, R]]] = {}
        counts: Counter[str] = Counter()
        for item in posting:
            workspace = item[0].workspace
            lanes.setdefault((workspace, counts[workspace] % self.lanes), []).append(item)
            counts[workspace] += 1
        order = sorted(lanes, key=lambda lane: lane[1])  # every workspace's first lane first

        def run(lane: list[tuple[Subscription, date, R]]) -> list[tuple[Subscription, Outcome]]:
            done: list[tuple[Subscription, Outcome]] = []
            for at, (sub, day, rendered) in enumerate(lane):
                outcome = self._deliver(sub, day, rendered, now)
                done.append((sub, outcome))
                if outcome is Outcome.RETRY and at + 1 < len(lane):
                    # its Slack is failing or throttling: the rest of the lane waits for the
                    # retry rather than holding a worker through every one of them
                    later = lane[at + 1 :]
                    log.warning(
                        "%d more daily summaries of workspace %s wait for their retry",
                        len(later), sub.workspace,
                    )  # fmt: skip
                    done += [(waiting, Outcome.RETRY) for waiting, _, _ in later]
                    break
            return done

        futures = [pool.submit(run, lanes[key]) for key in order]
        return [done for future in futures for done in future.result()]

    def _catch_up(self, sub: Subscription, now: datetime, report: DispatchReport) -> Subscription:
        """Past every due time that a later one has superseded: each is logged, none posted."""
        while (following := next_due(sub.when, sub.due)) <= now:
            if sub.attempts:
                due = local(sub.due, sub.when.zone)
                reason = f"due {due:%Y-%m-%d %H:%M %Z}: {sub.attempts} failed attempts"
                self.failed.record(FailedPost("summary", sub.workspace, sub.channel, now, reason))
                report.counts["lost"] += 1
            else:
                log.info(
                    "daily summary to %s due %s skipped: the bot was not running then",
                    sub.channel, local(sub.due, sub.when.zone),
                )  # fmt: skip
                report.counts["skipped"] += 1
            sub = replace(sub, due=following, attempts=0)
        return sub

    def _render(
        self,
        session: date,
        workspace: str,
        levels: tuple[tuple[float, str], ...],
        report: DispatchReport,
    ) -> R | NotReady:
        key = (session, levels)
        if key in self._rendered:
            return self._rendered[key]
        if key in self._not_ready:
            return self._not_ready[key]
        started = timer.perf_counter()
        summary = compose(self.ask, session, Asker(workspace, "summary", "summary"))
        newest = newest_session(summary)
        if newest is None or newest < session:
            self._not_ready[key] = NotReady(newest)
            return self._not_ready[key]
        rendered = self.poster.render(summary)
        report.rendered += 1
        report.render_seconds += timer.perf_counter() - started
        week_ago = session - timedelta(days=7)
        self._rendered = {k: v for k, v in self._rendered.items() if k[0] >= week_ago}
        self._rendered[key] = rendered
        return rendered

    def _deliver(self, sub: Subscription, session: date, rendered: R, now: datetime) -> Outcome:
        try:
            mine, claim = self.store.take(sub.channel, session, self.owner, now)
        except NotReplicated as error:
            log.warning(
                "daily summary to %s of %s waits: its claim %s", sub.channel, session, error
            )
            return Outcome.RETRY
        if not mine:
            return self._settle_taken(sub, session, rendered, claim, now)
        late = None
        if now - sub.due > LATE_AFTER:
            late = late_note(local(sub.due, sub.when.zone), local(now, sub.when.zone))
        try:
            ts = self.poster.post(sub, rendered, late)
        except PostFailed as error:
            return self._failed(sub, session, claim, error, now)
        except Exception as error:
            # raised before anything reached Slack (a bug, Redis while loading the token)
            log.exception("daily summary to %s of %s could not be posted", sub.channel, session)
            passing = PostFailed(f"{type(error).__name__}: {error}", permanent=False)
            return self._failed(sub, session, claim, passing, now)
        posted = self.store.settle(
            sub.channel, session, claim, Claim("posted", self.owner, now, ts)
        )
        if posted is None:
            return Outcome.POSTED
        return self._attach(sub, session, rendered, posted, now)

    def _settle_taken(
        self, sub: Subscription, session: date, rendered: R, claim: Claim, now: datetime
    ) -> Outcome:
        """Someone claimed this summary before: finish its chart, leave it be, or, when its
        dispatcher stopped mid-post, give it back to be posted (or charted) again."""
        if claim.step == "posted" and claim.ts:
            charting = Claim("charting", self.owner, now, claim.ts)
            taken = self.store.settle(sub.channel, session, claim, charting)
            return (
                Outcome.ALREADY
                if taken is None
                else self._attach(sub, session, rendered, taken, now)
            )
        if claim.step not in ("posting", "charting"):
            return Outcome.ALREADY
        if now - claim.at <= STUCK_AFTER:
            return Outcome.RETRY  # its dispatcher is at it: see later whether it finished
        log.warning(
            "daily summary to %s of %s: %s stopped while %s it; it may be in, doing it again",
            sub.channel, session, claim.by, claim.step,
        )  # fmt: skip
        back = replace(claim, step="posted") if claim.step == "charting" else None
        if self.store.settle(sub.channel, session, claim, back) is None:
            return Outcome.RETRY  # someone else moved it first: see later where it stands
        return self._deliver(sub, session, rendered, now)

    def _attach(
        self, sub: Subscription, session: date, rendered: R, claim: Claim, now: datetime
    ) -> Outcome:
        assert claim.ts is not None
        try:
            self.poster.attach_chart(sub, rendered, claim.ts)
        except PostFailed as error:
            if error.reason in UNSUBSCRIBE_ON:
                return self._unsubscribe(sub, error.reason, now)
            if not error.permanent:
                log.warning("chart for %s's summary will be retried: %s", sub.channel, error)
                self.store.settle(sub.channel, session, claim, replace(claim, step="posted"))
                return Outcome.RETRY
            log.warning("chart for %s's summary not posted: %s", sub.channel, error.reason)
            done = Claim("sent", self.owner, now, claim.ts, f"chart failed: {error.reason}")
            self.store.settle(sub.channel, session, claim, done)
            return Outcome.POSTED
        self.store.settle(sub.channel, session, claim, Claim("sent", self.owner, now, claim.ts))
        return Outcome.POSTED

    def _failed(
        self, sub: Subscription, session: date, claim: Claim, error: PostFailed, now: datetime
    ) -> Outcome:
        if error.reason in UNSUBSCRIBE_ON:
            self.store.settle(
                sub.channel, session, claim, Claim("failed", self.owner, now, None, error.reason)
            )
            return self._unsubscribe(sub, error.reason, now)
        if error.permanent:
            self.failed.record(FailedPost("summary", sub.workspace, sub.channel, now, error.reason))
            self.store.settle(
                sub.channel, session, claim, Claim("failed", self.owner, now, None, error.reason)
            )
            return Outcome.FAILED
        log.warning("daily summary to %s of %s will be retried: %s", sub.channel, session, error)
        self.store.settle(sub.channel, session, claim, None)
        return Outcome.RETRY

    def _unsubscribe(self, sub: Subscription, reason: str, now: datetime) -> Outcome:
        log.warning("daily summary: %s unsubscribed (%s)", sub.channel, reason)
        self.failed.record(
            FailedPost("summary", sub.workspace, sub.channel, now, f"{reason}: unsubscribed")
        )
        self.store.remove(sub.channel)
        return Outcome.UNSUBSCRIBED


def _advanced(sub: Subscription, now: datetime) -> tuple[Subscription, datetime]:
    """The subscription moved on to its next due time after both its due time and `now`."""
    due = next_due(sub.when, max(now, sub.due))
    return replace(sub, due=due, attempts=0), due
