"""A load run through real processes: 200 signed commands released at once at two `web`
processes on one Redis are all acknowledged within Slack's 3 seconds, and all answered."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from benchmarks.load import ACK_LIMIT, fire
from bot.store.keys import Keys
from tests.factories import write_streak_market
from tests.ops.conftest import make_desk
from tests.slack.conftest import SECRET
from tests.slack.processes import Desk, redis_url_of
from tests.slack.standin import SlackStandIn

pytestmark = pytest.mark.slow  # starts processes of its own


@pytest.fixture
def desk(
    stand_in: SlackStandIn, tmp_path: Path, redis_server: redis.Redis, keys: Keys
) -> Iterator[Desk]:
    market = tmp_path / "market"
    market.mkdir()
    evening = write_streak_market(market).evening
    desk = make_desk(market, stand_in, redis_url_of(redis_server), keys, tmp_path / "logs")
    desk.extra["SMALLCAPS_NOW"] = evening  # answers about the market's last session
    yield desk
    desk.stop_all()


def test_200_concurrent_commands_are_all_acked_within_3_seconds(desk: Desk) -> None:
    urls = [desk.start_bot(None).url, desk.start_bot(None).url]
    fire(urls, desk.stand_in, 16, SECRET, tag="warm")
    figures = fire(urls, desk.stand_in, 200, SECRET)
    assert figures.errors == []
    assert len(figures.acks) == 200
    assert max(figures.acks) < ACK_LIMIT, figures.line()
    assert figures.answered == 200, figures.line()
    assert all(b.poll() is None for b in desk.bots)
