"""The forms through the real endpoint: shortcuts, `alert add` alone, the App Home and a level
open them; menus type ahead; the alert form replays its rule; submissions are checked on the
form (nothing stored when wrong) and made as the same command typed."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from bot.alerts.replay import rule_figures
from bot.alerts.reports import AlertTestReport, ReplayFiring
from bot.alerts.rule_words import parse_rule
from bot.slack.views import alert_form, summary_form
from bot.slack.views.buttons import ALERT_HERE_ACTION
from tests.slack.conftest import Bot
from tests.slack.validation import element, text_of, view_problems

TEAM, USER, CHANNEL = "T0TEST", "U0ASKER", "C0CHAN"


def opened_view(bot: Bot, count: int = 1) -> dict[str, Any]:
    calls = bot.stand_in.wait_for("views.open", count)
    view = calls[-1].body["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view_problems(view) == [], view_problems(view)
    return dict(view)


def initial(view: dict[str, Any], field: str) -> Any:
    """What a field of a view starts with."""
    el = element(view["blocks"], field)
    for key in ("initial_conversation", "initial_value", "initial_time"):
        if key in el:
            return el[key]
    return (el.get("initial_option") or {}).get("value")


def shortcut(callback: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "shortcut",
        "callback_id": callback,
        "team": {"id": TEAM},
        "user": {"id": USER, "team_id": TEAM},
        "api_app_id": "A0APP",
        "token": "legacy",
        **extra,
    }


def state(**fields: str | None) -> dict[str, Any]:
    """A view's `state.values` as Slack sends it, from field -> value."""
    values: dict[str, Any] = {}
    for field, value in fields.items():
        if field == "channel":
            got: dict[str, Any] = {"type": "conversations_select", "selected_conversation": value}
        elif field == "time":
            got = {"type": "timepicker", "selected_time": value}
        elif field in ("target", "condition", "basis", "repeat", "zone"):
            picked = {"value": value, "text": {"type": "plain_text", "text": str(value)}}
            got = {"type": "static_select", "selected_option": picked if value else None}
        else:
            got = {"type": "plain_text_input", "value": value}
        values[field] = {field: got}
    return values


def submission(bot: Bot, callback: str, values: dict[str, Any], response: str) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": {"id": TEAM},
        "user": {"id": USER, "team_id": TEAM},
        "api_app_id": "A0APP",
        "token": "legacy",
        "view": {
            "id": "V0VIEW",
            "type": "modal",
            "callback_id": callback,
            "hash": "h1",
            "private_metadata": "{}",
            "state": {"values": values},
        },
        "response_urls": [
            {
                "block_id": "channel",
                "action_id": "channel",
                "channel_id": CHANNEL,
                "response_url": bot.stand_in.response_url(response),
            }
        ],
    }


def rules_here(bot: Bot) -> list[Any]:
    assert bot.services is not None
    return bot.services.alert_store.channel_rules(CHANNEL)


def test_the_global_shortcut_opens_the_alert_form(bot: Bot) -> None:
    assert bot.interact(shortcut(alert_form.CALLBACK)).status == 200
    view = opened_view(bot)
    assert view["callback_id"] == alert_form.CALLBACK
    labels = [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]
    assert labels[:4] == ["Post alerts in", "Watch", "When it", "Level"]
    assert "Cooldown (sessions)" in labels and "Re-arm band" in labels


def test_alert_add_alone_opens_the_form_for_its_channel(bot: Bot) -> None:
    bot.command("alert add", response="alone")
    view = opened_view(bot)
    assert initial(view, "channel") == CHANNEL
    assert bot.stand_in.calls_to("response/alone") == []  # the form, not an error
    bot.command("alert add rut", response="partial")  # words after it: the grammar answers
    (refused,) = bot.stand_in.wait_for("response/partial")
    assert "a target, a condition and a number" in refused.body["text"]


def test_alert_on_this_fills_the_form_from_the_message(bot: Bot) -> None:
    payload = shortcut(
        alert_form.MESSAGE_SHORTCUT,
        type="message_action",
        channel={"id": CHANNEL},
        message={"type": "message", "text": "Russell 2000 just closed above 2,750.50!", "ts": "1"},
        response_url=bot.stand_in.response_url("msg"),
    )
    bot.interact(payload)
    view = opened_view(bot)
    assert initial(view, "target") == "rut"
    assert initial(view, "condition") == "above"
    assert initial(view, "level") == "2750.50"
    assert initial(view, "channel") == CHANNEL


