"""Two `web` and three `clock` processes on one Redis, as a scaled deployment runs them.

Commands go to either web process; the clocks race for the lease. Friday's closes cross two
alert rules, one before and one after the active clock is killed (SIGKILL, no clean stop), and
a daily summary falls due after the kill. Each alert and the summary is posted exactly once,
by whichever clock holds the lease.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis

from bot.clock import EXCHANGE_TZ
from bot.store.keys import Keys
from bot.store.lease import lease_holder as holder_of
from tests.ops.conftest import make_desk, offset_to, wait_until
from tests.slack.processes import Desk, redis_url_of
from tests.slack.standin import Call, SlackStandIn
from tests.slack.test_alerts_e2e import added_rule, write_market
from tests.slack.validation import text_of

pytestmark = pytest.mark.slow  # starts processes of its own

START = datetime(2026, 1, 23, 21, 20, tzinfo=UTC)
"""Friday 16:20 New York: after the close, while the clock watches for the confirmed close."""


@pytest.fixture
def desk(
    stand_in: SlackStandIn, tmp_path: Path, redis_server: redis.Redis, keys: Keys
) -> Iterator[Desk]:
    market = tmp_path / "market"
    market.mkdir()
    write_market(market)
    desk = make_desk(market, stand_in, redis_url_of(redis_server), keys, tmp_path / "logs")
    desk.extra = {
        "SMALLCAPS_TIME_OFFSET_SECONDS": offset_to(START),
        "SMALLCAPS_REFRESH_SECONDS": "1",
    }
    yield desk
    desk.stop_all()


def append(desk: Desk, symbol: str, session: str, close: float) -> None:
    with (desk.market / f"{symbol}.csv").open("a") as handle:
        handle.write(f"{session},{close}\n")


def posts_to(stand_in: SlackStandIn, channel: str) -> list[Call]:
    return [c for c in stand_in.calls_to("chat.postMessage") if c.body["channel"] == channel]


def lease_holder(client: redis.Redis, keys: Keys) -> int | None:
    owner = holder_of(client, keys.clock_lease())[0]
    return int(owner.rsplit(":", 1)[1]) if owner else None


def test_two_webs_and_three_clocks_post_each_alert_and_summary_once(
    desk: Desk, redis_server: redis.Redis
) -> None:
    webs = [desk.start_bot(None), desk.start_bot(None)]
    clocks = [desk.start_clock() for _ in range(3)]
    wait_until(lambda: lease_holder(redis_server, desk.keys), 30, "a clock to take the lease")

    shifted_now = datetime.now(UTC) + timedelta(seconds=float(desk.extra[
        "SMALLCAPS_TIME_OFFSET_SECONDS"]))  # fmt: skip
    due = (shifted_now + timedelta(minutes=2)).astimezone(EXCHANGE_TZ)
    webs[0].command("alert add rut above 2750", response="rut", channel_id="C0RUT")
    rut_rule = added_rule(webs[0], "rut")
    webs[1].command("alert add spx above 7000", response="spx", channel_id="C0SPX")
    spx_rule = added_rule(webs[1], "spx")
    webs[1].command(f"subscribe daily at {due:%H:%M}", response="daily", channel_id="C0DAILY")
    (confirmed,) = desk.stand_in.wait_for("response/daily")
    assert confirmed.body["response_type"] == "in_channel"

    # Friday's Russell 2000 close crosses 2,750: posted once, by the clock with the lease.
    append(desk, "^RUT", "2026-01-23", 2765.0)
    (rut_post,) = desk.stand_in.wait_for("chat.postMessage", timeout=60)
    assert rut_post.body["channel"] == "C0RUT"
    assert "2,750" in text_of(rut_post.body["blocks"]), rut_rule

    # The active clock dies without a word; a standby takes the lease when it runs out.
    active = lease_holder(redis_server, desk.keys)
    assert active in [c.pid for c in clocks]
    os.kill(active, signal.SIGKILL)
    killed = next(c for c in clocks if c.pid == active)
    killed.wait(timeout=10)
    wait_until(
        lambda: lease_holder(redis_server, desk.keys) not in (None, active),
        60,
        "a standby clock to take over",
    )

    # The S&P 500's close then crosses 7,000: the new clock posts it, once.
    append(desk, "^GSPC", "2026-01-23", 7010.0)
    wait_until(lambda: posts_to(desk.stand_in, "C0SPX"), 60, "the S&P 500 alert")
    # And the summary due after the kill is posted once, describing Friday.
    wait_until(lambda: posts_to(desk.stand_in, "C0DAILY"), 150, "the daily summary")
    time.sleep(5)  # room for any double post to show itself

    assert len(posts_to(desk.stand_in, "C0RUT")) == 1
    (spx_post,) = posts_to(desk.stand_in, "C0SPX")
    assert "7,000" in text_of(spx_post.body["blocks"]), spx_rule
    (summary,) = posts_to(desk.stand_in, "C0DAILY")
    assert "Fri 2026-01-23 close" in text_of(summary.body["blocks"])
    survivors = [c for c in clocks if c.pid != active]
    assert all(c.poll() is None for c in survivors)
    assert all(b.poll() is None for b in desk.bots)
