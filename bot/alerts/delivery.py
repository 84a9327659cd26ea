"""Posting what fired: claim the firing in Redis, then post it; a claimed firing is never
dropped quietly.

The claim (`SET NX`) is taken before the post, so two clocks or a restart never post one
firing side by side; with replicas, a replica holds it before the post (`WAIT`), so a failover
does not lose it either (a claim no replica acknowledged is given back and tried again at the
next delivery). slack-sdk's retry handlers retry the post itself on 429 and lost
connections. A post that still fails is one of three:

- **surely not sent** (Slack answered with an error, the workspace's token could not be
  loaded, Redis failed, the request never left): the claim is given back and the firing tried
  again with back-off (30 s, doubling, at most 30 min) until it is posted, or failed for good
  after `RETRY_FOR`;
- **outcome unknown** (the request left and no answer came: a timeout, a connection dropped
  mid-answer, or a process that stopped mid-post and left its claim `STUCK_AFTER` ago): posted
  again, so an alert is posted **at least once**: a missed alert costs more than a doubled one;
- **failed for good** (the bot left the channel, the workspace uninstalled, or `RETRY_FOR`
  passed): recorded for `status`, logged and counted (`bot.failed_posts`).
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timedelta
from secrets import token_hex
from typing import Protocol

from bot.alerts.encoding import load_message
from bot.alerts.outbox import Retry
from bot.alerts.reports import AlertMessage
from bot.alerts.store import AlertStore
from bot.failed_posts import FailedPosts
from bot.metrics import POSTS
from bot.status import FailedPost
from bot.store.replication import NotReplicated

log = logging.getLogger(__name__)

STUCK_AFTER = timedelta(minutes=10)
"""A claim still "posting" this long after it was taken: its poster stopped mid-post."""
RETRY_FOR = timedelta(days=1)
"""How long an alert that surely was not sent is tried again before it is failed for good."""
MAX_BACKOFF = timedelta(minutes=30)


class PostFailed(Exception):
    def __init__(self, reason: str, permanent: bool, unknown: bool = False) -> None:
        """`permanent`: posting again cannot help. `unknown`: the request left and no answer
        came, so it may have been posted."""
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.unknown = unknown


class Poster(Protocol):
    def post(self, message: AlertMessage) -> None:
        """Posts one alert; PostFailed when it could not."""
        ...


def process_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def backoff(tries: int) -> timedelta:
    """30 s, 1 min, 2 min, ... up to 30 min."""
    return min(timedelta(seconds=30 * 2 ** min(max(tries - 1, 0), 6)), MAX_BACKOFF)


def deliver(store: AlertStore, poster: Poster, now: datetime) -> int:
    """Posts every waiting firing that is due and this process can claim; returns how many it
    posted."""
    posted = 0
    retries = store.retries()
    failed = FailedPosts(lambda: store.redis, store.keys)
    for firing, raw in sorted(store.outbox().items()):
        retry = retries.get(firing)
        if retry is not None and retry.next > now:
            continue
        claim = f"posting {process_name()}/{token_hex(3)} {now.isoformat()}"  # this call's own
        try:
            if not store.claim(firing, claim) and not _take_over(store, firing, claim, now):
                continue
        except NotReplicated as error:
            log.warning("alert %s waits for the next delivery: its claim %s", firing, error)
            continue
        message = load_message(raw)
        try:
            poster.post(message)
        except PostFailed as error:
            _failed(store, failed, firing, message, error, retry, now)
            continue
        except Exception as error:
            # raised before anything reached Slack (a bug, Redis while loading the token)
            log.exception("alert %s to %s could not be posted", firing, message.channel)
            reason = f"{type(error).__name__}: {error}"
            _failed(store, failed, firing, message, PostFailed(reason, False), retry, now)
            continue
        store.mark_sent(firing, f"sent {now.isoformat()}")
        POSTS.labels("alert", "posted").inc()
        posted += 1
    return posted


def _failed(
    store: AlertStore,
    failed: FailedPosts,
    firing: str,
    message: AlertMessage,
    error: PostFailed,
    retry: Retry | None,
    now: datetime,
) -> None:
    """Failed for good: recorded. Otherwise given back, to be tried again after a back-off."""
    tries = (retry.tries if retry else 0) + 1
    since = retry.since if retry else now
    reason = error.reason
    if not error.permanent and now - since >= RETRY_FOR:
        reason = f"gave up after {tries} tries since {since.isoformat()}: {reason}"
    elif not error.permanent:
        again = now + backoff(tries)
        if error.unknown:
            log.warning(
                "alert %s to %s: %s; it may have been posted, posting it again at %s",
                firing, message.channel, reason, again.isoformat(),
            )  # fmt: skip
        else:
            log.warning(
                "alert %s to %s not posted (%s); trying again at %s",
                firing, message.channel, reason, again.isoformat(),
            )  # fmt: skip
        store.release(firing, Retry(tries, since, again, reason))
        POSTS.labels("alert", "retry").inc()
        return
    store.mark_sent(firing, f"failed {reason}")
    failed.record(FailedPost("alert", message.workspace, message.channel, now, reason))
    POSTS.labels("alert", "failed").inc()


def _take_over(store: AlertStore, firing: str, claim: str, now: datetime) -> bool:
    """A firing someone else claimed: True when its poster stopped mid-post and this process
    now holds the claim (the outcome is unknown: it is posted again, at least once)."""
    taken = store.claimed_by(firing)
    if taken is None or not taken.startswith("posting "):
        if taken is not None:
            store.mark_sent(firing, taken)  # finished: only the outbox entry was left
        return False  # or given back since: the next delivery tries it
    since = datetime.fromisoformat(taken.rsplit(" ", 1)[-1])
    if now - since <= STUCK_AFTER or not store.take_over(firing, taken, claim):
        return False
    log.warning(
        "alert %s: %s stopped while posting it; it may have been posted, posting it again",
        firing, taken,
    )  # fmt: skip
    POSTS.labels("alert", "again").inc()
    return True
