"""`status` per audience through the real endpoint: a workspace sees its own rules, feeds and
summaries and nothing of another's, of the processes or of Redis; an operator named in
SMALLCAPS_OPERATORS sees the operator's view; `/readyz` says only ready or not; `/metrics`
asks for its token."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from bot.config import ConfigError, Settings
from bot.metrics import serve_metrics
from bot.replies import TERMINAL, answer_or_failure
from bot.reports import Answer
from bot.services import Services
from bot.slack.views.home import STATUS_ACTION
from bot.status import StatusReport
from bot.store.keys import Keys
from bot.store.server import client_options
from tests.factories import write_streak_market
from tests.slack.conftest import BOT_TOKEN, SECRET, Bot, Reply, http_get, start_bot
from tests.slack.standin import SlackStandIn
from tests.slack.test_home import home_action
from tests.slack.validation import block_problems, text_of, view_problems

A, B = "T0AAA", "T0BBB"
CHANNEL = {A: "C0AAA", B: "C0BBB"}
OPERATOR = "U0OPS"
"""Named in SMALLCAPS_OPERATORS with workspace B only."""
CLOCK_HOLDER = "clock-host.internal:4242"
METRICS_TOKEN = "metrics-token-6f1d2c"


@pytest.fixture
def desk(
    stand_in: SlackStandIn, tmp_path: Path, redis_server: redis.Redis, keys: Keys
) -> Iterator[Bot]:
    """The bot in HTTP mode with an operator of workspace B and a metrics token; workspace A
    with two rules (one on a symbol of its own) and a daily summary, B with one rule, and a
    clock holding the lease."""
    market = tmp_path / "market"
    market.mkdir()
    facts = write_streak_market(market)
    shutil.copy(market / "^RUT.csv", market / "ZZPRIVATE.csv")  # a symbol only A watches
    settings = Settings(
        data=f"csv:{market}",
        home=tmp_path / "home",
        key_prefix=keys.prefix,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SECRET,
        slack_api_url=stand_in.api_url,
        operators=(f"{B}:{OPERATOR}",),
        metrics_token=METRICS_TOKEN,
    )
    services = Services(settings, clock=facts.clock, redis_client=redis_server)
    url, server = start_bot(services)
    bot = Bot(url, stand_in, services, facts)
    for team, text in (
        (A, "alert add rut above 2750"),
        (A, "alert add zzprivate above 10"),
        (A, "subscribe daily at 09:15 Europe/London"),
        (B, "alert add spx below 3000"),
    ):
        said = ask(bot, team, text, "setup")
        assert "Alert rule added" in said or "Daily summary on" in said, said
    redis_server.set(keys.clock_lease(), CLOCK_HOLDER, px=600_000)
    yield bot
    server.close()


_asked = iter(range(1_000_000))


def ask(bot: Bot, team: str, text: str, name: str, user: str = "U0ASKER") -> str:
    """`/smallcaps <text>` from `user` of `team`, in its channel: the answer's words."""
    response = f"{name}-{next(_asked)}"
    reply = bot.command(
        text, response=response, team_id=team, channel_id=CHANNEL[team], user_id=user
    )
    assert reply.status == 200
    (answer,) = bot.stand_in.wait_for(f"response/{response}", timeout=30)
    blocks: list[dict[str, Any]] = answer.body.get("blocks") or []
    assert block_problems(blocks) == []
    return text_of(blocks) + " " + str(answer.body.get("text", ""))


OPERATOR_ONLY = (CLOCK_HOLDER, "4242", "Redis", "REDIS_URL", "embedded", "Clock", "Job")


def test_a_workspace_s_status_shows_nothing_of_another_nor_of_the_processes(desk: Bot) -> None:
    said = ask(desk, B, "status", "b-status")
    assert "Status of this workspace" in said
    assert "1 alert rule in 1 channel" in said  # its own, the one on the S&P 500
    assert "S&P 500" in said and "0 daily summaries" in said
    for theirs in (CHANNEL[A], "ZZPRIVATE", "Russell 2000, level", "3 alert rules", "3 rules"):
        assert theirs not in said, theirs
    for secret in OPERATOR_ONLY:
        assert secret not in said, secret
    # and A sees its own two rules, its own symbol and its summary, nothing of B's
    said = ask(desk, A, "status", "a-status")
    assert "2 alert rules in 1 channel" in said
    assert "ZZPRIVATE" in said and f"{CHANNEL[A]} (next" in said
    assert CHANNEL[B] not in said and "S&P 500, level" not in said
    assert CLOCK_HOLDER not in said


def test_an_operator_named_in_the_settings_sees_the_operator_s_view(desk: Bot) -> None:
    said = ask(desk, B, "status", "ops", user=OPERATOR)
    assert f"Clock: {CLOCK_HOLDER} holds the lock" in said
    assert "Redis: ok" in said
    assert "Alerts: 3 rules" in said  # every workspace's
    # the same user id in another workspace is another person: a workspace's view
    said = ask(desk, A, "status", "same-id", user=OPERATOR)
    assert "Status of this workspace" in said and CLOCK_HOLDER not in said


