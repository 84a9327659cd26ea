"""Fair fan-out over many workspaces: 1,000 workspaces of 10 channels each, installed in
many-workspace mode (each its own token, read from the encrypted installations), one of them
answering 429 to every call. The daily summaries of the other 9,990 channels go out at the pace
of the healthy ones: a throttled workspace holds only its own lanes of the workers.

Printed: when each workspace's last summary was posted (p50, p90, max over the healthy ones,
the slowest five, and the throttled one), posts/s, Web API calls and 429s, and the checks.
`--lanes N` sets the lanes a workspace may use at once (default 2, the bot's); `--before`
posts as the dispatcher did before lanes: each summary on its own, in the order claimed.

`python -m benchmarks.workspaces [--workspaces N] [--channels N] [--workers N] [--lanes N]
[--before]`
"""

from __future__ import annotations

import argparse
import logging
import shutil
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store import Installation

from benchmarks.summaries import DUE
from bot.clock import FixedClock
from bot.config import Settings
from bot.services import Services
from bot.slack.app import installation_store, workspace_clients
from bot.slack.summaries import SlackSummaryPoster
from bot.store.server import embedded
from bot.summaries.dispatch import PER_WORKSPACE, Dispatcher
from bot.summaries.schedule import DailyTime
from bot.summaries.store import Subscription, dump_subscription
from tests.slack.standin import SlackStandIn
from tests.summaries.conftest import write_summary_market


class Before(Dispatcher[object]):
    """The dispatcher as it posted before lanes: every summary its own task, in claim order."""

    def _post_fairly(self, posting, now, pool):  # type: ignore[no-untyped-def]
        futures = [(sub, pool.submit(self._deliver, sub, day, r, now)) for sub, day, r in posting]
        return [(sub, future.result()) for sub, future in futures]


def _team(n: int) -> str:
    return f"T{n:04d}"


def main(
    workspaces: int = 1000,
    channels: int = 10,
    workers: int = 8,
    lanes: int = PER_WORKSPACE,
    before: bool = False,
) -> None:
    logging.getLogger("bot.summaries").setLevel(logging.ERROR)  # each 429 retry, by the line
    home = Path(tempfile.mkdtemp(prefix="smallcaps-bench-"))
    market = home / "market"
    market.mkdir()
    write_summary_market(market, first="2025-06-02", last="2026-11-30")
    stand_in = SlackStandIn(keep_uploads=False).start()
    client = embedded(home / "redis")
    throttled = _team(0)  # first in line: its lanes start with everyone else's
    try:
        settings = Settings(
            data=f"csv:{market}",
            key_prefix="bench:",
            slack_signing_secret="bench",
            slack_client_id="1.2",
            slack_client_secret="bench",
            token_key=Fernet.generate_key().decode(),
            slack_api_url=stand_in.api_url,
            fanout_workers=workers,
        )
        services = Services(settings, clock=FixedClock(DUE), redis_client=client)
        store = installation_store(services)
        owner = {}
        with client.pipeline(transaction=False) as pipe:
            for w in range(workspaces):
                team = _team(w)
                token = f"xoxb-{team}"
                stand_in.add_token(token, team)
                store.save(Installation(user_id="U0", team_id=team, bot_token=token, bot_id="B"))
                for c in range(channels):
                    channel = f"C{w:04d}{c:03d}"
                    owner[channel] = team
                    sub = Subscription(
                        channel, team, DailyTime(), "U", DUE - timedelta(days=1), DUE
                    )
                    pipe.set(services.keys.daily_subscription(channel), dump_subscription(sub))
                    pipe.zadd(services.keys.daily_due(), {channel: DUE.timestamp()})
            pipe.execute()
        stand_in.throttle_workspace(throttled)
        dispatcher: Dispatcher[object] = (Before if before else Dispatcher)(
            services.summary_store,
            services.answerer.answer,
            services.watched,
            SlackSummaryPoster(workspace_clients(services)),
            timedelta(hours=3),
            workers,
            lanes=lanes,
        )
        started = time.monotonic()
        report = dispatcher.run(DUE)
        seconds = time.monotonic() - started

        posted = [
            c
            for c in stand_in.calls
            if c.method == "chat.postMessage" and c.status == 200 and c.body.get("ok", True)
        ]
        began = min(c.at for c in stand_in.calls if c.method == "chat.postMessage")
        """Times are from the first post (the summaries are composed before it)."""
        finished: dict[str, float] = {}
        per_channel = Counter(c.body["channel"] for c in posted)
        for call in posted:
            team = owner[call.body["channel"]]
            finished[team] = max(finished.get(team, 0.0), call.at - began)
        healthy = sorted(t for w, t in finished.items() if w != throttled)
        first_healthy = min(c.at - began for c in posted)
        attempts = [c for c in stand_in.calls if c.status == 429]
        last_429 = max((c.at - began for c in attempts), default=0.0)

        def pct(q: float) -> float:
            return healthy[min(len(healthy) - 1, int(q * len(healthy)))]

        total = workspaces * channels
        print(
            f"Fair fan-out: {workspaces:,} workspaces x {channels} channels ({total:,}), "
            f"{workers} workers, "
            + ("as before lanes" if before else f"{lanes} lanes a workspace")
            + f", {throttled} answering 429 to every call"
        )
        print(
            f"  dispatch:          {seconds:7.1f} s   {report.counts['posted']:,} posted, "
            f"{report.counts['retrying']} to retry"
        )
        print(
            f"  healthy posts/s:   {len(posted) / max(healthy[-1], 0.001):7.1f}  (until the last)"
        )
        print(f"  times from the first post:  first healthy post after {first_healthy:5.1f} s")
        print(
            f"  healthy workspaces done after  p50 {pct(0.5):6.1f} s  p90 {pct(0.9):6.1f} s  "
            f"max {healthy[-1]:6.1f} s"
        )
        slowest = sorted(((t, w) for w, t in finished.items() if w != throttled), reverse=True)
        print("  slowest healthy:   " + ", ".join(f"{w} {t:.1f} s" for t, w in slowest[:5]))
        print(
            f"  {throttled}:             {len(attempts)} calls answered 429 until "
            f"{last_429:.1f} s, 0 posted, its {channels} summaries retried at their backoff"
        )
        print(f"  Web API calls:     {len(stand_in.calls):,}")
        missing = [c for c, w in owner.items() if w != throttled and per_channel[c] != 1]
        print(f"  checks: {len(missing)} healthy channels not posted exactly once")
        assert not missing, missing[:5]
    finally:
        stand_in.stop()
        client.shutdown()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m benchmarks.workspaces", description=__doc__)
    parser.add_argument("--workspaces", type=int, default=1000)
    parser.add_argument("--channels", type=int, default=10)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--lanes", type=int, default=PER_WORKSPACE)
    parser.add_argument("--before", action="store_true", help="post as before lanes")
    args = parser.parse_args()
    main(args.workspaces, args.channels, args.workers, args.lanes, args.before)
