"""How counts read in answers: a noun that agrees with its number, everywhere."""

from __future__ import annotations

from bot.commands.status import document, headline, workspace_document, workspace_headline
from bot.render.numbers import counted, sessions
from bot.status import (
    AlertsStatus,
    FailedPostsStatus,
    StatusReport,
    SummariesStatus,
    WorkspaceRules,
    WorkspaceStatusReport,
)


def test_a_count_agrees_with_its_noun() -> None:
    assert counted(1, "rule") == "1 rule"
    assert counted(0, "rule") == "0 rules"
    assert counted(2, "daily summary", "daily summaries") == "2 daily summaries"
    assert counted(1, "daily summary", "daily summaries") == "1 daily summary"
    assert counted(1234, "run") == "1,234 runs"
    assert sessions(1) == "1 session" and sessions(3) == "3 sessions"


def test_status_says_one_of_each_in_the_singular_and_no_rule_legs() -> None:
    one = WorkspaceRules(
        rules=1, channels=1, watching=1, paused=0, waiting=0, last_tick=None, held=""
    )
    mine = WorkspaceStatusReport("csv", alerts=one, summaries=[])
    said = workspace_headline(mine) + " " + " ".join(map(str, workspace_document(mine).parts))
    assert "1 alert rule in 1 channel, 1 watching, 0 paused" in said
    assert "0 daily summaries" in said
    everyone = StatusReport(
        "csv",
        "ok",
        alerts=AlertsStatus(1, 1, None, "", 0, {"close:level:^RUT": "prices 2 h old"}),
        summaries=SummariesStatus(1, None, None),
        failed_posts=FailedPostsStatus({}, [], unreadable_installations=1),
    )
    said = headline(everyone) + " " + " ".join(map(str, document(everyone).parts))
    assert "Alerts: 1 rule, 1 threshold watched" in said
    assert "alerts held on 1 feed " in said
    assert "Daily summaries: 1 channel." in said
    assert "Tokens: 1 installation open" in said
    for wrong in ("legs", "(s)", "1 rules", "1 feeds", "1 thresholds"):
        assert wrong not in said
