"""Forms and menus act only where the person may: signed submissions and menu choices through
the real endpoint, the stand-in saying who is in which channel. A person not in the channel,
or a channel the bot cannot post in, is refused on the form's channel field (or on the Home)
and nothing is stored or posted; a member goes ahead."""

from __future__ import annotations

import json
from typing import Any

from bot.slack import membership
from bot.slack.views import alert_form, summary_form
from bot.slack.views.home import CHANNEL_MENU_ACTION, RULE_MENU_ACTION
from tests.slack.conftest import BOT_TOKEN, Bot
from tests.slack.standin import Scripted
from tests.slack.test_forms import CHANNEL, USER, rules_here, state, submission
from tests.slack.test_home import USER as VIEWER
from tests.slack.test_home import home_action, made_rule, published
from tests.slack.validation import text_of

ALERT = state(channel=CHANNEL, target="rut", condition="above", level="2750")
SUMMARY = state(channel=CHANNEL, time="10:00", zone="Europe/Paris")
NOT_IN = "You are not in this channel: only its members can change its alerts and summary."


def errors_of(bot: Bot, callback: str, values: dict[str, Any], response: str) -> dict[str, str]:
    """The field errors a submission is answered with ({} when the form closes)."""
    reply = bot.interact(submission(bot, callback, values, response))
    assert reply.status == 200
    if reply.body == b"":
        return {}
    answer = json.loads(reply.body)
    assert answer["response_action"] == "errors"
    return dict(answer["errors"])


def settled(bot: Bot) -> None:
    """Waits until a command sent now is answered: listeners started before it have run."""
    bot.command("alert list", response="settled")
    bot.stand_in.wait_for("response/settled")


def said_in_channel(bot: Bot) -> list[Any]:
    return bot.stand_in.calls_to("chat.postMessage") + [
        c
        for c in bot.stand_in.calls
        if c.method.startswith("response/") and c.method != "response/settled"
    ]


def test_the_alert_form_refuses_a_channel_the_person_is_not_in(bot: Bot) -> None:
    bot.stand_in.member_of = ["C0OTHER"]
    assert errors_of(bot, alert_form.CALLBACK, ALERT, "refused") == {"channel": NOT_IN}
    settled(bot)
    assert rules_here(bot) == []
    assert said_in_channel(bot) == []
    (asked,) = bot.stand_in.calls_to("users.conversations")
    assert asked.body["user"] == USER
    assert asked.headers["Authorization"] == f"Bearer {BOT_TOKEN}"  # the workspace's token


def test_a_member_found_on_a_later_page_of_their_channels_makes_the_rule(bot: Bot) -> None:
    bot.stand_in.member_of = [f"C{n:06d}" for n in range(membership.PAGE)] + [CHANNEL]
    assert errors_of(bot, alert_form.CALLBACK, ALERT, "made") == {}
    bot.stand_in.wait_for("response/made")
    assert len(rules_here(bot)) == 1
    pages = bot.stand_in.calls_to("users.conversations")
    assert [p.body.get("cursor") for p in pages] == [None, str(membership.PAGE)]


def test_a_person_in_more_channels_than_are_read_is_told_so(bot: Bot) -> None:
    bot.stand_in.member_of = [f"C{n:06d}" for n in range(membership.PAGE * membership.PAGES)]
    bot.stand_in.member_of.append(CHANNEL)
    errors = errors_of(bot, alert_form.CALLBACK, ALERT, "far")
    assert errors["channel"].startswith("I could not find this channel among the first 1,998")
    assert len(bot.stand_in.calls_to("users.conversations")) == membership.PAGES
    settled(bot)
    assert rules_here(bot) == []


