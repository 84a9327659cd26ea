"""Daily summaries as Slack shows them, fanned out through the real Web API client to the
stand-in: Block Kit limits, the chart in the thread, 429 storms, archived channels."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import redis

from bot.config import Settings
from bot.slack.app import web_client
from bot.slack.clients import OneClient
from bot.slack.summaries import SlackSummary, SlackSummaryPoster
from bot.slack.views.blocks import MAX_BLOCKS, MAX_FALLBACK_TEXT, MAX_HEADER_TEXT, MAX_SECTION_TEXT
from bot.store.keys import Keys
from bot.summaries.dispatch import Dispatcher
from tests.slack.standin import Call, SlackStandIn
from tests.slack.validation import block_problems
from tests.summaries.conftest import Desk, make_desk, write_summary_market

DUE = datetime(2026, 11, 27, 21, 30, tzinfo=UTC)
"""16:30 New York on Friday 2026-11-27, a half day."""


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("market")
    write_summary_market(directory, first="2025-06-02", last="2026-12-31")
    return directory


@pytest.fixture
def desk(market: Path, redis_server: redis.Redis, keys: Keys) -> Desk:
    return make_desk(market, redis_server, keys)


def slack_dispatcher(desk: Desk, stand_in: SlackStandIn) -> Dispatcher[SlackSummary]:
    settings = Settings(slack_bot_token="xoxb-test", slack_api_url=stand_in.api_url)
    return desk.services.dispatcher(SlackSummaryPoster(OneClient(web_client(settings))))


def run(desk: Desk, dispatcher: Dispatcher[SlackSummary], at: datetime) -> None:
    """A dispatch at `at`, with the services' clock (which the market files are read by) there."""
    desk.clock.at = at
    dispatcher.run(at)


def blocks_of(call: Call) -> list[dict[str, Any]]:
    blocks = call.body["blocks"]
    return json.loads(blocks) if isinstance(blocks, str) else list(blocks)


def assert_within_limits(blocks: list[dict[str, Any]]) -> None:
    assert len(blocks) <= MAX_BLOCKS
    for block in blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= MAX_HEADER_TEXT
        if block["type"] == "section":
            assert 0 < len(block["text"]["text"]) <= MAX_SECTION_TEXT
        if block["type"] == "context":
            assert len(block["elements"]) <= 10


def test_a_summary_is_one_message_with_its_native_chart(desk: Desk, stand_in: SlackStandIn) -> None:
    desk.subscribe("CDESK", "", DUE - timedelta(hours=8))
    run(desk, slack_dispatcher(desk, stand_in), DUE)

    [post] = stand_in.wait_for("chat.postMessage")
    assert post.body["channel"] == "CDESK"
    blocks = blocks_of(post)
    assert_within_limits(blocks)
    assert len(post.body["text"]) <= MAX_FALLBACK_TEXT
    words = json.dumps(blocks)
    assert "Small caps vs large caps: Fri 2026-11-27 close (early close, 13:00 ET)" in words
    for section in ("*Returns*", "*Streak*", "*Sizes*", "*Levels*", "*Valuation*", "*Sectors*"):
        assert section in words
    assert "Leaders:" in words and "Laggards:" in words
    # the headline is the notification: the session's returns and streak, with the numbers
    assert post.body["text"].startswith("Fri 2026-11-27 close: Russell 2000 ")
    # the chart is in the message itself: nothing is uploaded, nothing is posted in a thread
    [chart] = [b for b in blocks if b["type"] == "data_visualization"]
    assert chart["chart"]["type"] == "line"
    assert [s["name"] for s in chart["chart"]["series"]] == ["Russell 2000", "S&P 500"]
    assert block_problems(blocks) == []
    time.sleep(0.3)
    assert [c.method for c in stand_in.calls] == ["chat.postMessage"]


