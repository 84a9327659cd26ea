"""Which thread takes Ctrl-C, SIGTERM and SIGHUP: the main one only. Imports nothing heavy, so
`python -m bot` can use it before loading the libraries that start threads of their own."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

STOPS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@contextmanager
def signals_stay_with_the_main_thread() -> Iterator[None]:
    """Threads started in here, and the threads they start, never take Ctrl-C, SIGTERM or
    SIGHUP: the kernel may give a process's signal to any thread that does not block it (Linux
    prefers the main thread, but not when that one has a signal pending), and Python acts on
    it only in the main thread; a console waiting in readline would see it late."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
