"""The App Home through the real endpoint: made for the person who opens it, with the channels
they are in, each rule's menu, and the workspace's status a button away."""

from __future__ import annotations

import json
from typing import Any

from bot.slack.views.home import CHANNEL_MENU_ACTION, RULE_MENU_ACTION, STATUS_ACTION
from tests.factories import STREAK
from tests.slack.conftest import Bot
from tests.slack.validation import element, text_of, view_problems

TEAM, USER, CHANNEL = "T0TEST", "U0VIEWER", "C0CHAN"


def open_home(bot: Bot, count: int = 1) -> dict[str, Any]:
    bot.event({"type": "app_home_opened", "user": USER, "channel": "D0", "tab": "home"})
    return published(bot, count)


def published(bot: Bot, count: int) -> dict[str, Any]:
    call = bot.stand_in.wait_for("views.publish", count)[-1]
    assert call.body["user_id"] == USER
    view = call.body["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view_problems(view) == [], view_problems(view)
    return dict(view)


def home_action(action_id: str, value: dict[str, Any] | None = None) -> dict[str, Any]:
    action: dict[str, Any] = {"action_id": action_id, "block_id": "b", "action_ts": "1"}
    if value is None:
        action |= {"type": "button", "value": "status"}
    else:
        picked = {"text": {"type": "plain_text", "text": "x"}, "value": json.dumps(value)}
        action |= {"type": "overflow", "selected_option": picked}
    return {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": USER},
        "api_app_id": "A0APP",
        "token": "legacy",
        "container": {"type": "view", "view_id": "V0HOME"},
        "view": {"id": "V0HOME", "type": "home"},
        "actions": [action],
    }


def made_rule(bot: Bot) -> Any:
    """A rule typed in the channel, as stored."""
    bot.command("alert add rut above 2750", response="made")
    bot.stand_in.wait_for("response/made")
    assert bot.services is not None
    (rule,) = bot.services.alert_store.channel_rules(CHANNEL)
    return rule


def test_the_home_opens_with_the_market_a_chart_and_the_forms(bot: Bot) -> None:
    view = open_home(bot)
    blocks = view["blocks"]
    assert blocks[1]["text"]["text"].startswith(f"*Russell 2000 has beaten S&amp;P 500 {STREAK}")
    assert any(b["type"] == "data_visualization" for b in blocks)
    text = text_of(blocks)
    assert "None of the channels you are in has alerts or a daily summary yet" in text
    for label in ("New alert", "Daily summary", "Status"):
        assert label in text
    assert "Redis" not in text


def test_the_home_lists_the_viewer_s_channels_with_their_rules_and_menus(bot: Bot) -> None:
    bot.command("alert add rut above 2750", response="one")
    bot.command("subscribe daily at 09:15 Europe/London", response="two")
    bot.command("alert add spx move 2%", response="three", channel_id="C0OTHER")
    for name in ("one", "two", "three"):
        bot.stand_in.wait_for(f"response/{name}")
    view = open_home(bot)
    text = text_of(view["blocks"])
    assert "*<#C0CHAN>*\nDaily summary at 09:15 Europe/London" in text
    assert "Russell 2000 above 2,750 (close, every, band 0.5%) · *armed*" in text
    assert "C0OTHER" not in text  # the viewer is not in it
    rule_menu = element(view["blocks"], RULE_MENU_ACTION)
    assert [o["text"]["text"] for o in rule_menu["options"]] == [
        "Pause",
        "Replay the last year",
        "Remove",
    ]
    bot.stand_in.member_of = ["C0CHAN", "C0OTHER"]
    assert "S&amp;P 500 moves 2%" in text_of(open_home(bot, 2)["blocks"])


def test_a_rule_paused_from_the_home_is_confirmed_in_its_channel(bot: Bot) -> None:
    rule = made_rule(bot)
    assert bot.services is not None
    pause = {"do": "pause", "rule": rule.id, "channel": CHANNEL}
    assert bot.interact(home_action(RULE_MENU_ACTION, pause)).status == 200
    (post,) = bot.stand_in.wait_for("chat.postMessage")
    assert post.body["channel"] == CHANNEL
    assert "Changed by <@U0VIEWER>" in text_of(post.body["blocks"])
    view = published(bot, 1)
    assert f"Rule {rule.id}: paused; said so in <#C0CHAN>." in text_of(view["blocks"])
    assert "· *paused*" in text_of(view["blocks"])
    (rule,) = bot.services.alert_store.channel_rules(CHANNEL)
    assert {leg.state.value for leg in rule.legs} == {"paused"}
    # a rule of another channel the viewer is in, named with this one's id, is refused and
    # changes nothing
    bot.stand_in.member_of = ["C0CHAN", "C0OTHER"]
    other = {"do": "remove", "rule": rule.id, "channel": "C0OTHER"}
    bot.interact(home_action(RULE_MENU_ACTION, other))
    refused = published(bot, 2)
    assert f"there is no rule {rule.id} in this channel" in text_of(refused["blocks"])
    assert bot.services.alert_store.channel_rules(CHANNEL) != []


def test_replay_and_status_open_in_modals(bot: Bot) -> None:
    rule = made_rule(bot)
    assert bot.services is not None
    replay = {"do": "test", "rule": rule.id, "channel": CHANNEL}
    bot.interact(home_action(RULE_MENU_ACTION, replay))
    bot.interact(home_action(STATUS_ACTION))
    calls = bot.stand_in.wait_for("views.open", 2)
    views = [
        json.loads(c.body["view"]) if isinstance(c.body["view"], str) else c.body["view"]
        for c in calls
    ]
    for view in views:
        assert view_problems(view) == []
    said = " ".join(text_of(v["blocks"]) for v in views)
    assert "Russell 2000 above 2,750 (close, every, band 0.5%) would have fired" in said
    assert "Status of this workspace" in said and "1 alert rule in 1 channel" in said
    assert "Redis" not in said  # the operator's view is for operators (tests/slack/test_status.py)


def test_a_channel_s_summary_is_changed_or_stopped_from_the_home(bot: Bot) -> None:
    bot.command("subscribe daily at 09:15 Europe/London", response="sub")
    bot.stand_in.wait_for("response/sub")
    bot.interact(home_action(CHANNEL_MENU_ACTION, {"do": "summary", "channel": CHANNEL}))
    (opened,) = bot.stand_in.wait_for("views.open")
    form = (
        json.loads(opened.body["view"])
        if isinstance(opened.body["view"], str)
        else opened.body["view"]
    )
    assert element(form["blocks"], "time")["initial_time"] == "09:15"
    assert element(form["blocks"], "zone")["initial_option"]["value"] == "Europe/London"
    bot.interact(home_action(CHANNEL_MENU_ACTION, {"do": "stop", "channel": CHANNEL}))
    (post,) = bot.stand_in.wait_for("chat.postMessage")
    assert post.body["channel"] == CHANNEL
    assert bot.services is not None
    assert bot.services.summary_store.subscription(CHANNEL) is None
    assert "None of the channels you are in" in text_of(published(bot, 1)["blocks"])


def test_a_home_whose_chart_slack_refuses_is_published_without_it(bot: Bot) -> None:
    bot.stand_in.refuse_blocks("data_visualization")
    view = open_home(bot, 2)
    assert not any(b["type"] == "data_visualization" for b in view["blocks"])
    assert len(bot.stand_in.calls_to("views.publish")) == 2
