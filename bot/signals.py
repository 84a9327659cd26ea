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
    SIGHUP: the kernel gives a process's signal to any thread that does not block it, and
    Python acts on it only when the main thread runs. A console waiting in readline (a select
    with no timeout) would then see a Ctrl-C only at the next key."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
