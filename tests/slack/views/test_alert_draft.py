"""The alert form's draft, with no Slack: read from a view and from a message, checked field by
field in the grammar's words, and equal to the rule typed."""

from __future__ import annotations

import json

from bot.alerts.rule_words import parse_rule
from bot.slack.views import alert_form
from bot.slack.views.alert_draft import (
    BAND,
    BASIS,
    CHANNEL,
    LEVEL,
    TARGET,
    AlertDraft,
    as_target,
    draft_from_message,
    field_errors,
    opened_with,
    read_view,
    rule_of,
)


def test_a_draft_reads_as_the_rule_typed() -> None:
    draft = AlertDraft("C1", "rut", "above", "2750", "close", "every", "0.5", "1")
    assert draft.words() == [
        "rut",
        "above",
        "2750",
        "close",
        "every",
        "band",
        "0.5",
        "cooldown",
        "1",
    ]
    typed = parse_rule(
        ["rut", "above", "2750", "close", "every", "band", "0.5", "cooldown", "1"], ""
    )
    assert rule_of(draft) == typed
    assert field_errors(draft) == {}


def test_what_is_wrong_comes_back_on_its_field() -> None:
    assert set(field_errors(AlertDraft())) == {CHANNEL, TARGET, LEVEL}
    errors = field_errors(AlertDraft("C1", "rut", "move", "2", band="1"))
    assert set(errors) == {BAND}
    assert "re-arms by itself" in errors[BAND]
    assert set(field_errors(AlertDraft("C1", None, "streak", "5", "intraday"))) == {BASIS}
    assert "level" in field_errors(AlertDraft("C1", "rut", "above", "-5"))[LEVEL].lower()


def test_a_message_pointed_at_fills_the_target_the_level_and_the_direction() -> None:
    draft = draft_from_message("The Russell 2000 could fall below 2,600 next week", "C9")
    assert (draft.channel, draft.target, draft.condition, draft.level) == (
        "C9",
        "rut",
        "below",
        "2600",
    )
    moved = draft_from_message("IWM up 2.5% today", None)
    assert (moved.target, moved.condition, moved.level) == ("iwm", "move", "2.5")
    assert draft_from_message("nothing to see", None) == AlertDraft(condition="crosses")


def test_a_typed_word_is_kept_as_a_target_of_its_own() -> None:
    assert as_target("rut") == "rut"
    assert as_target("aapl") == "$AAPL"
    assert as_target("^xyz") == "^XYZ"
    assert as_target("iwm/spy") == "iwm/spy"
    assert as_target("a/b/c") is None
    assert as_target("not a symbol") is None


def test_the_view_round_trips_its_draft() -> None:
    draft = AlertDraft("C1", "$AAPL", "below", "180")
    view = alert_form.alert_form(draft)
    assert opened_with(view) == draft
    assert opened_with({"private_metadata": json.dumps({"condition": "sideways"})}) == AlertDraft()
    assert opened_with({"private_metadata": "not json"}) == AlertDraft()
    submitted = {
        "state": {
            "values": {
                CHANNEL: {CHANNEL: {"type": "conversations_select", "selected_conversation": "C1"}},
                TARGET: {TARGET: {"type": "external_select", "selected_option": {"value": "rut"}}},
                LEVEL: {LEVEL: {"type": "plain_text_input", "value": "2750"}},
            }
        }
    }
    assert read_view(submitted) == AlertDraft("C1", "rut", "above", "2750")
