"""HTTP mode under load: signed `/smallcaps streak` requests into the real endpoint, warm caches.

Each server is its own process under waitress on loopback: the real `python -m bot` in HTTP
mode, and `benchmarks.bare_bolt`, a Bolt app that only acks. The Web API and `response_url` are
the test stand-in, in this process with the load. Two measures:

- **closed loop**, as before: N clients each send their next request when the last was acked;
  the ack p50 is compared with the bare app's (target: within 1.5x). The bot also computes and
  posts every answer while it acks, on the same two cores, so this ratio measures how much the
  answers slow the acks when the machine is saturated.
- **open loop**: requests sent at a fixed rate whatever the server does (as Slack sends them),
  each timed from its scheduled moment, so queueing is counted: the ack (what Slack waits for,
  3 s at most) and the answer (the `response_url` post reaching the stand-in) separately. At
  `TARGET_RATE` a second, one web process should ack within `ACK_P99_TARGET_MS` and answer
  within `ANSWER_P99_TARGET_MS` (p99).

Every request asks the same question, so after the first one the bot serves the answer it
shares across workspaces (`bot/shared_answers.py`); `benchmarks.shared_answers` measures what
computing costs.

`python -m benchmarks.http [--requests N] [--seconds S]`
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from tests.factories import write_streak_market
from tests.slack.standin import SlackStandIn

SECRET = "benchmark-secret"
REQUESTS = 400
CONCURRENCY = (2, 4)
"""Closed loop: clients sending back to back, as many as this machine's 2 cores, then twice."""
RATES = (25, 50, 100, 200)
"""Open loop: requests a second."""
TARGET_RATE = 200
ACK_P99_TARGET_MS = 100.0
ANSWER_P99_TARGET_MS = 250.0
SECONDS = 8
TARGET_RATIO = 1.5
ACK_LIMIT_MS = 3000.0
"""Slack shows the user an error when an ack takes longer."""

_names = count()


@dataclass(frozen=True)
class Sent:
    name: str
    """The `response_url` name the answer comes back on."""
    started: float
    """When it was sent, or was scheduled to be (open loop), by `time.monotonic()`."""
    ack_ms: float


def signed_command(url: str, text: str, response_url: str, secret: str) -> urllib.request.Request:
    body = urlencode(
        {
            "command": "/smallcaps",
            "text": text,
            "team_id": "T0BENCH",
            "channel_id": "C0BENCH",
            "user_id": "U0BENCH",
            "response_url": response_url,
            "trigger_id": f"{time.time_ns()}.{os.getpid()}.{id(text)}.{response_url[-12:]}",
        }
    ).encode()
    stamp = str(int(time.time()))
    return urllib.request.Request(
        url + "/slack/events",
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": SignatureVerifier(secret).generate_signature(
                timestamp=stamp, body=body
            ),
        },
    )


def send(url: str, stand_in: SlackStandIn, started: float | None = None) -> Sent:
    """One request; its ack timed from `started` (default: now)."""
    name = f"bench-{next(_names)}"
    request = signed_command(url, "streak", stand_in.response_url(name), SECRET)
    begin = time.monotonic() if started is None else started
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
        assert response.status == 200, response.status
    return Sent(name, begin, (time.monotonic() - begin) * 1000.0)


def warm(url: str, stand_in: SlackStandIn, answers: bool) -> None:
    """A few requests, and (for the bot) their answers, before anything is timed: the first
    answers fill every cache."""
    sent = [send(url, stand_in) for _ in range(8)]
    if answers:
        for s in sent:
            stand_in.wait_for(f"response/{s.name}", timeout=60)


def closed_loop(
    url: str, stand_in: SlackStandIn, total: int, clients: int
) -> tuple[list[Sent], float]:
    started = time.monotonic()
    with ThreadPoolExecutor(clients) as pool:
        sent = list(pool.map(lambda _: send(url, stand_in), range(total)))
    return sent, total / (time.monotonic() - started)


