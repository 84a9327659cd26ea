"""Posts given up for good (an alert or a daily summary that will never be posted): each is
logged, counted in `smallcaps_posts_failed` and recorded per workspace in Redis, where `status`
reads them (an operator all, a workspace its own)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime

import redis

from bot.metrics import POSTS_FAILED
from bot.status import FailedPost, FailedPostsStatus
from bot.store.keys import Keys

log = logging.getLogger(__name__)

KEEP = 50
"""Failed posts kept a workspace, newest first."""
SHOWN = 10


def _text(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw


class FailedPosts:
    def __init__(self, redis_client: Callable[[], redis.Redis], keys: Keys) -> None:
        self._redis = redis_client
        self.keys = keys

    def record(self, post: FailedPost) -> None:
        log.error(
            "%s to %s (workspace %s) given up for good: %s",
            post.kind, post.channel, post.workspace, post.reason,
        )  # fmt: skip
        POSTS_FAILED.labels(post.kind).inc()
        entry = {"kind": post.kind, "channel": post.channel, "at": post.at.isoformat()}
        pipe = self._redis().pipeline(transaction=True)
        pipe.lpush(
            self.keys.failed_posts(post.workspace), json.dumps(entry | {"reason": post.reason})
        )
        pipe.ltrim(self.keys.failed_posts(post.workspace), 0, KEEP - 1)
        pipe.hincrby(self.keys.failed_counts(), post.workspace, 1)
        pipe.execute()

    def status(self) -> FailedPostsStatus:
        """Every workspace's count, and the newest failed posts of those that have any."""
        r = self._redis()
        counts = {_text(w): int(n) for w, n in r.hgetall(self.keys.failed_counts()).items()}
        pipe = r.pipeline(transaction=False)
        for workspace in sorted(counts):
            pipe.lrange(self.keys.failed_posts(workspace), 0, SHOWN - 1)
        pipe.hlen(self.keys.unreadable_installations())
        *lists, unreadable = pipe.execute()
        recent = [
            _post(workspace, raw)
            for workspace, raws in zip(sorted(counts), lists, strict=True)
            for raw in raws
        ]
        recent.sort(key=lambda post: post.at, reverse=True)
        return FailedPostsStatus(counts, recent[:SHOWN], int(unreadable))

    def of(self, workspace: str) -> FailedPostsStatus:
        """One workspace's own failed posts: its count and its newest."""
        pipe = self._redis().pipeline(transaction=False)
        pipe.hget(self.keys.failed_counts(), workspace)
        pipe.lrange(self.keys.failed_posts(workspace), 0, SHOWN - 1)
        count, raws = pipe.execute()
        counts = {workspace: int(count)} if count else {}
        return FailedPostsStatus(counts, [_post(workspace, raw) for raw in raws])


def _post(workspace: str, raw: bytes | str) -> FailedPost:
    entry = json.loads(raw)
    return FailedPost(
        entry["kind"],
        workspace,
        entry["channel"],
        datetime.fromisoformat(entry["at"]),
        entry["reason"],
    )
