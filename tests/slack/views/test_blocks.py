"""Block Kit layouts, built with no Slack connection, checked against Slack's limits."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import redis

from bot.asker import Asker
from bot.commands import TOPICS
from bot.config import Settings
from bot.help import HelpReport, Usage
from bot.render.document import document
from bot.render.layout import Document, Table
from bot.reports import Answer
from bot.services import Services
from bot.slack.views.answers import answer_message
from bot.slack.views.blocks import (
    MAX_BLOCKS,
    MAX_HEADER_TEXT,
    MAX_SECTION_TEXT,
    document_blocks,
    error_blocks,
    error_text,
    escape,
)
from bot.slack.views.buttons import MAX_BUTTON_VALUE, SHARE_ACTION
from bot.slack.views.home import home_view
from bot.slack.views.tables import MAX_ROWS, PHONE_WIDTH, phone_text
from bot.universe import SECTORS
from tests.factories import write_streak_market
from tests.slack.validation import block_problems, text_of, view_problems

COMMANDS = [
    "help",
    "streak",
    "returns ytd",
    "returns 2021 rut spx ndx iwm",
    "sizes",
    "levels",
    "precedents 2",
    "macro",
    "status",
    "valuation",
    "sectors",
]


def check_limits(blocks: list[dict[str, Any]]) -> None:
    assert len(blocks) <= MAX_BLOCKS
    assert block_problems(blocks) == []
    for block in blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= MAX_HEADER_TEXT
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= MAX_SECTION_TEXT
            assert len(block.get("fields", [])) <= 10
        for element in block.get("elements", []):
            if element.get("type") == "button":
                assert len(element["value"]) <= MAX_BUTTON_VALUE


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory, redis_server: redis.Redis) -> list[Answer]:
    market = tmp_path_factory.mktemp("market")
    facts = write_streak_market(market)
    home = tmp_path_factory.mktemp("home")
    services = Services(
        Settings(data=f"csv:{market}", home=home), clock=facts.clock, redis_client=redis_server
    )
    results = []
    for text in COMMANDS:
        try:
            results.append(services.answerer.answer(text))
        except Exception as error:  # valuation and sectors have no data in this market
            assert "no" in str(error).lower()
    return results


def test_every_answer_fits_slack(answers: list[Answer]) -> None:
    assert len(answers) >= 8
    for answer in answers:
        blocks = answer_message(answer, share_value='{"text":"streak","as_of":"2026-01-22"}').blocks
        check_limits(blocks)
        # the headline first, in bold: what the notification says too
        headline = document(answer).headline
        assert blocks[0]["text"]["text"] == f"*{escape(headline)}*"
        assert answer_message(answer).text == escape(headline)
        assert blocks[-1]["type"] == "actions"
        assert blocks[-1]["elements"][-1]["action_id"] == SHARE_ACTION


def test_tables_become_code_blocks_split_between_lines() -> None:
    rows = [[f"row {i}", f"{i:,}" * 5] for i in range(400)]
    blocks = document_blocks(Document("Big", [Table(["name", "value"], rows)], "As of today"))
    check_limits(blocks)
    sections = [b for b in blocks if b["type"] == "section"]
    assert len(sections) > 1
    assert all(s["text"]["text"].startswith("```") for s in sections)
    lines = "\n".join(s["text"]["text"].strip("`") for s in sections).splitlines()
    assert lines[1].startswith("row 0") and lines[-1].startswith("row 399")  # nothing lost


def test_too_many_blocks_are_cut_with_a_notice() -> None:
    usages = [Usage(f"command {i}", "x" * 2900, ["x"], [], "help") for i in range(80)]
    answer = Answer("help", None, None, HelpReport(None, usages))
    blocks = answer_message(answer, share_value="{}").blocks
    check_limits(blocks)
    assert any("cut to fit" in str(b) for b in blocks)
    assert blocks[-1]["type"] == "actions"


def test_headers_are_clipped_and_text_is_escaped() -> None:
    blocks = document_blocks(Document("x" * 400, ["a < b & c > d"]))
    assert len(blocks[0]["text"]["text"]) == MAX_HEADER_TEXT
    title = "a long title " * 20
    words = document_blocks(Document(title, []))[0]["text"]["text"]
    assert len(words) <= MAX_HEADER_TEXT and words.endswith("…")
    assert title.startswith(words.removesuffix("…") + " ")  # cut between words
    assert blocks[1]["text"]["text"] == "a &lt; b &amp; c &gt; d"
    assert escape("<@U123>") == "&lt;@U123&gt;"  # user text can never mention or link


def test_a_share_value_too_long_for_a_button_gets_no_button(answers: list[Answer]) -> None:
    blocks = answer_message(answers[1], share_value="x" * (MAX_BUTTON_VALUE + 1)).blocks
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert buttons and SHARE_ACTION not in [e["action_id"] for e in buttons]


def test_errors_show_an_example() -> None:
    (block,) = error_blocks("unknown period 'ytdd'", "returns ytd")
    assert "unknown period 'ytdd'" in block["text"]["text"]
    assert "`/smallcaps returns ytd`" in block["text"]["text"]


def test_every_help_topic_is_shown_whole(answers: list[Answer]) -> None:
    for topic in TOPICS:
        blocks = answer_message(Answer("help", None, None, help_report(topic))).blocks
        assert blocks[1]["elements"][0]["text"] == f"/smallcaps {topic}"  # the title
        assert "…" not in text_of(blocks)  # nothing cut
        check_limits(blocks)


def test_fallback_text_is_escaped() -> None:
    answer = Answer("help", None, None, HelpReport("x", [Usage("x", "a<b>&", ["f"], [], "e")]))
    assert "a&lt;b&gt;&amp;" in answer_message(answer).text
    assert (
        error_text("no '<!channel>' & co", "help") == "no '&lt;!channel&gt;' &amp; co (e.g. `help`)"
    )


def test_home_view(answers: list[Answer]) -> None:
    view = home_view([answers[1], "returns ytd: no data"], [])
    assert view_problems(view) == []
    assert view["type"] == "home"
    assert len(view["blocks"]) <= 100
    text = text_of(view["blocks"])
    assert "returns ytd: no data" in text and "None of the channels you are in" in text
    assert [e["text"]["text"] for e in element_blocks(view, "actions")] == [
        "New alert",
        "Daily summary",
        "Status",
    ]


def element_blocks(view: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e for b in view["blocks"] if b["type"] == kind for e in b["elements"]]


def test_answer_without_source_has_no_footer() -> None:
    answer = Answer("help", date(2026, 1, 22), None, HelpReport(None, []))
    assert "As of" not in text_of(answer_message(answer).blocks)


def test_settings_never_print_tokens() -> None:
    settings = Settings(slack_bot_token="xoxb-secret", slack_signing_secret="shh")
    assert "xoxb-secret" not in repr(settings) and "shh" not in repr(settings)


def help_report(topic: str) -> HelpReport:
    t = TOPICS[topic]
    return HelpReport(topic, [Usage(topic, t.summary, list(t.forms), list(t.details), t.example)])


def monospace_lines(blocks: list[dict[str, Any]]) -> list[str]:
    return [
        line
        for b in blocks
        if b["type"] == "section" and b["text"]["text"].startswith("```")
        for line in b["text"]["text"].strip("`").splitlines()
    ]


def test_the_first_table_is_a_table_block_and_every_other_fits_a_phone(
    answers: list[Answer],
) -> None:
    with_tables = [a for a in answers if any(isinstance(p, Table) for p in document(a).parts)]
    assert len(with_tables) >= 6
    for answer in with_tables:
        blocks = answer_message(answer).blocks
        first = next(p for p in document(answer).parts if isinstance(p, Table))
        fits = len(first.rows) < MAX_ROWS  # one row is the header
        assert [b["type"] for b in blocks].count("table") == int(fits), answer.command
        assert all(len(line) <= PHONE_WIDTH for line in monospace_lines(blocks)), answer.command
    status = next(a for a in answers if a.command == "status")
    assert monospace_lines(answer_message(status).blocks)  # its other tables, as phone text


def test_a_table_too_wide_for_a_phone_becomes_a_record_a_row_and_loses_nothing() -> None:
    wide = Table(
        ["Job", "Runs", "Last error"],
        [["watch-market", "12", "ConnectionError: Error 111 connecting to localhost:6379."]],
    )
    lines = phone_text(wide).splitlines()
    assert lines[0] == "watch-market"
    assert all(len(line) <= PHONE_WIDTH for line in lines)
    joined = " ".join(line.strip() for line in lines)
    assert "Runs 12" in joined and "localhost:6379." in joined
    # a table that fits once its row names are shortened a little stays in columns
    fits = Table(["", "Return", "Daily vol"], [["Russell 2000 small-cap index", "+9.54%", "0.83%"]])
    (_, row) = phone_text(fits).splitlines()
    assert row.startswith("Russell 2000 small-cap in…") and row.endswith("0.83%")
    assert len(row) == PHONE_WIDTH
    very = Table(["Name", "Value"], [["x" * 80, "1.00%"]])
    assert all(len(line) <= PHONE_WIDTH for line in phone_text(very).splitlines())
    assert "1.00%" in phone_text(very)


def test_the_answers_people_read_as_tables_are_table_blocks(
    tmp_path: Path, redis_server: redis.Redis
) -> None:
    market = tmp_path / "market"
    market.mkdir()
    facts = write_streak_market(market)
    for pair in SECTORS:  # the sector funds move as the Russell 2000 does
        for fund in (pair.small, pair.large):
            shutil.copy(market / "^RUT.csv", market / f"{fund.symbol}.csv")
    settings = Settings(data=f"csv:{market}", home=tmp_path / "home")
    services = Services(settings, clock=facts.clock, redis_client=redis_server)
    asker = Asker("T0", "C0", "U0")
    services.answerer.answer("alert add rut above 2750", asker=asker)
    services.answerer.answer("subscribe daily at 09:15 London", asker=asker)
    for text in ("returns", "levels", "alert list", "sectors", "sizes", "precedents 3"):
        blocks = answer_message(services.answerer.answer(text, asker=asker)).blocks
        assert [b["type"] for b in blocks].count("table") == 1, text
        assert block_problems(blocks) == [], text
    blocks = answer_message(services.answerer.answer("subscriptions", asker=asker)).blocks
    (table,) = [b for b in blocks if b["type"] == "table"]
    assert [c["text"] for c in table["rows"][0]] == ["#", "Rule", "State"]
