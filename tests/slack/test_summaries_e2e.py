"""Daily summaries end to end: `subscribe daily at 09:15 Europe/London`, signed like Slack signs,
into `python -m bot`; a restart; then `python -m jobs once` at 09:15 London on the next trading
day posts the summary there once, with its chart in the thread."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from bot.store.keys import Keys
from tests.slack.conftest import BOT_TOKEN
from tests.slack.processes import Desk, ephemeral_text, redis_url_of
from tests.slack.standin import SlackStandIn
from tests.slack.validation import text_of
from tests.summaries.conftest import write_summary_market

pytestmark = pytest.mark.slow  # starts processes of its own

CHANNEL = "C0CHAN"
MONDAY_NOON = "2026-11-23T12:00:00Z"
TUESDAY_0915_LONDON = "2026-11-24T09:15:30Z"
"""London is on GMT in November: 09:15 there is 09:15 UTC (the clock's run, 30 s later)."""
WEDNESDAY_0915_LONDON = "2026-11-25T09:15:30Z"


@pytest.fixture
def desk(
    stand_in: SlackStandIn, tmp_path: Path, redis_server: redis.Redis, keys: Keys
) -> Iterator[Desk]:
    market = tmp_path / "market"
    market.mkdir()
    write_summary_market(market, first="2025-06-02", last="2026-11-30")
    logs = tmp_path / "logs"
    logs.mkdir()
    desk = Desk(market, stand_in, redis_url_of(redis_server), keys, logs)
    yield desk
    desk.stop_all()


def test_a_london_subscription_posts_at_0915_london_on_the_next_trading_day_once(
    desk: Desk,
) -> None:
    bot = desk.start_bot(MONDAY_NOON)
    assert bot.command("subscribe daily at 09:15 Europe/London", response="sub").status == 200
    [confirmation] = desk.stand_in.wait_for("response/sub", timeout=30)
    assert confirmation.body["response_type"] == "in_channel"
    confirmed = text_of(confirmation.body["blocks"])
    assert "Every NYSE trading day at 09:15 Europe/London" in confirmed
    assert "Next: Tue 2026-11-24 09:15 Europe/London" in confirmed
    assert "on the session of 2026-11-23" in confirmed
    assert "<@U0ASKER>" in confirmed

    # A restart: the subscription is in Redis, not in the process.
    desk.stop_bots()
    bot = desk.start_bot(MONDAY_NOON)
    assert bot.command("subscriptions", response="list").status == 200
    assert "Daily summary: 09:15 Europe/London" in ephemeral_text(bot, "list")

    first = desk.run_clock(TUESDAY_0915_LONDON)
    assert first.summaries == 1, first.output
    [post] = desk.stand_in.wait_for("chat.postMessage")
    assert post.body["channel"] == CHANNEL
    assert post.headers["Authorization"] == f"Bearer {BOT_TOKEN}"
    blocks = post.body["blocks"]
    words = json.dumps(blocks if isinstance(blocks, list) else json.loads(blocks))
    # Tuesday morning in London describes Monday's New York session, and is not late.
    assert "Small caps vs large caps: Mon 2026-11-23 close" in words
    assert "Posted late" not in words
    assert '"type": "data_visualization"' in words  # the chart, native in the message
    assert desk.stand_in.calls_to("files.completeUploadExternal") == []

    # The clock again, the same minute and later that morning: nothing more is posted.
    again = desk.run_clock(TUESDAY_0915_LONDON)
    assert again.summaries == 0, again.output
    assert desk.run_clock("2026-11-24T11:00:00Z").summaries == 0
    assert len(desk.stand_in.calls_to("chat.postMessage")) == 1

    # The next morning: Tuesday's session.
    assert desk.run_clock(WEDNESDAY_0915_LONDON).summaries == 1
    second = desk.stand_in.wait_for("chat.postMessage", count=2)[1]
    assert "Tue 2026-11-24 close" in json.dumps(second.body["blocks"])