def open_loop(url: str, stand_in: SlackStandIn, rate: int, seconds: int) -> list[Sent]:
    """`rate` requests a second for `seconds`, each sent at its moment by a free thread."""
    total = rate * seconds
    begin = time.monotonic() + 0.2
    moments = [begin + n / rate for n in range(total)]
    sent: list[Sent] = []
    lock = threading.Lock()

    def at(moment: float) -> None:
        time.sleep(max(0.0, moment - time.monotonic()))
        result = send(url, stand_in, started=moment)
        with lock:
            sent.append(result)

    with ThreadPoolExecutor(max(16, rate // 2)) as pool:
        list(pool.map(at, moments))
    return sent


def answer_ms(stand_in: SlackStandIn, sent: Sequence[Sent], timeout: float = 120) -> list[float]:
    """From each request's start to its answer's arrival at the stand-in."""
    latencies = []
    for s in sent:
        (call,) = stand_in.wait_for(f"response/{s.name}", timeout=timeout)
        latencies.append((call.at - s.started) * 1000.0)
    return latencies


def figures(values: Sequence[float]) -> tuple[float, float, float]:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered), p99, ordered[-1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start(command: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """Starts a server process and waits until it answers HTTP on `port`."""
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}/healthz"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{command}: exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return process
        except urllib.error.HTTPError:
            return process  # it answers; the bare app has no /healthz
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{command}: not listening on {port} after 60 s")


def clean_environment() -> dict[str, str]:
    """This process's environment without the bot's settings, so a developer's never leak in."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "SMALLCAPS_", "REDIS_URL", "PORT"))
    }


def bot_environment(scratch: Path, stand_in: SlackStandIn, secret: str) -> dict[str, str]:
    """HTTP mode on a streak market written under `scratch`, against `stand_in`, its clock on
    the evening of the market's last session (answers about that session, whatever the day)."""
    market = scratch / "market"
    market.mkdir()
    facts = write_streak_market(market)
    return {
        **clean_environment(),
        "SMALLCAPS_DATA": f"csv:{market}",
        "SMALLCAPS_HOME": str(scratch / "home"),
        "SMALLCAPS_NOW": facts.evening,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": secret,
        "SLACK_API_URL": stand_in.api_url,
    }


def main(total: int = REQUESTS, seconds: int = SECONDS) -> None:
    stand_in = SlackStandIn().start()
    processes: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory() as scratch:
        bot_port, bare_port = free_port(), free_port()
        bot_env = {**bot_environment(Path(scratch), stand_in, SECRET), "PORT": str(bot_port)}
        bare = f"http://127.0.0.1:{bare_port}"
        bot = f"http://127.0.0.1:{bot_port}"
        try:
            processes.append(start([sys.executable, "-m", "bot"], bot_env, bot_port))
            processes.append(
                start(
                    [
                        sys.executable,
                        "-m",
                        "benchmarks.bare_bolt",
                        str(bare_port),
                        SECRET,
                        stand_in.api_url,
                    ],
                    clean_environment(),
                    bare_port,
                )
            )
            warm(bare, stand_in, answers=False)
            warm(bot, stand_in, answers=True)
            print(
                "http: signed /smallcaps streak requests, warm caches, each server its own "
                "process under waitress on loopback, the load and the stand-in in a third"
            )
            print(
                f" closed loop, {total} requests, clients send back to back (ack target: "
                f"p50 within {TARGET_RATIO}x of the bare app):"
            )
            print(
                "  clients   bare ack p50/p99   smallcaps ack p50/p99   ratio   "
                "answer p50/p99     req/s bare, smallcaps"
            )
            for clients in CONCURRENCY:
                bare_sent, bare_rate = closed_loop(bare, stand_in, total, clients)
                bot_sent, bot_rate = closed_loop(bot, stand_in, total, clients)
                b50, b99, _ = figures([s.ack_ms for s in bare_sent])
                s50, s99, _ = figures([s.ack_ms for s in bot_sent])
                a50, a99, _ = figures(answer_ms(stand_in, bot_sent))
                verdict = "ok" if s50 / b50 <= TARGET_RATIO else "OVER"
                print(
                    f"  {clients:>7}   {b50:6.1f} / {b99:6.1f} ms   {s50:6.1f} / {s99:6.1f} ms"
                    f"       {s50 / b50:4.2f}x {verdict:<4} {a50:6.1f} / {a99:6.1f} ms"
                    f"   {bare_rate:5.0f}, {bot_rate:5.0f}"
                )
            print(
                f" open loop, {seconds} s at each rate, timed from each request's scheduled "
                f"moment (ack limit {ACK_LIMIT_MS:.0f} ms):"
            )
            print(
                "  req/s   bare ack p50/p99   smallcaps ack p50/p99/max       answer p50/p99/max"
                f"   (target at {TARGET_RATE}/s: ack p99 < {ACK_P99_TARGET_MS:.0f} ms, answer "
                f"p99 < {ANSWER_P99_TARGET_MS:.0f} ms)"
            )
            for rate in RATES:
                bare_sent = open_loop(bare, stand_in, rate, seconds)
                bot_sent = open_loop(bot, stand_in, rate, seconds)
                b50, b99, _ = figures([s.ack_ms for s in bare_sent])
                s50, s99, smax = figures([s.ack_ms for s in bot_sent])
                a50, a99, amax = figures(answer_ms(stand_in, bot_sent))
                met = s99 < ACK_P99_TARGET_MS and a99 < ANSWER_P99_TARGET_MS
                verdict = ("  ok" if met else "  OVER") if rate == TARGET_RATE else ""
                print(
                    f"  {rate:>5}   {b50:6.1f} / {b99:6.1f} ms   {s50:6.1f} / {s99:6.1f} / "
                    f"{smax:6.1f} ms   {a50:6.1f} / {a99:6.1f} / {amax:6.1f} ms{verdict}"
                )
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=30)
            stand_in.stop()


if __name__ == "__main__":
    arguments = argparse.ArgumentParser(prog="python -m benchmarks.http")
    arguments.add_argument("--requests", type=int, default=REQUESTS)
    arguments.add_argument("--seconds", type=int, default=SECONDS)
    options = arguments.parse_args()
    main(options.requests, options.seconds)