def home_status(bot: Bot, team: str, user: str) -> str:
    """The Home's Status button, pressed by `user` of `team`: the modal's words."""
    before = len(bot.stand_in.calls_to("views.open"))
    payload = home_action(STATUS_ACTION)
    payload |= {"team": {"id": team}, "user": {"id": user}}
    assert bot.interact(payload).status == 200
    call = bot.stand_in.wait_for("views.open", before + 1)[-1]
    view = call.body["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view_problems(view) == []
    return text_of(view["blocks"])


def test_the_home_s_status_is_the_workspace_s_own_or_the_operator_s(desk: Bot) -> None:
    said = home_status(desk, B, "U0VIEWER")
    assert "1 alert rule in 1 channel" in said
    for hidden in (CHANNEL[A], "ZZPRIVATE", *OPERATOR_ONLY):
        assert hidden not in said, hidden
    said = home_status(desk, B, OPERATOR)
    assert f"Clock: {CLOCK_HOLDER}" in said and "Redis: ok" in said


@pytest.fixture
def redis_down(stand_in: SlackStandIn, tmp_path: Path) -> Iterator[Bot]:
    """The bot with its Redis gone (a socket nobody listens on)."""
    down = redis.Redis(unix_socket_path=str(tmp_path / "gone.sock"), **client_options())
    settings = Settings(
        data="yahoo",
        home=tmp_path,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SECRET,
        slack_api_url=stand_in.api_url,
        operators=(f"{B}:{OPERATOR}",),
    )
    url, server = start_bot(Services(settings, redis_client=down))
    yield Bot(url, stand_in)
    server.close()


def test_with_redis_down_a_workspace_is_told_no_reason_the_operator_is(redis_down: Bot) -> None:
    said = ask(redis_down, B, "status", "down")
    assert "cannot be read right now" in said
    for detail in ("gone.sock", "unreachable", "Redis", "Error"):
        assert detail not in said, detail
    said = ask(redis_down, B, "status", "down-ops", user=OPERATOR)
    assert "Redis: unreachable" in said and "gone.sock" in said


def test_readyz_says_only_not_ready_and_logs_why(
    redis_down: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.slack.http"):
        reply = redis_down.get("/readyz")
        again = redis_down.get("/readyz")
    assert reply.status == 503 and again.status == 503
    assert json.loads(reply.body) == {"status": "not ready"}
    assert b"gone.sock" not in reply.body and b"unreachable" not in reply.body
    logged = [r.getMessage() for r in caplog.records if r.name == "bot.slack.http"]
    assert len(logged) == 1  # when it changed, not at every probe
    assert "not ready" in logged[0] and "gone.sock" in logged[0]


def test_readyz_says_ready(desk: Bot) -> None:
    reply = desk.get("/readyz")
    assert reply.status == 200
    assert json.loads(reply.body) == {"status": "ready"}


def scrape(url: str, authorization: str | None = None) -> Reply:
    return http_get(url, {"Authorization": authorization} if authorization else None)


def test_metrics_ask_for_the_bearer_token_when_one_is_set(desk: Bot) -> None:
    refused = scrape(desk.url + "/metrics")
    assert refused.status == 401
    assert b"smallcaps_" not in refused.body
    assert scrape(desk.url + "/metrics", "Bearer wrong-token").status == 401
    assert scrape(desk.url + "/metrics", METRICS_TOKEN).status == 401  # the scheme too
    allowed = scrape(desk.url + "/metrics", f"Bearer {METRICS_TOKEN}")
    assert allowed.status == 200
    assert b"smallcaps_command_seconds" in allowed.body


def test_metrics_are_open_without_a_token(bot: Bot) -> None:
    assert bot.services is not None and bot.services.settings.metrics_token is None
    reply = scrape(bot.url + "/metrics")
    assert reply.status == 200 and b"smallcaps_" in reply.body


def test_the_clock_s_metrics_port_asks_for_the_token_too() -> None:
    server = serve_metrics(0, METRICS_TOKEN, host="127.0.0.1")
    try:
        url = f"http://127.0.0.1:{server.server_port}/metrics"
        assert scrape(url).status == 401
        allowed = scrape(url, f"Bearer {METRICS_TOKEN}")
        assert allowed.status == 200 and b"smallcaps_" in allowed.body
    finally:
        server.shutdown()
        server.server_close()


def test_operators_are_named_with_their_workspace_when_there_are_many() -> None:
    oauth = {
        "SLACK_CLIENT_ID": "1.2",
        "SLACK_CLIENT_SECRET": "client-secret",
        "SLACK_SIGNING_SECRET": SECRET,
        "SMALLCAPS_TOKEN_KEY": "kLxE6UHbDWYq3Jx5n0aW7xj5nU5cVb9pV8RZp3lqk8Q=",
    }
    named = Settings.from_env({**oauth, "SMALLCAPS_OPERATORS": f"{A}:U01, {B}:{OPERATOR}"})
    assert named.operators == (f"{A}:U01", f"{B}:{OPERATOR}")
    with pytest.raises(ConfigError, match="names no workspace"):
        Settings.from_env({**oauth, "SMALLCAPS_OPERATORS": OPERATOR})
    with pytest.raises(ConfigError, match="not a Slack user id"):
        Settings.from_env({**oauth, "SMALLCAPS_OPERATORS": "T0AAA:U01;rm"})
    one = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SECRET}
    assert Settings.from_env({**one, "SMALLCAPS_OPERATORS": OPERATOR}).operators == (OPERATOR,)


def test_at_the_console_status_is_the_operator_s(desk: Bot) -> None:
    assert desk.services is not None
    result = answer_or_failure(desk.services.answerer, "status", asker=TERMINAL)
    assert isinstance(result, Answer)
    assert isinstance(result.report, StatusReport)
    assert result.report.clock is not None and result.report.clock.holder == CLOCK_HOLDER
