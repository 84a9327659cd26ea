"""Logs (JSON, request ids, every secret of the settings masked), the clock's back-off and
Redis-down stand-by."""

from __future__ import annotations

import io
import json
import logging
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from cryptography.fernet import Fernet

from bot.clock import FixedClock
from bot.config import Settings
from bot.logs import ContextExecutor, configure, request_id, secrets_of
from bot.metrics import SOURCE_HEALTH
from bot.process import start
from bot.services import Services
from bot.store.server import client_options
from jobs.clock import Backoff, Clock
from tests.factories import RecordedSummaries

TOKEN = "xoxb-1234-5678-abcdefSECRET"


@pytest.fixture(autouse=True)
def root_logging() -> Iterator[None]:
    """`configure` replaces the root logger's handlers: put pytest's back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def captured(secrets: tuple[str, ...] = ()) -> tuple[io.StringIO, logging.Logger]:
    stream = io.StringIO()
    configure(logging.INFO, {}, secrets=secrets, stream=stream)
    return stream, logging.getLogger("tests.operations")


def test_logs_are_json_lines_with_the_request_id_and_no_secrets() -> None:
    stream, log = captured(("my-signing-secret-value",))
    token = request_id.set("req-42")
    try:
        log.warning("posting with %s and my-signing-secret-value", TOKEN)
        log.info("redis at redis://:hunter2pass@redis.example:6379/0")
        try:
            raise RuntimeError(f"token {TOKEN} refused")
        except RuntimeError:
            log.exception("failed")
    finally:
        request_id.reset(token)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["level"] for line in lines] == ["warning", "info", "error"]
    assert {line["request_id"] for line in lines} == {"req-42"}
    assert lines[0]["message"] == "posting with [redacted] and [redacted]"
    assert lines[1]["message"] == "redis at redis://[redacted]@redis.example:6379/0"
    assert "RuntimeError: token [redacted] refused" in lines[2]["error"]
    everything = stream.getvalue()
    assert "SECRET" not in everything and "hunter2" not in everything
    assert "my-signing-secret-value" not in everything


def test_listener_threads_keep_the_request_id() -> None:
    stream, log = captured()
    token = request_id.set("req-7")
    try:
        with ContextExecutor(max_workers=2) as pool:
            pool.submit(log.warning, "in a listener thread").result()
            seen = pool.submit(request_id.get).result()
    finally:
        request_id.reset(token)
    assert seen == "req-7"
    assert json.loads(stream.getvalue())["request_id"] == "req-7"


def test_backoff_doubles_to_its_cap_and_resets() -> None:
    now = [0.0]
    backoff = Backoff(first=10, cap=60, now=lambda: now[0])
    assert [backoff.failed() for _ in range(5)] == [10, 20, 40, 60, 60]
    assert not backoff.ready()
    now[0] += 59
    assert not backoff.ready()
    now[0] += 1
    assert backoff.ready()
    backoff.succeeded()
    assert backoff.failed() == 10


def test_a_clock_without_redis_stands_by_and_does_not_raise(
    tmp_path: Path, clock: FixedClock
) -> None:
    down = redis.Redis(unix_socket_path=str(tmp_path / "none.sock"), **client_options())
    services = Services(Settings(home=tmp_path), clock=clock, redis_client=down)
    posted: list[object] = []
    ticker = Clock(services, posted.append, RecordedSummaries(), owner="test:1")  # type: ignore[arg-type]
    ticker.active = True
    assert ticker.heartbeat() is False
    assert ticker.active is False
    ticker.active = True  # as if it had been active: its jobs fail, back off, and do not raise
    ticker.watch()
    ticker.summaries()
    assert not ticker._backoffs["watch-market"].ready()
    assert not ticker._backoffs["dispatch-summaries"].ready()
    assert ticker._unrecorded["watch-market"][2] == 1
    assert posted == []


SECRETS = {
    "SLACK_CLIENT_SECRET": "client-secret-4a7b9c",
    "SLACK_SIGNING_SECRET": "signing-secret-8d2e1f",
    "SMALLCAPS_TOKEN_KEY": Fernet.generate_key().decode(),
    "FRED_API_KEY": "fredkey0123456789abcdef01234567",
    "STOOQ_API_KEY": "stooqkey-55aa77",
    "SMALLCAPS_METRICS_TOKEN": "metrics-token-99ff",
}


def test_every_secret_of_the_settings_is_masked_in_messages_and_tracebacks(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in {**SECRETS, "SLACK_CLIENT_ID": "1.2"}.items():
        monkeypatch.setenv(name, value)
    stops = {stop: signal.getsignal(stop) for stop in (signal.SIGTERM, signal.SIGHUP)}
    try:
        services = start(logging.INFO, {})  # as `python -m bot` and `python -m jobs` start
    finally:
        for stop, handler in stops.items():
            signal.signal(stop, handler)
        SOURCE_HEALTH.read = list
    assert services is not None and services.settings.mode == "oauth"
    log = logging.getLogger("tests.operations")
    for name, value in SECRETS.items():
        log.warning("%s is %s", name, value)
        try:
            raise RuntimeError(f"refused with {value}")
        except RuntimeError:
            log.exception("failed", stack_info=True)
    log.warning("asked %s", "https://example.test/q?series_id=DGS10&api_key=keynotinsettings1")
    logged = capsys.readouterr().err
    for name, value in SECRETS.items():
        assert value not in logged, name
    assert "keynotinsettings1" not in logged
    assert logged.count("[redacted]") >= 2 * len(SECRETS) + 1


def test_each_of_several_token_keys_is_masked() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings = Settings(token_key=f"{new}, {old}")
    stream, log = captured(tuple(secrets_of(settings)))
    log.warning("keys %s and %s", new, old)
    assert stream.getvalue().count("[redacted]") == 2
    assert new not in stream.getvalue() and old not in stream.getvalue()


@pytest.mark.slow
def test_rotate_token_key_as_a_command(tmp_path: Path) -> None:
    """`python -m bot rotate-token-key`: a mistyped key is refused with why (exit 2, no
    traceback); with the keys right it re-encrypts and exits 0."""
    import os
    import subprocess
    import sys

    def run(key: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SMALLCAPS_"))}
        env |= {"SMALLCAPS_HOME": str(tmp_path / "home"), "SMALLCAPS_TOKEN_KEY": key}
        env.pop("REDIS_URL", None)
        return subprocess.run(
            [sys.executable, "-m", "bot", "rotate-token-key"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    wrong = run("not-a-key")
    assert wrong.returncode == 2, wrong.stderr
    assert "SMALLCAPS_TOKEN_KEY is not a Fernet key" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    new, old = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    right = run(f"{new},{old}")
    assert right.returncode == 0, right.stderr
    assert "re-encrypted 0 installations with the first key" in right.stdout
