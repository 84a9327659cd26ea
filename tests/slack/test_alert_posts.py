"""Alerts as Slack shows them, posted through the real Web API client to the stand-in."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.alerts.delivery import PostFailed
from bot.alerts.reports import AlertMessage
from bot.analytics.levels import WatchedLevel
from bot.config import Settings
from bot.slack.alerts import SlackPoster
from bot.slack.app import web_client
from bot.slack.clients import OneClient
from bot.slack.views.alerts import alert_message
from bot.slack.views.blocks import MAX_BLOCKS, MAX_HEADER_TEXT, MAX_SECTION_TEXT
from bot.slack.views.buttons import PAUSE_ALERT_ACTION, REMOVE_ALERT_ACTION, REPLAY_ALERT_ACTION
from tests.slack.standin import Scripted, SlackStandIn

MESSAGE = AlertMessage(
    firing="7-up-1769202000",
    rule_id=7,
    channel="C123",
    rule="Russell 2000 above 2,750 (close, every, band 0.5%)",
    target="Russell 2000",
    kind="level",
    side="up",
    level=2750.0,
    unit="price",
    value=2761.3,
    previous=2731.2,
    price=2761.3,
    previous_price=2731.2,
    at=datetime(2026, 1, 23, 21, 0, tzinfo=UTC),
    session=date(2026, 1, 23),
    late=True,
    retired=False,
    rearm_at=2736.25,
    streak=6,
    next_level=WatchedLevel(2850.0, "Major resistance"),
)


def poster(stand_in: SlackStandIn) -> SlackPoster:
    settings = Settings(slack_bot_token="xoxb-test", slack_api_url=stand_in.api_url)
    return SlackPoster(OneClient(web_client(settings)))


def test_an_alert_says_what_when_and_why_with_mute_and_remove_buttons() -> None:
    blocks = alert_message(MESSAGE).blocks
    assert len(blocks) <= MAX_BLOCKS
    assert len(blocks[0]["text"]["text"]) <= MAX_HEADER_TEXT
    assert "Russell 2000 crossed above 2,750" in blocks[0]["text"]["text"]
    text = "\n".join(b["text"]["text"] for b in blocks if b["type"] == "section")
    assert all(len(b["text"]["text"]) <= MAX_SECTION_TEXT for b in blocks if b["type"] == "section")
    assert "2,761.30 at 2026-01-23 16:00 ET, from 2,731.20 (+1.10%)" in text
    assert "Detected late" in text
    assert "small-cap streak 6 sessions" in text
    assert "next level 2,850.00 (Major resistance), +3.21% away" in text
    assert "re-arms once below 2,736.25" in text
    (actions,) = [b for b in blocks if b["type"] == "actions"]
    assert [(e["action_id"], e["value"]) for e in actions["elements"]] == [
        (PAUSE_ALERT_ACTION, "7"),
        (REPLAY_ALERT_ACTION, "7"),
        (REMOVE_ALERT_ACTION, "7"),
    ]


def test_a_retired_rule_offers_replay_and_remove() -> None:
    retired = alert_message(
        MESSAGE.__class__(**{**vars(MESSAGE), "retired": True, "rearm_at": None})
    ).blocks
    (actions,) = [b for b in retired if b["type"] == "actions"]
    assert [e["action_id"] for e in actions["elements"]] == [
        REPLAY_ALERT_ACTION,
        REMOVE_ALERT_ACTION,
    ]


def test_posting_goes_to_the_rule_s_channel(stand_in: SlackStandIn) -> None:
    poster(stand_in).post(MESSAGE)
    (call,) = stand_in.wait_for("chat.postMessage")
    assert call.body["channel"] == "C123"
    assert "crossed above 2,750" in call.body["text"]


def test_a_rate_limit_is_retried_by_the_client_and_posts_once(stand_in: SlackStandIn) -> None:
    stand_in.script(
        "chat.postMessage",
        Scripted(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "0"}),
    )
    poster(stand_in).post(MESSAGE)
    # The stand-in records a call once it has answered it: wait for the record of the retry.
    first, retry = stand_in.wait_for("chat.postMessage", count=2)
    assert first.body == retry.body


@pytest.mark.parametrize(
    ("error", "permanent"),
    [("channel_not_found", True), ("not_in_channel", True), ("internal_error", False)],
)
def test_slack_errors_say_whether_posting_again_could_help(
    stand_in: SlackStandIn, error: str, permanent: bool
) -> None:
    stand_in.script("chat.postMessage", Scripted(200, {"ok": False, "error": error}))
    with pytest.raises(PostFailed) as failed:
        poster(stand_in).post(MESSAGE)
    assert failed.value.reason == error
    assert failed.value.permanent is permanent
