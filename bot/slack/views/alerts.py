"""An alert as Block Kit: its document read into blocks and text in one pass, with the buttons
that mute or remove its rule."""

from __future__ import annotations

from bot.alerts.reports import AlertMessage
from bot.render.alert import alert_document
from bot.render.text import document_text
from bot.slack.views.blocks import (
    MAX_FALLBACK_TEXT,
    SlackMessage,
    clip,
    escape,
    header,
    text_sections,
)
from bot.slack.views.buttons import rule_buttons


def alert_message(message: AlertMessage) -> SlackMessage:
    """An alert as posted: what happened and its context, with buttons to mute or remove the
    rule (a retired rule has only the remove button); its text is the whole alert."""
    doc = alert_document(message)
    blocks = [header(f":rotating_light: {doc.title}"), *text_sections([str(p) for p in doc.parts])]
    blocks.append(rule_buttons(message.rule_id, paused=False, retired=message.retired))
    return SlackMessage(blocks, clip(escape(document_text(doc)), MAX_FALLBACK_TEXT))
