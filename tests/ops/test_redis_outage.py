"""Redis stopped in the middle of a run of commands and jobs, then started again.

`python -m bot` (HTTP) and `python -m jobs` (the clock, running) share a real redis-server of
their own. While it is down: the processes stay up, commands that need no state answer,
changes get a clear ephemeral "nothing was changed", readiness fails and liveness does not.
When it is back: nothing was lost, the web process is ready again and the clock resumes by
itself, posting the alert that the next price crosses.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.store.keys import Keys
from tests.ops.conftest import RedisProcess, make_desk, offset_to, wait_until
from tests.slack.processes import Desk, ephemeral_text
from tests.slack.standin import SlackStandIn
from tests.slack.test_alerts_e2e import added_rule, write_market
from tests.slack.validation import text_of

pytestmark = pytest.mark.slow  # starts processes of its own

FRIDAY_1620_NY = datetime(2026, 1, 23, 21, 20, tzinfo=UTC)
"""After Friday's close, before its confirmed close is in: the clock watches prices."""


@pytest.fixture
def desk(
    stand_in: SlackStandIn, tmp_path: Path, own_redis: RedisProcess, keys: Keys
) -> Iterator[Desk]:
    market = tmp_path / "market"
    market.mkdir()
    write_market(market)
    desk = make_desk(market, stand_in, own_redis.url, keys, tmp_path / "logs")
    desk.extra = {
        "SMALLCAPS_TIME_OFFSET_SECONDS": offset_to(FRIDAY_1620_NY),
        "SMALLCAPS_REFRESH_SECONDS": "1",
        "SMALLCAPS_OPERATORS": "U0ASKER",  # the asker of `status` below sees the operator's view
        # the clock would wait out an outage shorter than a minute (a failover): not this one
        "SMALLCAPS_REDIS_RETRY_SECONDS": "2",
    }
    yield desk
    desk.stop_all()


def test_redis_stopped_and_started_again(desk: Desk, own_redis: RedisProcess) -> None:
    bot = desk.start_bot(None)
    clock = desk.start_clock()
    bot.command("alert add rut above 2750", response="add")
    rule = added_rule(bot, "add")
    bot.command("subscribe daily at 09:15 Europe/London", response="daily")
    bot.stand_in.wait_for("response/daily")
    wait_until(
        lambda: own_redis.client().hget(desk.keys.job("watch-market"), "runs"), 30, "a watch"
    )

    own_redis.stop()

    # What needs no state still answers; what changes state says so, and changes nothing.
    bot.command("streak", response="streak-down")
    assert "sessions in a row" in ephemeral_text(bot, "streak-down")
    bot.command("alert add rut above 2800", response="add-down")
    refused = ephemeral_text(bot, "add-down")
    assert "state store (Redis) is unavailable, nothing was changed" in refused
    bot.command("unsubscribe daily", response="unsub-down")
    assert "nothing was changed" in ephemeral_text(bot, "unsub-down")
    assert bot.get("/readyz").status == 503
    assert bot.get("/healthz").status == 200
    time.sleep(3)  # a few of the clock's jobs fail meanwhile
    assert desk.bots[0].poll() is None and clock.poll() is None, "a process exited"

    own_redis.start()

    wait_until(lambda: bot.get("/readyz").status == 200, 30, "the web process to be ready")
    # Nothing lost: the rule and the subscription made before the outage are there, and
    # neither change asked for during it happened.
    bot.command("subscriptions", response="after")
    listing = ephemeral_text(bot, "after")
    assert f"{rule}  Russell 2000 above 2,750" in listing, listing
    assert "1 of 50 rules used" in listing, listing
    assert "2,800" not in listing, listing
    assert "09:15 Europe/London" in listing

    # The clock resumes by itself: Friday's close crosses 2,750 and the alert is posted once.
    desk.append_session("2026-01-23", rut=2765.0)
    (post,) = bot.stand_in.wait_for("chat.postMessage", timeout=120)
    assert "2,750" in text_of(post.body["blocks"])
    time.sleep(3)
    assert len(bot.stand_in.calls_to("chat.postMessage")) == 1
    assert clock.poll() is None
    clock_log = (desk.logs / "clock-0.log").read_text()
    assert "Redis unavailable" in clock_log
    assert "Traceback" not in clock_log
    records = {
        k.decode(): v.decode()
        for k, v in own_redis.client().hgetall(desk.keys.job("watch-market")).items()
    }
    assert int(records["runs"]) > int(records["failures"]) >= 1

    # status tells the story: the clock's lock, the jobs' last errors, the rule count
    bot.command("status", response="status")
    status = ephemeral_text(bot, "status")
    assert "holds the lock" in status
    assert "watch-market" in status and "ConnectionError" in status
    assert "Alerts: 1 rule," in status
    assert json.loads(bot.get("/readyz").body) == {"status": "ready"}
