"""Alerts end to end, through Slack's real protocol and real processes.

A rule is made with a signed `/smallcaps alert add` sent to `python -m bot` (HTTP mode); prices
move when a row is appended to the CSV files; `python -m jobs once` (the clock, run by hand)
evaluates the rules and posts what fired to the Slack stand-in. Every process shares one Redis
and one key prefix, and has its clock fixed by SMALLCAPS_NOW.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import redis

from bot.store.keys import Keys
from bot.trading_calendar import nyse
from tests.factories import closes, write_two_column_csv
from tests.slack.conftest import BOT_TOKEN, Bot
from tests.slack.processes import Desk, ephemeral_text, finish, redis_url_of
from tests.slack.standin import Call, Scripted, SlackStandIn
from tests.slack.validation import text_of

pytestmark = pytest.mark.slow  # starts processes of its own

TEAM = "T0TEST"
CHANNEL = "C0CHAN"
"""Where `Bot.command` says the commands come from."""

AFTER_JAN_22 = "2026-01-22T22:00:00Z"
"""17:00 New York: the 2026-01-22 close (2,700, below the rule's 2,750) is confirmed."""
AFTER_JAN_23 = "2026-01-23T22:00:00Z"
AFTER_JAN_26 = "2026-01-26T22:00:00Z"
AFTER_JAN_27 = "2026-01-27T22:00:00Z"

ADD = "alert add rut above 2750"


def write_market(directory: Path) -> None:
    """^RUT and ^GSPC on the NYSE sessions of the last few months, through 2026-01-22; ^RUT
    rises from 2,550 to 2,700, always below 2,750."""
    sessions = [str(s.date()) for s in nyse().sessions_in_range("2025-10-01", "2026-01-22")]
    rut = closes(np.linspace(2550.0, 2700.0, len(sessions)).tolist(), dates=sessions)
    spx = closes(np.linspace(6800.0, 6900.0, len(sessions)).tolist(), dates=sessions)
    write_two_column_csv(directory / "^RUT.csv", rut, "^RUT")
    write_two_column_csv(directory / "^GSPC.csv", spx, "^GSPC")


@pytest.fixture
def desk(
    stand_in: SlackStandIn, tmp_path: Path, redis_server: redis.Redis, keys: Keys
) -> Iterator[Desk]:
    market = tmp_path / "market"
    market.mkdir()
    write_market(market)
    logs = tmp_path / "logs"
    logs.mkdir()
    desk = Desk(market, stand_in, redis_url_of(redis_server), keys, logs)
    yield desk
    desk.stop_all()


def buttons_of(post: Call) -> dict[str, str]:
    """action_id -> value of the buttons in a posted message's actions block."""
    blocks = post.body["blocks"]
    (actions,) = [b for b in blocks if b["type"] == "actions"]
    return {e["action_id"]: e["value"] for e in actions["elements"]}


def added_rule(bot: Bot, response: str) -> int:
    """The id of the rule `alert add` made, from its in-channel confirmation."""
    (confirmation,) = bot.stand_in.wait_for(f"response/{response}", timeout=30)
    assert confirmation.body["response_type"] == "in_channel", confirmation.body
    found = re.search(r"Rule (\d+): ", text_of(confirmation.body["blocks"]))
    assert found, confirmation.body
    return int(found[1])


def button_press(bot: Bot, action_id: str, value: str, response: str) -> dict[str, Any]:
    """The block_actions payload Slack sends when someone presses a button on a posted alert."""
    return {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": "U0MUTER"},
        "channel": {"id": CHANNEL},
        "api_app_id": "A0APP",
        "token": "legacy",
        "trigger_id": "1.2.3",
        "container": {
            "type": "message",
            "message_ts": "1769000000.000100",
            "channel_id": CHANNEL,
            "is_ephemeral": False,
        },
        "response_url": bot.stand_in.response_url(response),
        "actions": [
            {
                "action_id": action_id,
                "block_id": "alert",
                "value": value,
                "type": "button",
                "action_ts": "1",
            }
        ],
    }


def posts_to(stand_in: SlackStandIn, channel: str) -> list[Call]:
    return [c for c in stand_in.calls_to("chat.postMessage") if c.body["channel"] == channel]


def test_a_rule_made_in_slack_fires_once_in_its_channel_on_the_next_cross(desk: Desk) -> None:
    bot = desk.start_bot(AFTER_JAN_22)
    assert bot.command(ADD, response="add").status == 200
    (confirmation,) = desk.stand_in.wait_for("response/add", timeout=30)
    assert confirmation.body["response_type"] == "in_channel"
    confirmed = text_of(confirmation.body["blocks"])
    assert "Alert rule added" in confirmed
    assert "2,700.00 on 2026-01-22" in confirmed  # where the price is now
    assert "I will alert when it crosses above" in confirmed
    rule = added_rule(bot, "add")
    assert desk.stand_in.calls_to("chat.postMessage") == []  # the present side never fires

    desk.append_session("2026-01-23", rut=2760.0)
    run = desk.run_clock(AFTER_JAN_23)
    assert (run.feeds, run.posted) == (1, 1), run.output

    (post,) = desk.stand_in.wait_for("chat.postMessage")
    assert post.body["channel"] == CHANNEL
    assert post.headers["Authorization"] == f"Bearer {BOT_TOKEN}"
    assert "crossed above 2,750" in post.body["text"]
    assert "2,760.00" in post.body["text"]
    assert "crossed above 2,750" in text_of(post.body["blocks"])
    assert buttons_of(post) == {
        "pause_alert": str(rule),
        "replay_alert": str(rule),
        "remove_alert": str(rule),
    }
    assert len(desk.stand_in.calls_to("chat.postMessage")) == 1


def test_a_firing_survives_a_restart_and_two_clocks_post_it_once(desk: Desk) -> None:
    bot = desk.start_bot(AFTER_JAN_22)
    bot.command(ADD, response="add")
    rule = added_rule(bot, "add")
    desk.stop_bots()  # the rule lives in Redis, not in the process that made it

    desk.append_session("2026-01-23", rut=2760.0)
    clocks = [desk.clock(AFTER_JAN_23), desk.clock(AFTER_JAN_23)]
    runs = [finish(clock) for clock in clocks]
    assert sum(run.posted for run in runs) == 1, [run.output for run in runs]
    (post,) = desk.stand_in.wait_for("chat.postMessage")
    assert post.body["channel"] == CHANNEL
    assert buttons_of(post)["pause_alert"] == str(rule)

    again = desk.run_clock(AFTER_JAN_23)
    assert (again.feeds, again.posted) == (1, 0), again.output

    restarted = desk.start_bot(AFTER_JAN_23)
    restarted.command("alert list", response="list")
    listing = ephemeral_text(restarted, "list")
    assert re.search(rf"\b{rule}\b.*Russell 2000 above 2,750 .*fired 1x", listing), listing
    assert len(desk.stand_in.calls_to("chat.postMessage")) == 1  # nothing straggled in since


def test_a_second_clock_does_not_post_a_firing_the_first_is_still_posting(desk: Desk) -> None:
    bot = desk.start_bot(AFTER_JAN_22)
    bot.command(ADD, response="add")
    added_rule(bot, "add")
    # the first post is rate limited: the firing stays in the outbox, claimed, for a second
    desk.stand_in.script(
        "chat.postMessage",
        Scripted(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}),
    )
    desk.append_session("2026-01-23", rut=2760.0)
    clocks = [desk.clock(AFTER_JAN_23), desk.clock(AFTER_JAN_23)]
    runs = [finish(clock) for clock in clocks]
    assert sorted(run.posted for run in runs) == [0, 1], [run.output for run in runs]
    refused, retried = desk.stand_in.wait_for("chat.postMessage", count=2)
    assert refused.body == retried.body  # one message in the channel, after one retry
    assert desk.run_clock(AFTER_JAN_23).posted == 0
    assert len(desk.stand_in.calls_to("chat.postMessage")) == 2


