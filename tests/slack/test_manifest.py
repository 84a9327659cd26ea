"""The Slack app manifest asks for what the code uses, and points at the endpoint it serves."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.slack.app import BOT_SCOPES
from bot.slack.views import alert_form, summary_form

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "manifest.json"

SCOPES_OF = {
    "chat_postMessage": {"chat:write"},
    "files_upload_v2": {"files:write"},
    "users_conversations": {"channels:read", "groups:read"},
    "conversations_info": {"channels:read", "groups:read"},
    "views_open": set(),
    "views_update": set(),
    "views_publish": set(),
}
"""Each Web API method the code may call, and the bot scopes it needs (Slack's method pages)."""

_CALL = re.compile(r"\bclient\.([a-z]+(?:_[A-Za-z0-9]+)+)\(")


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(MANIFEST.read_text())
    return loaded


def web_api_calls() -> set[str]:
    """The WebClient methods called anywhere in the bot, read from its source."""
    found = set()
    for folder in ("bot", "handlers", "jobs"):
        for path in (ROOT / folder).rglob("*.py"):
            found |= set(_CALL.findall(path.read_text()))
    return {name for name in found if hasattr(WebClient, name)}


def test_the_slash_command_and_its_endpoint(manifest: dict[str, Any]) -> None:
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == "/smallcaps"
    settings = manifest["settings"]
    for url in (
        command["url"],
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
        settings["interactivity"]["message_menu_options_url"],  # the forms' type-ahead
    ):
        assert url.startswith("https://") and url.endswith("/slack/events")


def test_scopes_cover_every_web_api_call_and_nothing_more(manifest: dict[str, Any]) -> None:
    calls = web_api_calls()
    assert {"chat_postMessage", "files_upload_v2", "views_open"} <= calls  # the scan works
    assert calls <= set(SCOPES_OF), f"a call without a known scope: {calls - set(SCOPES_OF)}"
    needed = {"commands"} | {scope for call in calls for scope in SCOPES_OF[call]}
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == needed
    assert set(BOT_SCOPES) == needed  # what an install through /slack/install asks for


def test_installs_come_back_to_the_redirect_the_app_serves(manifest: dict[str, Any]) -> None:
    (redirect,) = manifest["oauth_config"]["redirect_urls"]
    assert redirect.startswith("https://") and redirect.endswith("/slack/oauth_redirect")


def test_the_shortcuts_open_the_forms(manifest: dict[str, Any]) -> None:
    shortcuts = {(s["type"], s["callback_id"]) for s in manifest["features"]["shortcuts"]}
    assert shortcuts == {
        ("global", alert_form.CALLBACK),
        ("global", summary_form.CALLBACK),
        ("message", alert_form.MESSAGE_SHORTCUT),
    }
    for shortcut in manifest["features"]["shortcuts"]:
        assert len(shortcut["name"]) <= 24 and len(shortcut["description"]) <= 150


def test_app_home_interactivity_and_socket_mode(manifest: dict[str, Any]) -> None:
    home = manifest["features"]["app_home"]
    assert home["home_tab_enabled"] is True
    # the app's messages carry what a form could not say in a channel; nobody types there
    assert home["messages_tab_enabled"] is True and home["messages_tab_read_only_enabled"] is True
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == [
        "app_home_opened",
        "app_uninstalled",  # many workspaces: a workspace that leaves is forgotten whole
        "tokens_revoked",
    ]
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["socket_mode_enabled"] is True
