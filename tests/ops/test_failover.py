"""The failover drill: Redis with Sentinel loses its primary (SIGKILL) while alerts and daily
summaries are being posted, and nothing is posted twice or lost.

A primary, a replica and three sentinels (real redis-server processes, 1 s to call a primary
down); two `python -m bot` (HTTP) and two `python -m jobs` on REDIS_SENTINELS; the Web API
stand-in answering each post after 1 s, so that posts are in flight, and refusing the native
chart, so that each summary's PNG follows in its thread (one more step). The web processes'
time stands at 16:29 New York on Friday and the clocks' at 16:31, so a dozen summaries due at
16:30 are posted as soon as a clock starts: no waiting for a minute to turn. Friday's closes
cross alert rules before the kill, around it and after the failover; the primary dies as the
first summary post comes back. Commands sent to both web processes meanwhile are each
acknowledged within Slack's 3 s, answered or told the state is briefly unavailable. Then: every
alert and summary posted exactly once, every rule and subscription still there. The figures are
printed (`pytest tests/ops/test_failover.py -s`).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from bot.alerts.store import AlertStore
from bot.slack.views.charts import CHART_BLOCK
from bot.store.keys import Keys
from bot.store.server import connect
from bot.summaries.store import SummaryStore
from bot.trading_calendar import nyse
from tests.factories import closes, write_two_column_csv
from tests.ops.conftest import make_desk, offset_to
from tests.redis_topology import Topology
from tests.slack.processes import Desk
from tests.slack.standin import Call, SlackStandIn

pytestmark = pytest.mark.slow  # starts a Redis topology and four processes

WEB_NOW = "2026-01-23T21:29:00+00:00"
"""Friday 16:29 New York, for the web processes: the summaries asked for at 16:30 are due today."""
CLOCK_START = datetime(2026, 1, 23, 21, 31, tzinfo=UTC)
"""Friday 16:31 New York (within 30 s), moving, for the clocks: the summaries are due."""
POST_SECONDS = 1.0
"""How long the stand-in takes to answer a post: each post is in flight that long."""
BEFORE, DURING, AFTER = "C0BEF", "C0DUR", "C0AFT"
"""Channels of rules crossed before the kill, around it, and after the failover."""
RULES = {
    BEFORE: ("rut above 2750", 2),
    DURING: ("nasdaq above 19500", 5),
    AFTER: ("ndx above 21500", 2),
}
"""Each group's rule, and in how many channels."""
SUMMARIES = 12


@pytest.fixture
def topology(tmp_path: Path) -> Iterator[Topology]:
    servers = Topology(tmp_path / "redis", replicas=1, sentinels=3).start()
    yield servers
    servers.stop()


@pytest.fixture
def desk(stand_in: SlackStandIn, tmp_path: Path, topology: Topology) -> Iterator[Desk]:
    market = tmp_path / "market"
    market.mkdir()
    sessions = [str(s.date()) for s in nyse().sessions_in_range("2024-10-01", "2026-01-22")]
    for symbol, first, last in (
        ("^RUT", 2150, 2700),
        ("^GSPC", 5700, 6900),
        ("^IXIC", 18000, 19000),
        ("^NDX", 20000, 21000),
    ):
        series = closes(np.linspace(first, last, len(sessions)).tolist(), dates=sessions)
        write_two_column_csv(market / f"{symbol}.csv", series, symbol)  # a year and more: a chart
    keys = Keys(f"drill-{uuid.uuid4().hex[:8]}:")
    desk = make_desk(market, stand_in, "", keys, tmp_path / "logs")
    desk.extra = {**topology.env(), "SMALLCAPS_REFRESH_SECONDS": "1"}
    stand_in.slow("chat.postMessage", POST_SECONDS)
    # a Slack that refuses the native chart: each summary's PNG follows in its thread, one more
    # step (posted, charting, sent) for the failover to fall into
    stand_in.refuse_blocks(CHART_BLOCK)
    yield desk
    desk.stop_all()


def write_close(desk: Desk, symbol: str, close: float) -> None:
    """Friday's close of `symbol`, added or revised, as a data refresh would."""
    path = desk.market / f"{symbol}.csv"
    lines = [line for line in path.read_text().splitlines() if not line.startswith("2026-01-23")]
    path.write_text("\n".join([*lines, f"2026-01-23,{close}"]) + "\n")


def accepted(stand_in: SlackStandIn) -> list[Call]:
    """The posts the stand-in took: not those it refused for their native chart."""
    return [
        call
        for call in stand_in.calls_to("chat.postMessage")
        if not any(block.get("type") == CHART_BLOCK for block in call.body.get("blocks") or [])
    ]


def posts(stand_in: SlackStandIn) -> dict[str, int]:
    counted: dict[str, int] = {}
    for call in accepted(stand_in):
        counted[call.body["channel"]] = counted.get(call.body["channel"], 0) + 1
    return counted


class Watch:
    """When the sentinels name another primary than `old`, polled every 20 ms from a thread."""

    def __init__(self, topology: Topology) -> None:
        self.topology, self.old = topology, topology.named_primary()
        self.named_at: float | None = None
        threading.Thread(target=self._poll, daemon=True).start()

    def _poll(self) -> None:
        while self.named_at is None:
            named = self.topology.named_primary()
            if named is not None and named != self.old:
                self.named_at = time.monotonic()
            time.sleep(0.02)


