"""How long a Redis command keeps trying: for the process's patience, counted from the first
try, whatever retries nest inside it; only failures another try may not meet; and what a
person is told when a failover outlasts the web's patience."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import redis
from redis.exceptions import ReadOnlyError, ResponseError
from redis.sentinel import MasterNotFoundError

from bot.asker import Asker
from bot.config import Settings
from bot.replies import FAILING_OVER, Failure, answer_or_failure
from bot.services import Services
from bot.store.sentinels import Sentinels
from bot.store.server import connect, is_passing
from tests.factories import write_streak_market
from tests.redis_topology import free_port


def timed(command: object) -> float:
    started = time.monotonic()
    with pytest.raises(redis.ConnectionError):
        command()  # type: ignore[operator]
    return time.monotonic() - started


@pytest.mark.parametrize("patience", [0.3, 1.5])
def test_a_server_that_is_gone_is_tried_for_the_patience_given(
    tmp_path: Path, patience: float
) -> None:
    client = connect(f"redis://127.0.0.1:{free_port()}/0", tmp_path, patience=patience)
    assert patience <= timed(client.ping) < patience + 0.5


def test_retries_nested_in_a_command_share_its_deadline(tmp_path: Path) -> None:
    """With no sentinel answering, each try of the command reconnects, and each reconnection
    retries asking the sentinels: the whole still gives up after the patience, not its square."""
    sentinels = Sentinels((("127.0.0.1", free_port()), ("127.0.0.1", free_port())), "drill")
    client = connect(None, tmp_path, sentinels, patience=1.0)
    started = time.monotonic()
    with pytest.raises(MasterNotFoundError):
        client.set("k", "v")
    assert 1.0 <= time.monotonic() - started < 1.5
    assert not (tmp_path / "redis.rdb").exists()  # no embedded server instead


@pytest.mark.parametrize(
    ("error", "passing"),
    [
        (redis.ConnectionError("Connection refused"), True),
        (redis.TimeoutError("Timeout reading from socket"), True),
        (MasterNotFoundError("No master found for 'drill'"), True),
        (ReadOnlyError("You can't write against a read only replica."), True),
        (
            ResponseError(
                "Error running script (call to f_d8f2): @user_script:1: @user_script: 1: "
                "-READONLY You can't write against a read only replica."
            ),
            True,
        ),
        (ResponseError("NOREPLICAS Not enough good replicas to write."), True),
        (redis.AuthenticationError("invalid username-password pair"), False),
        (ResponseError("WRONGTYPE Operation against a key holding the wrong kind of value"), False),
        (redis.WatchError("Watched variable changed."), False),
    ],
)
def test_only_failures_another_try_may_not_meet_are_retried(
    error: Exception, passing: bool
) -> None:
    assert is_passing(error) is passing


def test_a_command_during_a_failover_is_told_the_state_is_briefly_unavailable(
    tmp_path: Path,
) -> None:
    sentinels = Sentinels((("127.0.0.1", free_port()),), "drill")
    client = connect(None, tmp_path, sentinels, patience=0.2)
    facts = write_streak_market(tmp_path)
    settings = Settings(data=f"csv:{tmp_path}", home=tmp_path)
    services = Services(settings, clock=facts.clock, redis_client=client)
    started = time.monotonic()
    asker = Asker("T0TEST", "C0CHAN", "U0ASKER")
    failure = answer_or_failure(services.answerer, "alert add rut above 2750", asker=asker)
    assert time.monotonic() - started < 1.0
    assert failure == Failure(FAILING_OVER)
    assert "briefly unavailable" in FAILING_OVER and "nothing was changed" in FAILING_OVER