def test_a_level_chosen_under_levels_opens_the_form_at_it(bot: Bot) -> None:
    bot.command("levels", response="levels")
    (answer,) = bot.stand_in.wait_for("response/levels")
    menu = element(answer.body["blocks"], ALERT_HERE_ACTION)
    picked = menu["options"][0]
    bot.interact(
        {
            "type": "block_actions",
            "team": {"id": TEAM},
            "user": {"id": USER},
            "channel": {"id": CHANNEL},
            "api_app_id": "A0APP",
            "token": "legacy",
            "container": {"type": "message", "is_ephemeral": True},
            "response_url": bot.stand_in.response_url("picked"),
            "actions": [
                {
                    "action_id": ALERT_HERE_ACTION,
                    "block_id": "b",
                    "type": "static_select",
                    "selected_option": picked,
                    "action_ts": "1",
                }
            ],
        }
    )
    view = opened_view(bot)
    chosen = json.loads(picked["value"])
    assert initial(view, "target") == chosen["target"]
    assert float(initial(view, "level")) == chosen["level"]
    assert initial(view, "condition") == "crosses"


def test_the_target_menu_types_ahead_over_the_universe_and_any_symbol(bot: Bot) -> None:
    def suggest(value: str) -> list[dict[str, Any]]:
        reply = bot.interact(
            {
                "type": "block_suggestion",
                "action_id": "target",
                "block_id": "target",
                "value": value,
                "team": {"id": TEAM},
                "user": {"id": USER},
                "api_app_id": "A0APP",
                "token": "legacy",
                "view": {"id": "V0VIEW", "callback_id": alert_form.CALLBACK},
            }
        )
        assert reply.status == 200, reply
        options: list[dict[str, Any]] = json.loads(reply.body)["options"]
        return options

    russell = suggest("russell")
    assert [o["value"] for o in russell][:2] == ["rut", "micro"]
    assert suggest("russell") == russell  # the same letters again: answered, not a replay
    assert [o["value"] for o in suggest("aapl")] == ["$AAPL"]
    assert suggest("iwm/spy")[0]["value"] == "iwm/spy"
    assert len(suggest("")) > 30


def test_a_wrong_level_is_shown_on_its_field_and_nothing_is_stored(bot: Bot) -> None:
    values = state(channel=CHANNEL, target="rut", condition="above", level="-2750")
    reply = bot.interact(submission(bot, alert_form.CALLBACK, values, "wrong"))
    assert reply.status == 200
    answer = json.loads(reply.body)
    assert answer["response_action"] == "errors"
    assert answer["errors"] == {"level": "A level is more than 0 and below 10,000,000, not '-2750'"}
    values = state(channel=CHANNEL, target="now", condition="move", level="2", band="1")
    errors = json.loads(bot.interact(submission(bot, alert_form.CALLBACK, values, "w2")).body)
    assert set(errors["errors"]) == {"target", "band"}
    assert rules_here(bot) == []
    assert bot.stand_in.calls_to("response/wrong") == []


def test_a_rule_made_in_the_form_equals_the_rule_typed(bot: Bot) -> None:
    values = state(
        channel=CHANNEL,
        target="rut",
        condition="above",
        level="2,750",
        basis="close",
        repeat="once",
        band="1%",
        cooldown="2",
    )
    reply = bot.interact(submission(bot, alert_form.CALLBACK, values, "made"))
    assert reply.status == 200 and reply.body == b""  # the form closes
    (confirmed,) = bot.stand_in.wait_for("response/made")
    assert confirmed.body["response_type"] == "in_channel"
    assert "Changed by <@U0ASKER>" in text_of(confirmed.body["blocks"])
    (rule,) = rules_here(bot)
    typed = "rut above 2,750 close once band 1% cooldown 2"
    assert rule.spec == parse_rule(typed.split(), "")
    bot.command(f"alert add {typed}", response="typed")
    (again,) = bot.stand_in.wait_for("response/typed")
    assert f"rule {rule.id} already watches that here" in again.body["text"]
    # the same rule from the form again: refused on the form, before it closes
    reply = bot.interact(submission(bot, alert_form.CALLBACK, values, "twice"))
    assert json.loads(reply.body)["errors"]["level"].startswith(f"Rule {rule.id} already")


