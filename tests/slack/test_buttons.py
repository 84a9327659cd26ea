"""Buttons on answers and alerts through the real endpoint: another period, a chart, the
precedents, and a rule's pause, resume, replay and remove, without typing the grammar."""

from __future__ import annotations

import json
from typing import Any

from bot.slack.views.buttons import (
    ANSWER_ACTION,
    CHART_ACTION,
    PAUSE_ALERT_ACTION,
    REMOVE_ALERT_ACTION,
    REPLAY_ALERT_ACTION,
    RESUME_ALERT_ACTION,
    RULE_MENU_ACTION,
    SHARE_ACTION,
)
from tests.factories import STREAK
from tests.slack.conftest import Bot
from tests.slack.validation import block_problems, element, text_of


def answered(bot: Bot, name: str) -> dict[str, Any]:
    (call,) = bot.stand_in.wait_for(f"response/{name}")
    assert block_problems(call.body.get("blocks", [])) == []
    body: dict[str, Any] = call.body
    return body


def click(bot: Bot, el: dict[str, Any], response: str, **picked: Any) -> None:
    action = {"action_id": el["action_id"], "block_id": "b", "action_ts": "1", **picked}
    if "value" in el:
        action |= {"type": "button", "value": el["value"]}
    reply = bot.interact(
        {
            "type": "block_actions",
            "team": {"id": "T0TEST"},
            "user": {"id": "U0CLICKER"},
            "channel": {"id": "C0CHAN"},
            "api_app_id": "A0APP",
            "token": "legacy",
            "container": {"type": "message", "is_ephemeral": True},
            "response_url": bot.stand_in.response_url(response),
            "actions": [action],
        }
    )
    assert reply.status == 200


def labelled(blocks: list[dict[str, Any]], label: str) -> dict[str, Any]:
    return next(
        e
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e.get("text", {}).get("text") == label
    )


def test_an_answer_switches_period_with_a_click(bot: Bot) -> None:
    bot.command("returns ytd", response="ytd")
    blocks = answered(bot, "ytd")["blocks"]
    labels = [e["text"]["text"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert labels == ["1D", "5D", "1Y", "Chart this", "Post to channel"]
    click(bot, labelled(blocks, "1Y"), "1y")
    again = answered(bot, "1y")
    assert again["response_type"] == "ephemeral"
    assert " 1Y vs S&amp;P 500 " in again["blocks"][0]["text"]["text"]
    assert "Answered for today" not in text_of(again["blocks"])
    assert element(again["blocks"], SHARE_ACTION)  # it can be shared in turn


def test_a_button_on_an_older_answer_answers_for_today_and_says_so(bot: Bot) -> None:
    bot.command("returns ytd as of 2024-06-03", response="old")
    old = answered(bot, "old")["blocks"]
    one_day = labelled(old, "1D")
    assert json.loads(one_day["value"])["as_of"] == "2024-06-03"
    click(bot, one_day, "today")
    said = text_of(answered(bot, "today")["blocks"])
    assert bot.facts is not None
    assert (
        f"Answered for today, as of {bot.facts.last.isoformat()}: the answer you clicked on "
        "was as of 2024-06-03." in said
    )


def test_chart_this_and_precedents(bot: Bot) -> None:
    bot.command("streak", response="streak")
    blocks = answered(bot, "streak")["blocks"]
    click(bot, element(blocks, CHART_ACTION), "chart")
    bot.stand_in.wait_for("files.completeUploadExternal")
    (done,) = bot.stand_in.wait_for("response/chart")
    assert done.body["text"] == "Chart posted in the channel."
    click(bot, labelled(blocks, "Precedents"), "precedents")
    assert f"streaks of {STREAK}+ sessions" in text_of(answered(bot, "precedents")["blocks"])
    assert element(blocks, ANSWER_ACTION)["text"]["text"] == "Precedents"


def test_a_rule_is_paused_resumed_replayed_and_removed_from_alert_list(bot: Bot) -> None:
    bot.command("alert add rut above 2750", response="add")
    answered(bot, "add")
    bot.command("alert list", response="list")
    menu = element(answered(bot, "list")["blocks"], RULE_MENU_ACTION)
    (rule,) = menu["options"]
    click(bot, menu, "chosen", type="static_select", selected_option=rule)
    buttons = answered(bot, "chosen")["blocks"]
    assert [e["action_id"] for e in buttons[-1]["elements"]] == [
        PAUSE_ALERT_ACTION,
        REPLAY_ALERT_ACTION,
        REMOVE_ALERT_ACTION,
    ]
    click(bot, element(buttons, PAUSE_ALERT_ACTION), "paused")
    paused = answered(bot, "paused")
    assert paused["response_type"] == "in_channel"
    assert "Changed by <@U0CLICKER>" in text_of(paused["blocks"])
    assert element(paused["blocks"], RESUME_ALERT_ACTION)  # what can be done next
    click(bot, element(paused["blocks"], RESUME_ALERT_ACTION), "resumed")
    assert "resumed" in text_of(answered(bot, "resumed")["blocks"]).lower()
    click(bot, element(buttons, REPLAY_ALERT_ACTION), "replay")
    assert "would have fired" in answered(bot, "replay")["blocks"][0]["text"]["text"]
    click(bot, element(buttons, REMOVE_ALERT_ACTION), "removed")
    answered(bot, "removed")
    assert bot.services is not None
    assert bot.services.alert_store.channel_rules("C0CHAN") == []


def test_a_rule_button_of_another_channel_changes_nothing(bot: Bot) -> None:
    bot.command("alert add rut above 2750", response="add", channel_id="C0OTHER")
    answered(bot, "add")
    assert bot.services is not None
    (rule,) = bot.services.alert_store.channel_rules("C0OTHER")
    forged = {"action_id": PAUSE_ALERT_ACTION, "value": str(rule.id)}
    click(bot, forged, "forged")  # pressed in C0CHAN
    assert f"there is no rule {rule.id} in this channel" in answered(bot, "forged")["text"]
    (rule,) = bot.services.alert_store.channel_rules("C0OTHER")
    assert {leg.state.value for leg in rule.legs} == {"armed"}