def test_where_slack_refuses_the_native_chart_the_summary_goes_without_it_and_the_png_follows(
    desk: Desk, stand_in: SlackStandIn
) -> None:
    desk.subscribe("CDESK", "", DUE - timedelta(hours=8))
    stand_in.refuse_blocks("data_visualization")
    dispatcher = slack_dispatcher(desk, stand_in)
    run(desk, dispatcher, DUE)
    refused, posted = stand_in.wait_for("chat.postMessage", count=2)
    assert refused.body["channel"] == posted.body["channel"] == "CDESK"
    assert "data_visualization" not in json.dumps(posted.body["blocks"])
    # the PNG in the posted message's thread, once
    [complete] = stand_in.wait_for("files.completeUploadExternal")
    assert complete.body["thread_ts"] == "1769000001.000100"  # the stand-in's ts for the post
    [upload] = [c for c in stand_in.calls if c.path.startswith("/upload/")]
    assert upload.body[:8] == b"\x89PNG\r\n\x1a\n"
    for minutes in range(1, 5):
        run(desk, dispatcher, DUE + timedelta(minutes=minutes))
    assert len(stand_in.calls_to("chat.postMessage")) == 2
    assert len(stand_in.calls_to("files.completeUploadExternal")) == 1


def test_a_late_summary_says_so_and_stays_within_limits(desk: Desk, stand_in: SlackStandIn) -> None:
    desk.subscribe("CDESK", "", DUE - timedelta(hours=8))
    run(desk, slack_dispatcher(desk, stand_in), DUE + timedelta(hours=2))
    [post] = stand_in.wait_for("chat.postMessage")
    blocks = blocks_of(post)
    assert_within_limits(blocks)
    assert "Posted late: it was due Fri 2026-11-27 16:30 America/New_York" in json.dumps(blocks)


def test_a_429_storm_is_waited_out_and_an_archived_channel_is_unsubscribed(
    desk: Desk, stand_in: SlackStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    channels = [f"C{n:02d}" for n in range(24)]
    for channel in channels:
        desk.subscribe(channel, "", DUE - timedelta(hours=8))
    stand_in.throttle_every(4, retry_after=0)
    stand_in.fail_channel("C07", "is_archived")
    dispatcher = slack_dispatcher(desk, stand_in)
    with caplog.at_level("WARNING"):
        at = DUE
        while at < DUE + timedelta(minutes=20):
            run(desk, dispatcher, at)
            at += timedelta(minutes=1)

    answered = [c for c in stand_in.calls if c.status == 200]
    ok_posts = [
        c.body["channel"]
        for c in answered
        if c.method == "chat.postMessage" and c.body["channel"] != "C07"
    ]
    # Each 429 was retried (slack-sdk's handler, then the dispatcher's backoff if need be):
    # every other channel has its summary exactly once, its chart in it.
    assert sorted(ok_posts) == [c for c in channels if c != "C07"]
    assert sum(c.status == 429 for c in stand_in.calls) >= 5
    assert desk.services.summary_store.subscription("C07") is None
    assert "C07 unsubscribed (is_archived)" in caplog.text
    assert desk.services.summary_store.count() == len(channels) - 1


def test_passing_slack_errors_are_retried_and_never_posted_twice(
    desk: Desk, stand_in: SlackStandIn
) -> None:
    desk.subscribe("CDESK", "", DUE - timedelta(hours=8))
    stand_in.fail_channel("CDESK", "internal_error")
    dispatcher = slack_dispatcher(desk, stand_in)
    run(desk, dispatcher, DUE)
    run(desk, dispatcher, DUE + timedelta(minutes=1))
    assert len(stand_in.calls_to("chat.postMessage")) == 2  # failed twice, claim given back
    stand_in.fail_channel("CDESK", None)
    for minutes in range(2, 10):
        run(desk, dispatcher, DUE + timedelta(minutes=minutes))
    assert len(stand_in.calls_to("chat.postMessage")) == 3
    assert stand_in.calls_to("files.completeUploadExternal") == []  # the chart is native
