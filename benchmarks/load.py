"""A load run: 200 signed `/smallcaps` commands sent at the same instant to the `web` processes.

Every command must be acknowledged within Slack's 3 seconds, and answered. The bot runs as it
is deployed: two `python -m bot` (HTTP) processes and one `python -m jobs` clock on one Redis,
against the Slack stand-in. Prints requests/s, ack p50/p99/max, errors, how long the answers
took, and the memory (RSS) of each process.

    python -m benchmarks.load [--requests 200]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import psutil

from benchmarks.http import bot_environment, free_port, signed_command, start
from tests.slack.standin import SlackStandIn

SECRET = "benchmark-secret"
REQUESTS = 200
ACK_LIMIT = 3.0
"""Slack's limit for the acknowledgement, in seconds."""
COMMANDS = ("streak", "returns ytd", "levels", "sizes", "sectors", "status", "help", "macro")


@dataclass(frozen=True)
class LoadFigures:
    requests: int
    seconds: float
    acks: list[float]
    """Seconds from sending to the full HTTP response, per acknowledged request."""
    errors: list[str]
    answered: int
    answers_seconds: float
    """From the first send until the last answer reached its response_url."""

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def quantile(self, q: float) -> float:
        ordered = sorted(self.acks)
        return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else float("nan")

    def line(self) -> str:
        p50 = statistics.median(self.acks) * 1000 if self.acks else float("nan")
        p99 = self.quantile(0.99) * 1000
        slowest = max(self.acks, default=0.0) * 1000
        return (
            f"{self.requests} commands at once: {self.rate:6.1f} req/s, ack p50 {p50:6.1f} ms,"
            f" p99 {p99:6.1f} ms, max {slowest:6.1f} ms, errors {len(self.errors)};"
            f" answered {self.answered}/{self.requests} in {self.answers_seconds:5.1f} s"
        )


def fire(
    urls: list[str],
    stand_in: SlackStandIn,
    count: int = REQUESTS,
    secret: str = SECRET,
    tag: str = "load",
    answer_timeout: float = 120.0,
) -> LoadFigures:
    """`count` commands, spread over `urls`, released together; waits for every answer."""
    names = [f"{tag}-{n}" for n in range(count)]
    requests = [
        signed_command(
            urls[n % len(urls)], COMMANDS[n % len(COMMANDS)], stand_in.response_url(name), secret
        )
        for n, name in enumerate(names)
    ]
    gate = threading.Barrier(count + 1)

    def send(request: urllib.request.Request) -> float | str:
        gate.wait()
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
                if response.status != 200:
                    return f"HTTP {response.status}"
        except (urllib.error.URLError, OSError) as error:
            return f"{type(error).__name__}: {error}"
        return time.perf_counter() - started

    with ThreadPoolExecutor(count) as pool:
        futures = [pool.submit(send, request) for request in requests]
        gate.wait()
        started = time.perf_counter()
        results = [f.result() for f in futures]
    seconds = time.perf_counter() - started
    deadline = time.monotonic() + answer_timeout
    pending = set(names)
    while pending and time.monotonic() < deadline:
        pending = {n for n in pending if not stand_in.calls_to(f"response/{n}")}
        time.sleep(0.05)
    return LoadFigures(
        count,
        seconds,
        [r for r in results if isinstance(r, float)],
        [r for r in results if isinstance(r, str)],
        count - len(pending),
        time.perf_counter() - started,
    )


def rss_mb(process: subprocess.Popen[bytes]) -> float:
    """Resident memory of a process, in MB."""
    rss: int = psutil.Process(process.pid).memory_info().rss
    return rss / 2**20


def main(count: int = REQUESTS) -> LoadFigures:
    stand_in = SlackStandIn().start()
    processes: dict[str, subprocess.Popen[bytes]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        env = bot_environment(Path(scratch), stand_in, SECRET)
        try:
            ports = [free_port(), free_port()]
            for n, port in enumerate(ports):
                processes[f"web {n + 1}"] = start(
                    [sys.executable, "-m", "bot"], {**env, "PORT": str(port)}, port
                )
            processes["clock"] = subprocess.Popen(
                [sys.executable, "-m", "jobs"], env=env, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
            urls = [f"http://127.0.0.1:{port}" for port in ports]
            fire(urls, stand_in, len(COMMANDS) * 2, tag="warm")  # caches filled, threads up
            figures = fire(urls, stand_in, count)
            memory = {name: rss_mb(p) for name, p in processes.items()}
        finally:
            # The first web process started the embedded Redis and stops it as it exits, once
            # the others have gone.
            for process in reversed(processes.values()):
                process.terminate()
                process.wait(timeout=30)
            stand_in.stop()
    print(
        f"load: {count} signed commands ({', '.join(COMMANDS)}) released at once over 2 web "
        "processes (waitress, loopback), a clock process, one Redis, the Slack stand-in"
    )
    print("  " + figures.line())
    slow = [a for a in figures.acks if a > ACK_LIMIT]
    verdict = "ok" if not slow and not figures.errors else "OVER TARGET"
    print(f"  acked within {ACK_LIMIT:.0f} s: {len(figures.acks) - len(slow)}/{count}   {verdict}")
    print("  memory (RSS): " + ", ".join(f"{n} {mb:.0f} MB" for n, mb in memory.items()))
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load")
    parser.add_argument("--requests", type=int, default=REQUESTS)
    main(parser.parse_args().requests)
