"""Real processes for end-to-end tests: `python -m bot` in HTTP mode and `python -m jobs once`,
sharing the tests' Redis, a CSV market and the Slack stand-in, each with its clock fixed by
SMALLCAPS_NOW."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import redis

from bot.store.keys import Keys
from tests.slack.conftest import BOT_TOKEN, SECRET, Bot
from tests.slack.standin import SlackStandIn
from tests.slack.validation import text_of

CLOCK_LINE = re.compile(
    r"evaluated (\d+) feeds, posted (\d+) alerts.*, posted (\d+) daily summaries"
)


@dataclass(frozen=True)
class ClockRun:
    """What one `python -m jobs once` said it did."""

    feeds: int
    posted: int
    summaries: int
    output: str


@dataclass
class Desk:
    """A CSV market, the Slack stand-in, and the bot and clock processes started on them."""

    market: Path
    stand_in: SlackStandIn
    redis_url: str
    keys: Keys
    logs: Path
    bots: list[subprocess.Popen[bytes]] = field(default_factory=list)
    clocks: list[subprocess.Popen[str]] = field(default_factory=list)
    running_clocks: list[subprocess.Popen[bytes]] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)
    """More environment for every process started from now on."""

    def env(self, now: str | None) -> dict[str, str]:
        """The processes' environment; `now` fixes their time (None: real or offset time)."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("SLACK_", "SMALLCAPS_", "REDIS_", "PORT"))
        }
        env.update(
            SMALLCAPS_DATA=f"csv:{self.market}",
            SMALLCAPS_HOME=str(self.logs / "home"),  # unused: REDIS_URL is set
            SMALLCAPS_KEY_PREFIX=self.keys.prefix,
            REDIS_URL=self.redis_url,
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=self.stand_in.api_url,
            **self.extra,
        )
        if now is not None:
            env["SMALLCAPS_NOW"] = now
        return env

    def start_bot(self, now: str | None) -> Bot:
        """`python -m bot` in HTTP mode, serving once its health check answers."""
        port = free_port()
        log = self.logs / f"bot-{len(self.bots)}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot"],
                env={**self.env(now), "PORT": str(port)},
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        self.bots.append(process)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"python -m bot exited:\n{log.read_text()}"
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1).close()
                return Bot(url, self.stand_in)
            except OSError:
                assert time.monotonic() < deadline, "python -m bot did not start serving"
                time.sleep(0.1)

    def stop_bots(self) -> None:
        for process in self.bots:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)

    def start_clock(self) -> subprocess.Popen[bytes]:
        """`python -m jobs`, the clock process, running until stopped; its log in `logs`."""
        log = self.logs / f"clock-{len(self.running_clocks)}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "jobs"],
                env=self.env(None),
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        self.running_clocks.append(process)
        return process

    def stop_all(self) -> None:
        """After a test: the bots stopped, and no clock left behind by a failed assertion."""
        self.stop_bots()
        for running in self.running_clocks:
            if running.poll() is None:
                running.terminate()
                try:
                    running.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    running.kill()
                    running.wait(timeout=30)
        for clock in self.clocks:
            if clock.poll() is None:
                clock.kill()
            clock.communicate(timeout=30)

    def clock(self, now: str) -> subprocess.Popen[str]:
        """`python -m jobs once`, started; `finish` waits for it."""
        process = subprocess.Popen(
            [sys.executable, "-m", "jobs", "once"],
            env=self.env(now),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.clocks.append(process)
        return process

    def run_clock(self, now: str) -> ClockRun:
        return finish(self.clock(now))

    def append_session(self, session: str, rut: float, spx: float = 6900.0) -> None:
        """The next session's closes, as a data refresh would add them."""
        for symbol, value in (("^RUT", rut), ("^GSPC", spx)):
            with (self.market / f"{symbol}.csv").open("a") as handle:
                handle.write(f"{session},{value}\n")


def finish(process: subprocess.Popen[str]) -> ClockRun:
    out, err = process.communicate(timeout=120)
    output = f"stdout:\n{out}\nstderr:\n{err}"
    assert process.returncode == 0, output
    found = CLOCK_LINE.search(out)
    assert found, output
    return ClockRun(int(found[1]), int(found[2]), int(found[3]), output)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def redis_url_of(client: redis.Redis) -> str:
    """A URL other processes can reach the tests' Redis at: TEST_REDIS_URL or the embedded
    server's socket."""
    if os.environ.get("TEST_REDIS_URL"):
        return os.environ["TEST_REDIS_URL"]
    return f"unix://{client.connection_pool.connection_kwargs['path']}"


def ephemeral_text(bot: Bot, response: str) -> str:
    (reply,) = bot.stand_in.wait_for(f"response/{response}", timeout=30)
    assert reply.body["response_type"] == "ephemeral", reply.body
    return text_of(reply.body["blocks"])