def test_a_channel_the_bot_cannot_post_in_is_refused_with_why(bot: Bot) -> None:
    bot.stand_in.bot_not_in = {CHANNEL}
    (error,) = errors_of(bot, alert_form.CALLBACK, ALERT, "not-in").values()
    assert error == (
        "I am not in this channel, so I cannot post there: add me with /invite @smallcaps first."
    )
    missing = Scripted(200, {"ok": False, "error": "channel_not_found"})
    archived = {"id": CHANNEL, "is_channel": True, "is_archived": True, "is_member": True}
    bot.stand_in.script(
        "conversations.info",
        missing,
        Scripted(200, {"ok": True, "channel": archived}),
        Scripted(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "30"}),
    )
    said = [errors_of(bot, summary_form.CALLBACK, SUMMARY, f"s{n}")["channel"] for n in range(3)]
    assert said == [
        "I cannot see this channel: if it is private, add me with /invite @smallcaps first.",
        "This channel is archived: choose another one.",
        "I could not check this channel just now (ratelimited): try again in a minute.",
    ]
    settled(bot)
    assert rules_here(bot) == []
    assert bot.services is not None
    assert bot.services.summary_store.subscription(CHANNEL) is None
    assert said_in_channel(bot) == []


def test_the_summary_form_neither_makes_nor_moves_a_summary_for_a_non_member(bot: Bot) -> None:
    assert bot.services is not None
    bot.stand_in.member_of = ["C0OTHER"]
    assert errors_of(bot, summary_form.CALLBACK, SUMMARY, "made") == {"channel": NOT_IN}
    bot.command("subscribe daily at 09:15 Europe/London", response="typed")
    bot.stand_in.wait_for("response/typed")
    assert errors_of(bot, summary_form.CALLBACK, SUMMARY, "moved") == {"channel": NOT_IN}
    settled(bot)
    sub = bot.services.summary_store.subscription(CHANNEL)
    assert sub is not None and sub.when.zone == "Europe/London"
    assert sub.when.at.strftime("%H:%M") == "09:15"
    assert [c.method for c in bot.stand_in.calls if c.method.startswith("response/")] == [
        "response/typed",
        "response/settled",
    ]
    bot.stand_in.member_of = [CHANNEL]  # joined: the same form moves it
    assert errors_of(bot, summary_form.CALLBACK, SUMMARY, "joined") == {}
    bot.stand_in.wait_for("response/joined")
    sub = bot.services.summary_store.subscription(CHANNEL)
    assert sub is not None and sub.when.zone == "Europe/Paris"


def test_the_home_stops_a_summary_or_removes_a_rule_only_for_a_member(bot: Bot) -> None:
    assert bot.services is not None
    rule = made_rule(bot)
    bot.command("subscribe daily at 09:15 Europe/London", response="sub")
    bot.stand_in.wait_for("response/sub")
    bot.stand_in.member_of = ["C0OTHER"]
    bot.stand_in.bot_not_in = {CHANNEL}  # stopping needs only the person in the channel
    bot.interact(home_action(CHANNEL_MENU_ACTION, {"do": "stop", "channel": CHANNEL}))
    assert NOT_IN in text_of(published(bot, 1)["blocks"])
    remove = {"do": "remove", "rule": rule.id, "channel": CHANNEL}
    bot.interact(home_action(RULE_MENU_ACTION, remove))
    assert NOT_IN in text_of(published(bot, 2)["blocks"])
    assert bot.services.summary_store.subscription(CHANNEL) is not None
    assert [r.id for r in rules_here(bot)] == [rule.id]
    assert bot.stand_in.calls_to("chat.postMessage") == []
    asked = bot.stand_in.calls_to("users.conversations")
    assert {c.body["user"] for c in asked} == {VIEWER}
    bot.stand_in.member_of = [CHANNEL]
    bot.interact(home_action(CHANNEL_MENU_ACTION, {"do": "stop", "channel": CHANNEL}))
    (post,) = bot.stand_in.wait_for("chat.postMessage")
    assert post.body["channel"] == CHANNEL
    assert bot.services.summary_store.subscription(CHANNEL) is None