def test_the_form_replays_the_rule_as_it_is_filled_in(bot: Bot) -> None:
    assert bot.services is not None
    closes = pd.read_csv(Path(bot.services.settings.data.removeprefix("csv:")) / "^RUT.csv")
    middle = f"{closes['Close'].iloc[-250:].median():.0f}"  # crossed in the last year
    values = state(channel=CHANNEL, target="rut", condition="crosses", level=middle)
    bot.interact(
        {
            "type": "block_actions",
            "team": {"id": TEAM},
            "user": {"id": USER},
            "api_app_id": "A0APP",
            "token": "legacy",
            "container": {"type": "view", "view_id": "V0VIEW"},
            "view": {
                "id": "V0VIEW",
                "hash": "h1",
                "type": "modal",
                "callback_id": alert_form.CALLBACK,
                "private_metadata": json.dumps({"channel": CHANNEL, "condition": "above"}),
                "state": {"values": values},
            },
            "actions": [
                {
                    "action_id": "level",
                    "block_id": "level",
                    "type": "plain_text_input",
                    "value": "2050",
                    "action_ts": "1",
                }
            ],
        }
    )
    (update,) = bot.stand_in.wait_for("views.update")
    assert update.body["view_id"] == "V0VIEW" and update.body["hash"] == "h1"
    view = (
        json.loads(update.body["view"])
        if isinstance(update.body["view"], str)
        else update.body["view"]
    )
    assert view_problems(view) == []
    preview = next(b for b in view["blocks"] if b.get("block_id") == "preview")
    said = preview["text"]["text"]
    assert (
        f"*Russell 2000 crosses {int(middle):,} (close, every, band 0.5%) would have fired" in said
    )
    fired = re.search(r"would have fired (\d+) times", said)
    assert fired and int(fired.group(1)) >= 1
    assert re.search(r"\*: 20\d\d-\d\d-\d\d \(", said)  # the dates, each with its close
    assert initial(view, "channel") == CHANNEL  # rebuilt as it was opened
    assert rules_here(bot) == []  # a replay stores nothing


def test_the_summary_form_subscribes_the_channel(bot: Bot) -> None:
    bot.interact(shortcut(summary_form.CALLBACK))
    view = opened_view(bot)
    assert initial(view, "time") == "16:30" and initial(view, "zone") == "America/New_York"
    wrong = state(channel=CHANNEL, time="09:15", zone="Mars/Olympus")
    reply = bot.interact(submission(bot, summary_form.CALLBACK, wrong, "bad-zone"))
    assert "not a time zone I know" in json.loads(reply.body)["errors"]["zone"]
    assert bot.services is not None
    assert bot.services.summary_store.subscription(CHANNEL) is None
    right = state(channel=CHANNEL, time="09:15", zone="Europe/London")
    assert bot.interact(submission(bot, summary_form.CALLBACK, right, "daily")).body == b""
    (confirmed,) = bot.stand_in.wait_for("response/daily")
    assert confirmed.body["response_type"] == "in_channel"
    sub = bot.services.summary_store.subscription(CHANNEL)
    assert sub is not None and sub.when.zone == "Europe/London"
    assert sub.when.at.strftime("%H:%M") == "09:15"
    zones = bot.interact(
        {
            "type": "block_suggestion",
            "action_id": "zone",
            "block_id": "zone",
            "value": "tok",
            "team": {"id": TEAM},
            "user": {"id": USER},
            "api_app_id": "A0APP",
            "token": "legacy",
        }
    )
    assert json.loads(zones.body)["options"][0]["value"] == "Asia/Tokyo"


def test_the_zone_menu_says_what_a_clock_reads_and_offers_no_refused_zone() -> None:
    def offered(query: str) -> dict[str, str]:
        return {o["value"]: o["text"]["text"] for o in summary_form.zone_options(query)}

    new_york = offered("")["America/New_York"]
    assert new_york == "America/New_York (ET: EST in winter, EDT in summer)"
    est = offered("est")
    assert next(iter(est)) == "America/New_York"  # the clock people mean by EST, first
    assert "EST" not in est and "EST5EDT" in est  # IANA's fixed EST is refused, so not offered
    assert not any(re.fullmatch(r"Etc/GMT[+-][1-9]\d*", z) for z in offered("gmt"))
    assert "Etc/GMT" in offered("gmt")
    assert next(iter(offered("tok"))) == "Asia/Tokyo"


def test_the_preview_gives_a_move_with_its_sign() -> None:
    """The form's replay shows each day's move as it was, a fall with its minus."""
    spec = parse_rule(["rut", "move", "2"], "alert add rut move 2")
    report = AlertTestReport(
        rule_figures(spec),
        date(2025, 1, 2),
        date(2025, 12, 31),
        [
            ReplayFiring(date(2025, 4, 3), 1910.0, -6.59),
            ReplayFiring(date(2025, 4, 9), 1914.0, 8.66),
        ],
    )
    preview = alert_form.preview_of(report)
    assert "2025-04-03 (-6.59%), 2025-04-09 (+8.66%)" in preview
