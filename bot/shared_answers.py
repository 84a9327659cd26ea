"""Answers that depend on market data alone, computed once per data version and served to every
workspace and process.

A command declares which of its queries are shared (`Command.shared`); the answerer computes
those without knowing who asks. Each answer is known by the SHA-256 of the code that computes it,
the market data's version (`MarketData.version`), the question as read (its query, not its text:
`streak` and `STREAK` share one) and its dates, those `now` decides included (today, the last
close). It is kept in Redis (`answers:<DIGEST>`, pickled) and in this process (the most recently
used), until its prices are due to be fetched again and at most `KEEP`. One computation per
answer at a time: this process's threads wait on one lock, other processes on a lock in Redis
(`lock:answers:<DIGEST>`), then read what it stored.

Redis is never needed to answer: while it is away, answers are computed here as before, and
for `AWAY` after each failure it is not asked at all (each command waits out the connection's
patience before it fails: one question a while pays it, not every one).
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

import redis
from cachetools import LRUCache
from redis.exceptions import LockError
from redis.lock import Lock

from bot.clock import Clock
from bot.metrics import SHARED_ANSWERS
from bot.reports import Answer
from bot.store.keys import Keys

log = logging.getLogger(__name__)

KEEP = timedelta(hours=1)
"""The longest an answer is kept, even on data that does not move (files, a closed market)."""
IN_MEMORY = 512
"""Answers this process keeps itself, the least recently used dropped first."""
WAIT_SECONDS = 30.0
"""How long a process waits for another one computing the same answer, before computing it
too: as long as a price refresh may take."""
COMPUTING_SECONDS = 60
"""The lock of an answer being computed expires after this, should its process die."""
AWAY = timedelta(seconds=30)
"""After Redis failed, answers are computed here, unshared, for this long."""

Computation = Callable[[], tuple[Answer, datetime | None]]
"""Computes an answer, and tells when it stops holding (its prices are due; None: never by
itself)."""


@dataclass(frozen=True)
class Kept:
    answer: Answer
    until: datetime


@dataclass
class _Flight:
    """The threads of this process after one answer: one computes or reads, the others wait."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    waiting: int = 0


def _digest(question: tuple[object, ...], version: str | None = None) -> str:
    """The SHA-256 of the code, the data version (for an answer; none for its lock) and the
    question."""
    return hashlib.sha256(repr((code_version(), version, question)).encode()).hexdigest()


