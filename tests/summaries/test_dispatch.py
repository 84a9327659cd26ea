"""The dispatcher on an injected clock: due times in three zones, holidays, early closes, races,
restarts, late prices and failures. Everything runs on the real calendar and a real Redis."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import redis

from bot.alerts.delivery import PostFailed
from bot.store.keys import Keys
from bot.summaries.compose import SummaryReport
from bot.summaries.dispatch import Dispatcher
from bot.summaries.store import Subscription
from tests.factories import RecordedSummaries
from tests.summaries.conftest import Desk, make_desk, write_summary_market

SETUP = datetime(2026, 10, 21, 12, tzinfo=UTC)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def run_every(desk: Desk, start: datetime, end: datetime, step: timedelta) -> None:
    at = start
    while at < end:
        desk.run(at)
        at += step


def test_new_york_tokyo_and_london_each_get_one_summary_per_session_across_dst(
    desk: Desk,
) -> None:
    desk.subscribe("CNY", "", SETUP)
    desk.subscribe("CTOKYO", "at 08:00 Asia/Tokyo", SETUP)
    desk.subscribe("CLONDON", "at 09:15 Europe/London", SETUP)
    # Every five minutes from Wed 2026-10-21 to Tue 2026-11-03: London leaves summer time on
    # Sunday 10-25, New York on Sunday 11-01; Tokyo has none.
    run_every(desk, SETUP + timedelta(minutes=5), utc(2026, 11, 3), timedelta(minutes=5))

    sessions = [date(2026, 10, d) for d in (21, 22, 23, 26, 27, 28, 29, 30)] + [date(2026, 11, 2)]
    # 16:30 New York is 20:30 UTC in daylight time, 21:30 after; each the same day's session.
    assert desk.posts("CNY") == [
        (utc(d.year, d.month, d.day, 20 if d < date(2026, 11, 1) else 21, 30), d, None)
        for d in sessions
    ]
    # 09:15 London is 08:15 UTC until 10-25, then 09:15 UTC; each the previous NY session.
    london = desk.posts("CLONDON")
    assert [when for when, _, _ in london] == [
        utc(2026, 10, 22, 8, 15),
        utc(2026, 10, 23, 8, 15),
        *(utc(2026, 10, d, 9, 15) for d in (26, 27, 28, 29, 30)),
        utc(2026, 11, 2, 9, 15),
    ]
    assert [session for _, session, _ in london] == sessions[:-1]
    # 08:00 Tokyo is 23:00 UTC the evening before: the NY session that just closed. Monday
    # morning in Tokyo gets Friday's; there is no Saturday or Sunday summary in Tokyo.
    tokyo = desk.posts("CTOKYO")
    assert [session for _, session, _ in tokyo] == sessions
    assert {(when.hour, when.minute) for when, _, _ in tokyo} == {(23, 0)}
    assert all(late is None for _, _, late in [*tokyo, *london])
    # Each distinct summary (a session, for this one workspace) was drawn once.
    assert sorted(r.session for r in desk.outlet.renders) == sessions


def test_a_holiday_is_skipped_and_an_early_close_is_described_that_afternoon(desk: Desk) -> None:
    monday = utc(2026, 11, 23, 12)
    desk.subscribe("CNY", "", monday)
    desk.subscribe("CNOON", "at 14:00", monday)
    desk.subscribe("CTOKYO", "at 08:00 Asia/Tokyo", monday)
    # Thanksgiving is Thursday 2026-11-26; Friday 11-27 closes at 13:00 New York.
    run_every(desk, utc(2026, 11, 24, 12), utc(2026, 12, 1), timedelta(minutes=5))

    days = {d: date(2026, 11, d) for d in (23, 24, 25, 27, 30)}
    assert [s for _, s, _ in desk.posts("CNY")] == [days[24], days[25], days[27], days[30]]
    # At 14:00 on the half day the session has closed: Friday's describes Friday itself. On
    # Monday at 14:00 the newest closed session is Friday's again: not posted twice.
    assert [(when, s) for when, s, _ in desk.posts("CNOON")] == [
        (utc(2026, 11, 24, 19), days[23]),
        (utc(2026, 11, 25, 19), days[24]),
        (utc(2026, 11, 27, 19), days[27]),
    ]
    # Tokyo has no summary on its Thursday (the NYSE is shut that day); Friday morning's
    # describes Wednesday, Monday morning's the half day.
    assert [s for _, s, _ in desk.posts("CTOKYO")] == [days[24], days[25], days[27], days[30]]
    friday = next(r for r in desk.outlet.renders if r.session == days[27])
    assert friday.early_close == utc(2026, 11, 27, 18)
    assert all(r.early_close is None for r in desk.outlet.renders if r.session != days[27])


WEDNESDAY_DUE = utc(2026, 11, 25, 21, 30)
"""16:30 New York on Wednesday 2026-11-25."""


def test_two_dispatchers_racing_post_each_channel_once(
    summary_market: Path, redis_server: redis.Redis, keys: Keys
) -> None:
    desks = [make_desk(summary_market, redis_server, keys) for _ in range(2)]
    channels = [f"C{n:03d}" for n in range(60)]
    for channel in channels:
        desks[0].subscribe(channel, "", utc(2026, 11, 25, 12))
    start = threading.Barrier(2)

    def race(desk: Desk) -> None:
        start.wait()
        desk.run(WEDNESDAY_DUE)

    threads = [threading.Thread(target=race, args=(d,)) for d in desks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    posted = [ch for d in desks for ch, _, _ in d.outlet.posts]
    assert sorted(posted) == channels
    # Both moved on to Friday (Thursday is Thanksgiving): nothing left due.
    store = desks[0].services.summary_store
    assert store.claim_due(WEDNESDAY_DUE + timedelta(hours=1), timedelta(minutes=1), 100) == []
    assert store.subscription("C000").due == utc(2026, 11, 27, 21, 30)  # type: ignore[union-attr]


def test_after_a_restart_a_missed_summary_is_posted_late_within_the_grace_window_only(
    summary_market: Path, redis_server: redis.Redis, keys: Keys, caplog: pytest.LogCaptureFixture
) -> None:
    before = make_desk(summary_market, redis_server, keys)
    before.subscribe("CSOON", "", utc(2026, 11, 25, 12))
    before.subscribe("CLATE", "at 13:00", utc(2026, 11, 25, 12))
    # The bot stops at noon, before either is due, and a new process starts at 19:00 New York:
    # 2.5 h after 16:30 (inside the 3 h window), 6 h after 13:00 (outside it).
    after = make_desk(summary_market, redis_server, keys)
    with caplog.at_level("INFO"):
        after.run(utc(2026, 11, 26, 0))
    [(_, session, late)] = after.posts("CSOON")
    assert session == date(2026, 11, 25)
    assert late is not None and "due Wed 2026-11-25 16:30 America/New_York" in late
    assert after.posts("CLATE") == []
    assert (
        "CLATE due Wed 2026-11-25 13:00 America/New_York skipped, 3:00:00 after its time: "
        "the bot was not running then" in caplog.text
    )
    # The skipped channel is back on schedule for Friday's session; nothing is posted twice.
    run_every(after, utc(2026, 11, 26, 0, 5), utc(2026, 11, 28), timedelta(minutes=5))
    assert [s for _, s, _ in after.posts("CSOON")] == [date(2026, 11, 25), date(2026, 11, 27)]
    # 13:00 on Friday is the half day's close: that summary describes Friday itself.
    assert [s for _, s, _ in after.posts("CLATE")] == [date(2026, 11, 27)]


def test_a_summary_waits_for_its_session_prices_and_is_skipped_if_they_never_come(
    tmp_path: Path, redis_server: redis.Redis, keys: Keys, caplog: pytest.LogCaptureFixture
) -> None:
    write_summary_market(tmp_path, last="2026-11-24")  # Wednesday's closes never arrive
    desk = make_desk(tmp_path, redis_server, keys)
    desk.subscribe("CNY", "", utc(2026, 11, 25, 12))
    with caplog.at_level("WARNING"):
        run_every(desk, WEDNESDAY_DUE, WEDNESDAY_DUE + timedelta(hours=4), timedelta(minutes=1))
    assert desk.posts("CNY") == []
    assert "no prices for 2026-11-25 came in (newest: 2026-11-24)" in caplog.text
    assert desk.services.summary_store.subscription("CNY").due == utc(2026, 11, 27, 21, 30)  # type: ignore[union-attr]


class Flaky(RecordedSummaries):
    """Fails the posts it is told to: by channel, a reason and how many times."""

    def __init__(self, failures: dict[str, tuple[str, bool, int]]) -> None:
        super().__init__()
        self.failures = failures
        self.attempts: dict[str, int] = {}

    def post(self, to: Subscription, rendered: SummaryReport, late: str | None) -> str:
        channel = to.channel
        self.attempts[channel] = self.attempts.get(channel, 0) + 1
        reason, permanent, times = self.failures.get(channel, ("", False, 0))
        if self.attempts[channel] <= times:
            raise PostFailed(reason, permanent)
        return super().post(to, rendered, late)


def test_failures_unsubscribe_gone_channels_retry_passing_ones_and_the_rest_go_on(
    desk: Desk, caplog: pytest.LogCaptureFixture
) -> None:
    flaky = Flaky(
        {
            "CARCHIVED": ("is_archived", True, 99),
            "CKICKED": ("not_in_channel", True, 99),
            "CFLAKY": ("internal_error", False, 3),
        }
    )
    dispatcher: Dispatcher[SummaryReport] = desk.services.dispatcher(flaky)
    channels = ["CA", "CARCHIVED", "CB", "CFLAKY", "CKICKED", "CC"]
    for channel in channels:
        desk.subscribe(channel, "", utc(2026, 11, 25, 12))
    with caplog.at_level("WARNING"):
        at = WEDNESDAY_DUE
        while at < WEDNESDAY_DUE + timedelta(minutes=30):
            desk.clock.at = at  # the clock the market files are read by
            dispatcher.run(at)
            at += timedelta(minutes=1)
    posted = [ch for ch, _, _ in flaky.posts]
    assert sorted(posted) == ["CA", "CB", "CC", "CFLAKY"]
    assert flaky.attempts["CFLAKY"] == 4  # three failures, retried at 30 s, 1 min, 2 min
    store = desk.services.summary_store
    assert store.subscription("CARCHIVED") is None and store.subscription("CKICKED") is None
    assert "CARCHIVED unsubscribed (is_archived)" in caplog.text
    assert store.count() == 4
    # The retried one carries no late mark: it went out within minutes of its time.
    assert [late for ch, _, late in flaky.posts if ch == "CFLAKY"] == [None]


def test_each_distinct_summary_is_rendered_once(desk: Desk) -> None:
    for n in range(30):
        desk.subscribe(f"C{n:02d}", "", utc(2026, 11, 25, 12), workspace="T1" if n % 2 else "T2")
    desk.services.watched.set("T2", 2600.0, "Floor")  # T2 watches other levels than T1
    desk.run(WEDNESDAY_DUE)
    assert len(desk.outlet.posts) == 30
    assert len(desk.outlet.renders) == 2
    levels = [next(p for p in r.parts if p.name == "Levels").answer for r in desk.outlet.renders]
    texts = [str(a.report) for a in levels if a is not None]
    assert sum("Floor" in t for t in texts) == 1


def test_status_counts_the_subscriptions_and_tells_the_last_dispatch(desk: Desk) -> None:
    from bot.render.document import document
    from bot.reports import Answer

    for channel in ("CA", "CB", "CC"):
        desk.subscribe(channel, "", utc(2026, 11, 25, 12))
    desk.run(WEDNESDAY_DUE)
    status = desk.services.status.of_operator()
    assert status.summaries is not None and status.summaries.subscribed == 3
    assert status.summaries.last_figures == {"posted": 3, "rendered": 1}
    assert status.summaries.next_due == utc(2026, 11, 27, 21, 30)
    text = "\n".join(str(p) for p in document(Answer("status", None, None, status)).parts)
    assert (
        "Daily summaries: 3 channels, next dispatch 2026-11-27 16:30 ET; "
        "last run 2026-11-25 16:30 ET (3 posted, 1 rendered)." in text
    )


class RedisFails(RecordedSummaries):
    """Redis fails while the workspace's token is loaded, the first `times` posts."""

    def __init__(self, times: int) -> None:
        super().__init__()
        self.times = times

    def post(self, to: Subscription, rendered: SummaryReport, late: str | None) -> str:
        if self.times:
            self.times -= 1
            raise redis.ConnectionError("Redis went away")
        return super().post(to, rendered, late)


