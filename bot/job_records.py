"""What the clock's jobs did: runs, failures, the last success and the last error of each.

Kept in Redis (`jobs:<JOB>`), so `status` in any process shows the active clock's record, and a
clock that takes over goes on counting where the last one stopped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import redis

from bot.status import JobStatus
from bot.store.keys import Keys

JOBS = ("heartbeat", "watch-market", "post-alerts", "dispatch-summaries", "record-funds")
"""The clock's fixed jobs, as `status` lists them."""


def _text(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw


class JobRecords:
    def __init__(self, redis_client: Callable[[], redis.Redis], keys: Keys) -> None:
        self._redis = redis_client
        self.keys = keys

    def succeeded(self, job: str, at: datetime) -> None:
        pipe = self._redis().pipeline(transaction=True)
        pipe.hincrby(self.keys.job(job), "runs", 1)
        pipe.hset(self.keys.job(job), "last_success", at.isoformat())
        pipe.execute()

    def failed(self, job: str, at: datetime, error: str, count: int = 1) -> None:
        """`count` failed runs, the last at `at` with `error`."""
        pipe = self._redis().pipeline(transaction=True)
        pipe.hincrby(self.keys.job(job), "runs", count)
        pipe.hincrby(self.keys.job(job), "failures", count)
        pipe.hset(
            self.keys.job(job), mapping={"last_error_at": at.isoformat(), "last_error": error}
        )
        pipe.execute()

    def all(self) -> list[JobStatus]:
        pipe = self._redis().pipeline(transaction=False)
        for job in JOBS:
            pipe.hgetall(self.keys.job(job))
        return [_status(job, raw) for job, raw in zip(JOBS, pipe.execute(), strict=True)]


def _status(job: str, raw: dict[bytes | str, bytes | str]) -> JobStatus:
    fields = {_text(k): _text(v) for k, v in raw.items()}

    def moment(name: str) -> datetime | None:
        return datetime.fromisoformat(fields[name]) if name in fields else None

    return JobStatus(
        job,
        int(fields.get("runs", 0)),
        int(fields.get("failures", 0)),
        moment("last_success"),
        moment("last_error_at"),
        fields.get("last_error", ""),
    )