def test_the_mute_button_pauses_the_rule(desk: Desk) -> None:
    bot = desk.start_bot(AFTER_JAN_22)
    bot.command(ADD, response="add")
    muted = added_rule(bot, "add")
    # the same rule in another channel, left alone: it shows the later cross does fire
    bot.command(ADD, response="control", channel_id="C0OTHER")
    control = added_rule(bot, "control")

    desk.append_session("2026-01-23", rut=2760.0)
    assert desk.run_clock(AFTER_JAN_23).posted == 2
    (alert,) = posts_to(desk.stand_in, CHANNEL)
    mute = buttons_of(alert)["pause_alert"]
    assert mute == str(muted)

    assert bot.interact(button_press(bot, "pause_alert", mute, "mute")).status == 200
    (reply,) = desk.stand_in.wait_for("response/mute", timeout=30)
    assert reply.body["response_type"] == "in_channel", reply.body
    assert "Alert rule paused" in text_of(reply.body["blocks"])
    assert f"Rule {muted}:" in text_of(reply.body["blocks"])

    bot.command("alert list", response="list")
    listing = ephemeral_text(bot, "list")
    assert re.search(rf"\b{muted}\b.*Russell 2000 above 2,750 .*paused", listing), listing

    # back below the band, then above 2,750 again: only the rule that was not muted fires
    desk.append_session("2026-01-26", rut=2700.0)
    assert desk.run_clock(AFTER_JAN_26).posted == 0
    desk.append_session("2026-01-27", rut=2770.0)
    assert desk.run_clock(AFTER_JAN_27).posted == 1
    assert len(posts_to(desk.stand_in, CHANNEL)) == 1
    later = desk.stand_in.wait_for("chat.postMessage", count=3)[-1]
    assert later.body["channel"] == "C0OTHER"
    assert buttons_of(later)["pause_alert"] == str(control)


def test_a_bad_alert_command_is_an_ephemeral_error_and_creates_nothing(
    desk: Desk, redis_server: redis.Redis
) -> None:
    bot = desk.start_bot(AFTER_JAN_22)
    assert bot.command("alert add rut abve 2750", response="bad").status == 200
    error = ephemeral_text(bot, "bad")
    assert "'abve' is not a condition" in error
    assert "Try: `/smallcaps alert add rut above 2750`" in error
    # a negative level is refused, never flipped and announced in the channel
    assert bot.command("alert add rut above -2750", response="negative").status == 200
    assert "not '-2750'" in ephemeral_text(bot, "negative")
    # a button whose value is no rule number (a superscript digit) is refused, not a crash
    assert bot.interact(button_press(bot, "pause_alert", "²", "superscript")).status == 200
    assert "that button is not one of mine" in ephemeral_text(bot, "superscript")

    bot.command("alert list", response="list")
    assert "None yet" in ephemeral_text(bot, "list")
    assert redis_server.smembers(desk.keys.alert_channel(CHANNEL)) == set()
    assert redis_server.get(desk.keys.alert_next_id()) is None

    desk.append_session("2026-01-23", rut=2760.0)
    run = desk.run_clock(AFTER_JAN_23)
    assert (run.feeds, run.posted) == (0, 0), run.output
    assert desk.stand_in.calls_to("chat.postMessage") == []