def switches_seen(desk: Desk, killed_at: float) -> list[float]:
    """Seconds after the kill at which each process first logged the new primary."""
    seen = []
    for log in sorted(desk.logs.glob("*.log")):
        for line in log.read_text().splitlines():
            if line.startswith("{") and "name a new primary" in json.loads(line)["message"]:
                at = datetime.fromisoformat(json.loads(line)["time"]).timestamp()
                seen.append(round(at - killed_at, 2))
                break
    return seen


def test_the_primary_dies_mid_post_and_each_alert_and_summary_is_posted_once(
    desk: Desk, topology: Topology, stand_in: SlackStandIn
) -> None:
    started = time.monotonic()
    webs = [desk.start_bot(WEB_NOW), desk.start_bot(WEB_NOW)]
    channels = [f"{group}{n}" for group, (_, count) in RULES.items() for n in range(count)]
    for n, channel in enumerate(channels):
        rule = RULES[channel[:5]][0]
        webs[n % 2].command(f"alert add {rule}", response=channel, channel_id=channel)
    days = [f"C0DAY{n:02d}" for n in range(SUMMARIES)]
    for n, channel in enumerate(days):
        webs[n % 2].command("subscribe daily at 16:30", response=channel, channel_id=channel)
    for name in channels + days:
        (confirmed,) = stand_in.wait_for(f"response/{name}", timeout=30)
        assert confirmed.body["response_type"] == "in_channel", confirmed.body

    write_close(desk, "^RUT", 2765.0)  # crosses 2,750: posted before the kill
    write_close(desk, "^GSPC", 6950.0)  # the summaries' closes are in
    desk.extra["SMALLCAPS_TIME_OFFSET_SECONDS"] = offset_to(CLOCK_START)
    clocks = [desk.start_clock(), desk.start_clock()]
    stand_in.wait_for("chat.postMessage", where=lambda c: c.body["channel"] in days, timeout=60)
    write_close(desk, "^IXIC", 19600.0)  # crosses 19,500: posted one by one, through the kill
    stand_in.wait_for("chat.postMessage", where=lambda c: c.body["channel"].startswith(DURING))
    state = connect(None, desk.logs / "home", topology.settings(), patience=30)

    watch = Watch(topology)
    killed_at, killed_wall = time.monotonic(), time.time()
    topology.primary.kill()

    # Commands meanwhile: each acknowledged at once; answered, or told to try again.
    acks, n = [], 0
    while watch.named_at is None or time.monotonic() < watch.named_at + 2:
        reply = webs[n % 2].command("alert add spx above 7100", response=f"mid-{n}",
                                    channel_id=f"C0MID{n:02d}")  # fmt: skip
        assert reply.status == 200
        acks.append(reply.elapsed)
        n += 1
        time.sleep(0.2)
        assert time.monotonic() - killed_at < 30, "no new primary within 30 s"
    assert watch.named_at is not None
    write_close(desk, "^NDX", 21600.0)  # crosses 21,500 after the failover
    refused, made = 0, []
    for m in range(n):
        (answer,) = stand_in.wait_for(f"response/mid-{m}", timeout=30)
        if answer.body["response_type"] == "in_channel":
            made.append(f"C0MID{m:02d}")
        else:
            assert "unavailable" in json.dumps(answer.body), answer.body
            refused += 1

    expected = {c: 1 for c in channels + days}
    deadline = time.monotonic() + 60
    while set(posts(stand_in)) != set(expected):
        assert time.monotonic() < deadline, f"posted: {posts(stand_in)}"
        time.sleep(0.2)
    time.sleep(3)  # room for a second post to show itself
    posted = posts(stand_in)
    assert posted == expected, posted

    alerts, summaries = AlertStore(lambda: state, desk.keys), SummaryStore(lambda: state, desk.keys)
    assert all(len(alerts.channel_rules(c)) == 1 for c in channels + made)
    assert all(summaries.subscription(c) is not None for c in days)
    assert all(p.poll() is None for p in [*clocks, *desk.bots])

    charts: dict[str, int] = {}
    for upload in stand_in.calls_to("files.completeUploadExternal"):
        charts[upload.body["channel_id"]] = charts.get(upload.body["channel_id"], 0) + 1
    assert charts == {c: 1 for c in days}, charts

    sent = sorted(c.at for c in stand_in.calls_to("chat.postMessage"))  # when each arrived
    around = [a for a in sent if a > killed_at - 2]
    pauses = [b - a for a, b in pairwise(around)]
    summary_posts = [
        c.at for c in stand_in.calls_to("chat.postMessage") if c.body["channel"] in days
    ]
    figures = {
        "sentinels named the new primary (s after the kill)": round(watch.named_at - killed_at, 2),
        "processes saw it (s after the kill)": switches_seen(desk, killed_wall),
        "longest pause between two posts sent (s; without a failover under 1)": round(
            max(pauses), 2
        ),
        "posts sent after the kill (alerts, summaries)": (
            sum(
                1 for c in accepted(stand_in) if c.at > killed_at and c.body["channel"] in channels
            ),
            sum(1 for c in accepted(stand_in) if c.at > killed_at and c.body["channel"] in days),
        ),
        "summaries: last posted, s after the first": round(
            max(summary_posts) - min(summary_posts), 2
        ),
        "commands during the failover: acknowledged within (s)": round(max(acks), 2),
        "commands during the failover: done / told to try again": f"{len(made)} / {refused}",
        "duplicates (posts, charts)": sum(n - 1 for n in [*posted.values(), *charts.values()]),
        "lost posts": sum(1 for c in expected if not posted.get(c)),
        "drill wall time (s)": round(time.monotonic() - started, 1),
    }
    print("\nfailover drill:\n" + "\n".join(f"  {k}: {v}" for k, v in figures.items()))
    assert max(acks) < 3.0, acks
