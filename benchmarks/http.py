"""HTTP mode: N signed `/smallcaps streak` requests against the real endpoint, warm cache, next to
the same N against a bare Bolt app that only acks. Target: p50 within 1.5x of the bare app.

Each server is its own process under waitress on loopback: the real `python -m bot` in HTTP
mode, and `benchmarks.bare_bolt`. The Web API and response_url are the test stand-in, in the
benchmark's process with the load; the bot also computes and posts every answer while it acks.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from tests.factories import write_streak_market
from tests.slack.standin import SlackStandIn

SECRET = "benchmark-secret"
REQUESTS = 400
CONCURRENCY = (2, 4)
"""Clients sending at once: as many as this machine's 2 cores, then twice that."""
TARGET_RATIO = 1.5


def signed_requests(url: str, stand_in: SlackStandIn, count: int) -> list[urllib.request.Request]:
    verifier = SignatureVerifier(SECRET)
    requests = []
    for n in range(count):
        body = urlencode(
            {
                "command": "/smallcaps",
                "text": "streak",
                "team_id": "T0BENCH",
                "channel_id": "C0BENCH",
                "user_id": "U0BENCH",
                "response_url": stand_in.response_url(f"bench-{n}"),
                "trigger_id": f"{time.time_ns()}.{n}",
            }
        ).encode()
        stamp = str(int(time.time()))
        signature = verifier.generate_signature(timestamp=stamp, body=body)
        requests.append(
            urllib.request.Request(
                url + "/slack/events",
                data=body,
                method="POST",
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-Slack-Request-Timestamp": stamp,
                    "X-Slack-Signature": signature,
                },
            )
        )
    return requests


def timed(request: urllib.request.Request) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
        assert response.status == 200, response.status
    return (time.perf_counter() - started) * 1000.0


def load(url: str, stand_in: SlackStandIn, count: int, clients: int) -> tuple[list[float], float]:
    requests = signed_requests(url, stand_in, count)
    timed(signed_requests(url, stand_in, 1)[0])  # warm up: the first answer fills the caches
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        latencies = list(pool.map(timed, requests))
    return latencies, count / (time.perf_counter() - started)


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


def summary(name: str, latencies: list[float], rate: float) -> tuple[float, str]:
    ordered = sorted(latencies)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return p50, f"  {name:<28} p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   {rate:7.1f} req/s"


def clean_environment() -> dict[str, str]:
    """This process's environment without the bot's settings, so a developer's never leak in."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "SMALLCAPS_", "REDIS_URL", "PORT"))
    }


def bot_environment(scratch: Path, stand_in: SlackStandIn, secret: str) -> dict[str, str]:
    """HTTP mode on a streak market written under `scratch`, against `stand_in`."""
    market = scratch / "market"
    market.mkdir()
    write_streak_market(market)
    return {
        **clean_environment(),
        "SMALLCAPS_DATA": f"csv:{market}",
        "SMALLCAPS_HOME": str(scratch / "home"),
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": secret,
        "SLACK_API_URL": stand_in.api_url,
    }


def main(count: int = REQUESTS) -> None:
    stand_in = SlackStandIn().start()
    clean = clean_environment()
    processes: list[subprocess.Popen[bytes]] = []
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        bot_port, bare_port = free_port(), free_port()
        bot_env = {**bot_environment(Path(scratch), stand_in, SECRET), "PORT": str(bot_port)}
        bare_command = [
            sys.executable,
            "-m",
            "benchmarks.bare_bolt",
            str(bare_port),
            SECRET,
            stand_in.api_url,
        ]
        try:
            processes.append(start([sys.executable, "-m", "bot"], bot_env, bot_port))
            processes.append(start(bare_command, clean, bare_port))
            for clients in CONCURRENCY:
                bare = load(f"http://127.0.0.1:{bare_port}", stand_in, count, clients)
                full = load(f"http://127.0.0.1:{bot_port}", stand_in, count, clients)
                results.append((clients, bare, full))
            stand_in.wait_for("response/bench-0", count=len(CONCURRENCY), timeout=60)
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=30)
            stand_in.stop()
    print(
        f"http: {count} signed /smallcaps streak requests per run, warm cache, "
        "each server its own process under waitress on loopback"
    )
    for clients, (bare_latencies, bare_rate), (full_latencies, full_rate) in results:
        print(f" {clients} concurrent clients:")
        bare_p50, bare_line = summary("bare Bolt app (ack only)", bare_latencies, bare_rate)
        full_p50, full_line = summary("smallcaps (ack, then answer)", full_latencies, full_rate)
        print(bare_line)
        print(full_line)
        ratio = full_p50 / bare_p50
        verdict = "ok" if ratio <= TARGET_RATIO else "OVER TARGET"
        print(f"  p50 ratio {ratio:.2f}x (target <= {TARGET_RATIO}x)   {verdict}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else REQUESTS)
