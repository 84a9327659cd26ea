"""Daily summary fan-out: 10,000 subscriptions due at the same minute, posted to the Slack
stand-in through the real Web API client, which answers 429 (Retry-After 1) to every 50th call.

The channels belong to 100 workspaces, 10 of which watch their own levels: 11 distinct
summaries. Each post is a message and the chart in its thread (a message, then the three calls
of files_upload_v2). Printed: total time, posts/s, render time per summary, peak memory, and the
checks: each distinct summary rendered once, every channel posted once, none twice.

`python -m benchmarks.summaries [--channels N] [--workers N]` (default 10,000 and 8).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import FixedClock
from bot.config import Settings
from bot.services import Services
from bot.slack.app import web_client
from bot.slack.clients import OneClient
from bot.slack.summaries import SlackSummaryPoster
from bot.store.server import embedded
from bot.summaries.schedule import DailyTime, next_due
from bot.summaries.store import Subscription, dump_subscription
from tests.slack.standin import SlackStandIn
from tests.summaries.conftest import write_summary_market

DUE = datetime(2026, 11, 24, 21, 30, tzinfo=UTC)
"""16:30 New York, Tuesday 2026-11-24."""
WORKSPACES = 100
CUSTOM_LEVELS = 10
THROTTLE_EVERY = 50


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def subscribe(services: Services, channels: int) -> None:
    store = services.summary_store
    created = DUE - timedelta(days=1)
    with store.redis.pipeline(transaction=False) as pipe:
        for n in range(channels):
            workspace = f"T{n % WORKSPACES:03d}"
            sub = Subscription(f"C{n:06d}", workspace, DailyTime(), "U", created, DUE)
            pipe.set(services.keys.daily_subscription(sub.channel), dump_subscription(sub))
            pipe.zadd(services.keys.daily_due(), {sub.channel: DUE.timestamp()})
        pipe.execute()
    for n in range(CUSTOM_LEVELS):
        services.watched.set(f"T{n:03d}", 2500.0 + n, "Custom")


def _first_due(services: Services) -> datetime | None:
    first = services.summary_store.redis.zrange(services.keys.daily_due(), 0, 0, withscores=True)
    return datetime.fromtimestamp(first[0][1], UTC) if first else None


def main(channels: int = 10_000, workers: int = 8, refuse_native: bool = False) -> None:
    home = Path(tempfile.mkdtemp(prefix="smallcaps-bench-"))
    market = home / "market"
    market.mkdir()
    write_summary_market(market, first="2025-06-02", last="2026-11-30")
    stand_in = SlackStandIn(keep_uploads=False).start()
    stand_in.throttle_every(THROTTLE_EVERY, retry_after=1)
    if refuse_native:  # a Slack without the chart block: each summary posted twice, PNG after
        stand_in.refuse_blocks("data_visualization")
    client = embedded(home / "redis")
    try:
        settings = Settings(
            data=f"csv:{market}",
            key_prefix="bench:",
            slack_bot_token="xoxb-bench",
            slack_api_url=stand_in.api_url,
            fanout_workers=workers,
        )
        clock = FixedClock(DUE)
        services = Services(settings, clock=clock, redis_client=client)
        subscribe(services, channels)
        dispatcher = services.dispatcher(SlackSummaryPoster(OneClient(web_client(settings))))
        rss_before = _peak_rss_mb()

        started = time.perf_counter()
        first = dispatcher.run(DUE)
        first_seconds = time.perf_counter() - started
        # Posts that failed for a passing reason (429s past slack-sdk's retries, a dropped
        # connection) come back at their backoff time: run the dispatcher then, as the clock would.
        runs, tomorrow = 1, next_due(DailyTime(), DUE)
        while (retry := _first_due(services)) is not None and retry < tomorrow:
            dispatcher.run(retry)
            runs += 1
        total_seconds = time.perf_counter() - started

        ok = [
            c
            for c in stand_in.calls
            if c.status == 200 and not (isinstance(c.body, dict) and c.body.get("ok") is False)
        ]
        posted = [c for c in ok if c.method == "chat.postMessage"]
        posts = Counter(c.body["channel"] for c in posted)
        native = {c.body["channel"] for c in posted if "data_visualization" in str(c.body)}
        pngs = Counter(
            c.body["channel_id"] for c in ok if c.method == "files.completeUploadExternal"
        )
        charts = Counter({**{channel: 1 for channel in native}, **pngs})
        throttled = sum(c.status == 429 for c in stand_in.calls)
        expected = {f"C{n:06d}" for n in range(channels)}
        rescheduled = services.summary_store.subscription("C000000")

        print(
            f"Daily summaries: {channels:,} channels in {WORKSPACES} workspaces due at "
            f"{DUE:%Y-%m-%d %H:%M} UTC, {workers} workers, 429 on every {THROTTLE_EVERY}th call"
        )
        print(f"  first dispatch:  {first_seconds:8.1f} s  ({first.counts['posted']:,} posted)")
        print(f"  until all sent:  {total_seconds:8.1f} s  ({runs} dispatches)")
        print(f"  posts/s:         {channels / total_seconds:8.1f}")
        print(
            f"  Web API calls:   {len(stand_in.calls):8,}  ({throttled:,} answered 429; "
            f"charts: {len(native):,} native, {sum(pngs.values()):,} as PNG in the thread)"
        )
        renders = first.rendered
        per_summary = first.render_seconds / max(renders, 1) * 1000
        print(f"  rendered:        {renders:8}  summaries, {per_summary:.0f} ms each")
        print(f"  peak memory:     {_peak_rss_mb():8.0f} MB RSS ({rss_before:.0f} MB before)")
        lost = expected - set(posts)
        doubled = [c for c, n in posts.items() if n > 1]
        print(
            f"  checks: {len(lost)} lost, {len(doubled)} posted twice, "
            f"{sum(charts.values()) - len(charts)} charts twice, "
            f"{len(expected - set(charts))} without a chart"
        )
        assert renders == CUSTOM_LEVELS + 1, renders
        assert not lost and not doubled, (len(lost), doubled[:5])
        assert rescheduled is not None and rescheduled.due == tomorrow
    finally:
        stand_in.stop()
        client.shutdown()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m benchmarks.summaries", description=__doc__)
    parser.add_argument("--channels", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument(
        "--refuse-native",
        action="store_true",
        help="the stand-in refuses native charts (invalid_blocks): the fallback's cost",
    )
    args = parser.parse_args()
    main(args.channels, args.workers, args.refuse_native)