@cache
def code_version() -> str:
    """The SHA-256 of the bot's source: a pickled answer is read only by the code that wrote it
    (processes of two releases share a Redis while one replaces the other)."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


class SharedAnswers:
    def __init__(
        self,
        redis_client: Callable[[], redis.Redis],
        keys: Keys,
        clock: Clock,
        version: Callable[[], str | None],
        in_memory: int = IN_MEMORY,
        wait_seconds: float = WAIT_SECONDS,
    ) -> None:
        """`version` names the market data as it is now (None: it cannot be told, and nothing
        is shared)."""
        self._redis = redis_client
        self.keys = keys
        self.clock = clock
        self.version = version
        self.wait_seconds = wait_seconds
        self._here: LRUCache[str, Kept] = LRUCache(in_memory)
        self._lock = threading.Lock()
        self._flights: dict[str, _Flight] = {}
        self._away_until: datetime | None = None

    def answer(self, question: tuple[object, ...], compute: Computation) -> Answer:
        """The answer to `question` (all that tells it apart but the data and the code), from
        this process, from Redis, or computed by `compute` when no process has it yet."""
        now = self.clock.now()
        if self._away_until is not None and now < self._away_until:
            return self._unshared(compute)
        version = self._version()
        if version is None:
            return self._unshared(compute)
        kept = self._kept_here(_digest(question, version), now)
        if kept is None:
            with self._flight(_digest(question)):
                return self._shared(question, version, now, compute)
        SHARED_ANSWERS.labels("here").inc()
        return kept.answer

    def _shared(
        self, question: tuple[object, ...], version: str, now: datetime, compute: Computation
    ) -> Answer:
        """The answer from this process, from Redis, or computed here under Redis's lock of the
        question (the others wait, then read what it stored) and stored there."""
        acquired = False
        try:
            digest = _digest(question, version)
            kept = self._kept_here(digest, now) or self._read(digest, now)
            if kept is None:
                lock = self._redis().lock(
                    self.keys.shared_answer_lock(_digest(question)),
                    timeout=COMPUTING_SECONDS,
                    blocking_timeout=self.wait_seconds,
                    sleep=0.005,
                )
                acquired = lock.acquire()
                if not acquired:
                    log.warning("waited %.0fs for an answer; computing it too", self.wait_seconds)
                # The process that held the lock may have refreshed prices: read the version
                # again, and what it stored on it.
                version = self._version() or version
                digest = _digest(question, version)
                kept = self._read(digest, now)
        except (redis.RedisError, OSError) as error:
            self._went_away(error)
            return self._unshared(compute)
        try:
            if kept is not None:
                SHARED_ANSWERS.labels("redis").inc()
            else:
                kept, stable = self._computed(version, now, compute)
                digest = _digest(question, stable) if stable else ""
                if stable:
                    kept = replace(kept, answer=replace(kept.answer, shared_as=digest))
                    self._write(digest, kept, now)
            if digest and kept.until > now:
                with self._lock:
                    self._here[digest] = kept
            return kept.answer
        finally:
            if acquired:
                self._release(lock)

    def _computed(self, version: str, now: datetime, compute: Computation) -> tuple[Kept, str]:
        """The answer computed, and the version it was computed on: when the data was written
        while it computed (most often a refresh it made itself), it is computed once more, on
        the data as written; "" when the data moved again (the answer is then not kept)."""
        for _ in range(2):
            SHARED_ANSWERS.labels("computed").inc()
            answer, due_at = compute()
            kept = Kept(answer, min(due_at or now + KEEP, now + KEEP))
            after = self._version()
            if after == version:
                return kept, version
            if after is None:
                break
            version = after
        return kept, ""

    def _version(self) -> str | None:
        try:
            return self.version()
        except (redis.RedisError, OSError) as error:
            self._went_away(error)
            return None

    def _went_away(self, error: Exception) -> None:
        log.warning("Redis unavailable (%s): answers computed here for %s", error, AWAY)
        self._away_until = self.clock.now() + AWAY

    @staticmethod
    def _unshared(compute: Computation) -> Answer:
        SHARED_ANSWERS.labels("unshared").inc()
        return compute()[0]

    def _kept_here(self, digest: str, now: datetime) -> Kept | None:
        with self._lock:
            kept = self._here.get(digest)
            if kept is not None and kept.until <= now:
                del self._here[digest]
                return None
            return kept

    def _read(self, digest: str, now: datetime) -> Kept | None:
        raw = self._redis().get(self.keys.shared_answer(digest))
        if raw is None:
            return None
        try:
            kept = pickle.loads(raw)  # type: ignore[arg-type]  # bytes: responses are not decoded
        except Exception as error:  # unreadable: computed again, and written over
            log.warning("shared answer %s unreadable (%s)", digest[:12], error)
            return None
        if not isinstance(kept, Kept) or kept.until <= now:
            return None
        return kept

    def _write(self, digest: str, kept: Kept, now: datetime) -> None:
        keep_for = kept.until - now
        if keep_for <= timedelta(0):
            return  # already due: the next question computes it again
        try:
            self._redis().set(
                self.keys.shared_answer(digest),
                pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL),
                px=max(1, int(keep_for.total_seconds() * 1000)),
            )
        except (redis.RedisError, OSError) as error:
            self._went_away(error)

    @staticmethod
    def _release(lock: Lock) -> None:
        try:
            lock.release()
        except LockError:
            log.warning("an answer's computation outlived its lock")
        except (redis.RedisError, OSError) as error:
            log.warning("Redis unavailable (%s): answer lock left to expire", error)

    @contextmanager
    def _flight(self, digest: str) -> Iterator[None]:
        """One thread of this process at a time after the answer `digest`."""
        with self._lock:
            flight = self._flights.setdefault(digest, _Flight())
            flight.waiting += 1
        try:
            with flight.lock:
                yield
        finally:
            with self._lock:
                flight.waiting -= 1
                if not flight.waiting:
                    del self._flights[digest]
