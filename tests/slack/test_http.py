"""HTTP mode driven the way Slack drives it: signed requests to the real endpoint."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import redis

from bot.config import Settings
from bot.market.data import MarketData
from bot.services import Services
from bot.slack.views.blocks import MAX_BLOCKS
from bot.slack.views.buttons import SHARE_ACTION
from tests.factories import STREAK
from tests.slack.conftest import (
    BOT_TOKEN,
    SECRET,
    Bot,
    http_get,
    start_bot,
)
from tests.slack.standin import Scripted, SlackStandIn
from tests.slack.validation import chart_problems, element, text_of, view_problems

READ_ONLY = [
    "help",
    "streak",
    "streak iwm vs spy",
    "returns ytd",
    "returns 2021",
    "sizes",
    "levels",
    "sectors",
    "valuation",
    "flows",
    "precedents 3",
    "macro",
    "status",
    "help streak",
]


def response_blocks(bot: Bot, name: str) -> list[dict[str, Any]]:
    (call,) = bot.stand_in.wait_for(f"response/{name}")
    assert call.body["response_type"] == "ephemeral"
    blocks: list[dict[str, Any]] = call.body["blocks"]
    assert 0 < len(blocks) <= MAX_BLOCKS
    return blocks


def test_streak_is_acked_then_answered_through_response_url(bot: Bot) -> None:
    reply = bot.command("streak")
    assert reply.status == 200
    assert reply.body == b""  # an empty ack: the answer follows on response_url
    blocks = response_blocks(bot, "r1")
    assert blocks[0]["text"]["text"].startswith(f"*Russell 2000 has beaten S&amp;P 500 {STREAK}")
    text = text_of(blocks)
    assert f"{STREAK} sessions in a row, since {bot.facts.streak_start.isoformat()}" in text
    assert f"As of {bot.facts.last.isoformat()}" in text
    assert element(blocks, SHARE_ACTION)["text"]["text"] == "Post to channel"


@pytest.mark.parametrize("text", READ_ONLY)
def test_every_read_only_command_answers(bot: Bot, text: str) -> None:
    assert bot.command(text).status == 200
    blocks = response_blocks(bot, "r1")
    for block in blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150


def test_bad_input_gets_an_ephemeral_error_with_an_example(bot: Bot) -> None:
    bot.command("returns ytdd")
    (call,) = bot.stand_in.wait_for("response/r1")
    assert call.body["response_type"] == "ephemeral"
    text = text_of(call.body["blocks"])
    assert "unknown period 'ytdd'" in text
    assert "Try: `/smallcaps returns ytd`" in text


def test_forged_and_expired_requests_get_401_and_do_nothing(bot: Bot) -> None:
    stamp = int(time.time())
    body = (
        b"command=%2Fsmallcaps&text=streak&response_url="
        + bot.stand_in.response_url("forged").encode()
    )
    assert bot.forged(body).status == 401
    old = bot.post(
        body.replace(b"forged", b"expired"),
        "application/x-www-form-urlencoded",
        timestamp=stamp - 6 * 60,
    )
    assert old.status == 401
    # a genuine request after them is answered; the two rejected ones never reached a listener
    bot.command("help", response="genuine")
    bot.stand_in.wait_for("response/genuine")
    assert bot.stand_in.calls_to("response/forged") == []
    assert bot.stand_in.calls_to("response/expired") == []


def test_post_to_channel_posts_the_same_answer_attributed(bot: Bot) -> None:
    bot.command("streak")
    blocks = response_blocks(bot, "r1")
    payload = share_payload(bot, element(blocks, SHARE_ACTION)["value"], "share")
    assert bot.interact(payload).status == 200
    (post,) = bot.stand_in.wait_for("chat.postMessage")
    assert post.body["channel"] == "C0CHAN"
    assert post.headers["Authorization"] == f"Bearer {BOT_TOKEN}"
    shared = text_of(post.body["blocks"])
    assert "Shared by <@U0SHARER>" in shared
    assert f"{STREAK} sessions in a row" in shared
    # anyone in the channel may ask on from it (answered to them alone), not share it again
    buttons = [
        e["action_id"] for b in post.body["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert buttons and SHARE_ACTION not in buttons
    (cleanup,) = bot.stand_in.wait_for("response/share")
    assert cleanup.body.get("delete_original") is True


def test_app_home_is_published_when_opened(bot: Bot) -> None:
    reply = bot.event(
        {
            "type": "app_home_opened",
            "user": "U0VIEWER",
            "channel": "D0",
            "tab": "home",
            "event_ts": "1",
        }
    )
    assert reply.status == 200
    (publish,) = bot.stand_in.wait_for("views.publish")
    assert publish.body["user_id"] == "U0VIEWER"
    view = publish.body["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["type"] == "home"
    assert view_problems(view) == []
    text = text_of(view["blocks"])
    assert f"{STREAK} sessions in a row" in text
    assert "YTD" in text
    assert "Redis: ok" not in text  # the operator's status is a button away, not on the Home


def test_healthz_and_readyz(bot: Bot) -> None:
    reply = bot.get("/healthz")
    assert reply.status == 200
    assert json.loads(reply.body) == {"status": "ok"}
    ready = bot.get("/readyz")
    assert ready.status == 200
    assert json.loads(ready.body) == {"status": "ready"}
    assert bot.get("/nothing").status == 404


class BlockedPrices:
    """A price source that does not answer until released: the slowest Yahoo imaginable."""

    label = "blocked"

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.release = threading.Event()

    def closes(self, symbols: Any) -> Any:
        self.release.wait(timeout=30)
        return self.inner.closes(symbols)

    def freshness(self, symbols: Any) -> Any:
        return self.inner.freshness(symbols)


def test_a_slow_data_source_is_still_acked_at_once(
    stand_in: SlackStandIn, tmp_path: Path, redis_server: redis.Redis, bot: Bot
) -> None:
    services = bot.services
    blocked = BlockedPrices(services.market.prices)
    slow = Services(
        replace(services.settings, home=tmp_path / "slow"),
        redis_client=redis_server,
        market=MarketData(blocked, services.market.funds),
    )
    url, server = start_bot(slow)
    try:
        slow_bot = Bot(url, stand_in, slow, bot.facts)
        reply = slow_bot.command("streak", response="slow")
        assert reply.status == 200
        assert not blocked.release.is_set()  # acked while the data source was still stuck
        assert stand_in.calls_to("response/slow") == []
        blocked.release.set()
        assert stand_in.wait_for("response/slow")
    finally:
        blocked.release.set()
        server.close()


def test_readyz_is_503_when_redis_is_down_and_healthz_still_200(
    stand_in: SlackStandIn, tmp_path: Path
) -> None:
    from bot.store.server import client_options

    down = redis.Redis(unix_socket_path=str(tmp_path / "none.sock"), **client_options())
    settings = Settings(
        data="yahoo",
        home=tmp_path,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SECRET,
        slack_api_url=stand_in.api_url,
    )
    url, server = start_bot(Services(settings, redis_client=down))
    try:
        reply = http_get(url + "/readyz")
        assert reply.status == 503
        assert json.loads(reply.body) == {"status": "not ready"}  # why: in the log
        assert http_get(url + "/healthz").status == 200  # alive: no restart would help
    finally:
        server.close()


def test_chart_is_uploaded_into_the_channel_in_three_steps(bot: Bot) -> None:
    assert bot.command("chart 1y", response="chart").status == 200
    (get_url,) = bot.stand_in.wait_for("files.getUploadURLExternal")
    (upload,) = bot.stand_in.wait_for("upload/F0CHART")
    (complete,) = bot.stand_in.wait_for("files.completeUploadExternal")
    assert get_url.body["filename"].endswith(".png")
    assert int(get_url.body["length"]) == len(upload.body)
    assert upload.body[:8] == b"\x89PNG\r\n\x1a\n"
    assert complete.body["channel_id"] == "C0CHAN"
    assert "asked for a chart" in complete.body["initial_comment"]
    assert json.loads(complete.body["files"])[0]["id"] == "F0CHART"
    (reply,) = bot.stand_in.wait_for("response/chart")
    assert reply.body["text"] == "Chart posted in the channel."


def test_chart_upload_refused_by_slack_is_an_ephemeral_error(bot: Bot) -> None:
    bot.stand_in.script(
        "files.completeUploadExternal", Scripted(200, {"ok": False, "error": "not_in_channel"})
    )
    bot.command("chart", response="refused")
    (reply,) = bot.stand_in.wait_for("response/refused")
    assert reply.body["response_type"] == "ephemeral"
    assert "not_in_channel" in reply.body["text"]


def test_levels_set_is_confirmed_in_the_channel_and_then_watched(bot: Bot) -> None:
    bot.command("levels set 2,900 Stretch target", response="set")
    (confirmation,) = bot.stand_in.wait_for("response/set")
    assert confirmation.body["response_type"] == "in_channel"
    assert confirmation.body["text"].startswith("<@U0ASKER> changed:")
    text = text_of(confirmation.body["blocks"])
    assert "Set 2,900.00: Stretch target." in text
    assert "Changed by <@U0ASKER>" in text
    bot.command("levels", response="after")
    assert "Stretch target" in text_of(response_blocks(bot, "after"))
    bot.command("levels", response="elsewhere", team_id="T0OTHER")
    assert "Stretch target" not in text_of(response_blocks(bot, "elsewhere"))


def share_payload(bot: Bot, value: str, response: str) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "team": {"id": "T0TEST"},
        "user": {"id": "U0SHARER"},
        "channel": {"id": "C0CHAN"},
        "api_app_id": "A0APP",
        "token": "legacy",
        "trigger_id": "1.2.3",
        "container": {"type": "message", "is_ephemeral": True},
        "response_url": bot.stand_in.response_url(response),
        "actions": [
            {
                "action_id": SHARE_ACTION,
                "block_id": "b",
                "value": value,
                "type": "button",
                "action_ts": "1",
            }
        ],
    }


def test_a_429_is_retried_after_retry_after_and_posted_once(bot: Bot) -> None:
    bot.stand_in.script(
        "chat.postMessage",
        Scripted(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}),
    )
    bot.interact(share_payload(bot, '{"text":"streak","as_of":null}', "limited"))
    posts = bot.stand_in.wait_for("chat.postMessage", count=2)
    assert len(posts) == 2  # the refused one and its retry: one message in the channel
    assert posts[0].body == posts[1].body
    bot.stand_in.wait_for("response/limited")
    assert len(bot.stand_in.calls_to("chat.postMessage")) == 2


def test_an_internal_error_is_an_apology_with_a_logged_reference(
    bot: Bot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("bot.commands.streak.streak", broken)
    bot.command("streak", response="broken")
    (reply,) = bot.stand_in.wait_for("response/broken")
    assert reply.body["response_type"] == "ephemeral"
    text = reply.body["text"]
    assert text.startswith("something went wrong on our side (ref ") and "boom" not in text
    reference = text.split("(ref ")[1].split(")")[0]
    assert any(reference in record.getMessage() and record.exc_info for record in caplog.records)


def test_a_button_that_is_not_ours_is_refused_politely(bot: Bot) -> None:
    bot.interact(share_payload(bot, "not json at all", "forged-button"))
    (reply,) = bot.stand_in.wait_for("response/forged-button")
    assert "not one of mine" in reply.body["text"]
    assert bot.stand_in.calls_to("chat.postMessage") == []


def test_a_command_with_the_word_payload_is_answered(bot: Bot) -> None:
    # Bolt reads any form body containing "payload" as an interaction; the guard re-encodes it
    bot.command("payload", response="word")
    (call,) = bot.stand_in.wait_for("response/word")
    assert "payload" in text_of(call.body["blocks"])
    assert call.body["response_type"] == "ephemeral"


def test_an_answer_carries_its_native_chart_within_slack_s_limits(bot: Bot) -> None:
    bot.command("returns 1y", response="chart")
    blocks = response_blocks(bot, "chart")
    [chart] = [b for b in blocks if b["type"] == "data_visualization"]
    assert chart_problems(chart) == []
    series = chart["chart"]["series"]
    assert [s["name"] for s in series] == ["Russell 2000", "S&P 500"]
    assert series[0]["data"][0]["value"] == 100.0  # rebased to 100 at the period's base
    assert len(chart["chart"]["axis_config"]["categories"]) == 20  # a year, sampled


def test_where_slack_refuses_a_native_chart_the_answer_comes_again_without_it(bot: Bot) -> None:
    bot.stand_in.refuse_blocks("data_visualization")
    bot.command("streak", response="refused")
    first, second = bot.stand_in.wait_for("response/refused", count=2)
    assert first.status == 400 and second.status == 200
    assert "data_visualization" in json.dumps(first.body["blocks"])
    assert "data_visualization" not in json.dumps(second.body["blocks"])
    assert f"{STREAK} sessions in a row" in text_of(second.body["blocks"])
    # shared into the channel, the same: refused once, posted once without it
    bot.interact(share_payload(bot, '{"text":"streak","as_of":null}', "shared"))
    refused, posted = bot.stand_in.wait_for("chat.postMessage", count=2)
    assert "data_visualization" in json.dumps(refused.body["blocks"])
    assert "data_visualization" not in json.dumps(posted.body["blocks"])
    time.sleep(0.3)
    assert len(bot.stand_in.calls_to("response/refused")) == 2
    assert len(bot.stand_in.calls_to("chat.postMessage")) == 2