def test_a_claimed_summary_is_never_dropped_quietly(desk: Desk) -> None:
    """A failure before the post is retried, not left "posting" to be abandoned; a summary
    whose dispatcher stopped mid-post is posted again (at least once); what fails for good is
    shown in status."""
    poster = RedisFails(times=2)
    dispatcher: Dispatcher[SummaryReport] = desk.services.dispatcher(poster)
    desk.subscribe("CA", "", utc(2026, 11, 25, 12))
    desk.subscribe("CB", "", utc(2026, 11, 25, 12))
    store = desk.services.summary_store
    session = date(2026, 11, 25)
    dead = store.take("CB", session, "dead:1", WEDNESDAY_DUE)[1]  # stopped mid-post
    assert dead.step == "posting"
    at = WEDNESDAY_DUE
    while at < WEDNESDAY_DUE + timedelta(minutes=30):
        desk.clock.at = at
        dispatcher.run(at)
        at += timedelta(minutes=1)
    assert sorted(ch for ch, _, _ in poster.posts) == ["CA", "CB"]
    flaky = Flaky({"CGONE": ("is_archived", True, 1)})
    desk.subscribe("CGONE", "", utc(2026, 11, 25, 12))
    desk.clock.at = WEDNESDAY_DUE
    desk.services.dispatcher(flaky).run(WEDNESDAY_DUE)
    shown = desk.services.status.of_operator().failed_posts
    assert shown is not None and [(p.channel, p.kind) for p in shown.recent] == [
        ("CGONE", "summary")
    ]
