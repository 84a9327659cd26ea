"""Posting what fired, exactly once: claim the firing in Redis, then post it.

The claim (`SET NX`) is taken before the post, so two clocks, a retry or a restart can never
post one firing twice. slack-sdk's retry handlers retry the post itself on 429 and lost
connections. A post that still fails for a passing reason gives its claim back, to be tried
at the next delivery; one that fails for good (the bot left the channel) is logged and dropped.
A claim left by a process that stopped mid-post is dropped after `STUCK_AFTER` with a warning:
it may have been posted, and posting it again could double it.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timedelta
from typing import Protocol

from bot.alerts.reports import AlertMessage
from bot.alerts.store import AlertStore, load_message
from bot.metrics import POSTS

log = logging.getLogger(__name__)

STUCK_AFTER = timedelta(minutes=10)


class PostFailed(Exception):
    def __init__(self, reason: str, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class Poster(Protocol):
    def post(self, message: AlertMessage) -> None:
        """Posts one alert; PostFailed when it could not."""
        ...


def process_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def deliver(store: AlertStore, poster: Poster, now: datetime) -> int:
    """Posts every waiting firing this process can claim; returns how many it posted."""
    posted = 0
    for firing, raw in sorted(store.outbox().items()):
        if not store.claim(firing, f"posting {process_name()} {now.isoformat()}"):
            _settle_claimed(store, firing, now)
            continue
        message = load_message(raw)
        try:
            poster.post(message)
        except PostFailed as error:
            if error.permanent:
                log.warning("alert %s to %s dropped: %s", firing, message.channel, error.reason)
                store.mark_sent(firing, f"failed {error.reason}")
                POSTS.labels("alert", "dropped").inc()
            else:
                log.warning("alert %s to %s will be retried: %s", firing, message.channel, error)
                store.release(firing)
                POSTS.labels("alert", "retry").inc()
            continue
        store.mark_sent(firing, f"sent {now.isoformat()}")
        POSTS.labels("alert", "posted").inc()
        posted += 1
    return posted


def _settle_claimed(store: AlertStore, firing: str, now: datetime) -> None:
    """A firing someone else claimed: done if they finished; dropped if they died posting."""
    claim = store.claimed_by(firing)
    if claim is None:
        return  # given back since: the next delivery tries it
    if not claim.startswith("posting "):
        store.mark_sent(firing, claim)
        return
    since = datetime.fromisoformat(claim.rsplit(" ", 1)[-1])
    if now - since > STUCK_AFTER:
        log.warning("alert %s: %s stopped while posting it; not posting it again", firing, claim)
        store.mark_sent(firing, f"abandoned {claim}")
