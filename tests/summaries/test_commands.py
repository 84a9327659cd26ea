"""`subscribe daily`, `unsubscribe daily` and `subscriptions`, through the answerer."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from bot.asker import Asker
from bot.commands import TOPICS, parse
from bot.commands.subscribe import DailySubscribeQuery
from bot.commands.subscriptions import SubscriptionsQuery
from bot.commands.unsubscribe import DailyUnsubscribeQuery
from bot.errors import CommandError, UserFacingError
from bot.render.text import render_text
from bot.summaries.reports import DailyChangeReport, SubscriptionsReport
from bot.summaries.schedule import DailyTime
from tests.summaries.conftest import Desk

HERE = Asker("T1", "C1", "U1")
TUESDAY = datetime(2026, 11, 24, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("subscribe daily", DailyTime()),
        ("subscribe daily at 09:15 Europe/London", DailyTime(time(9, 15), "Europe/London")),
        ("subscribe daily 9:15 europe/london", DailyTime(time(9, 15), "Europe/London")),
        ("subscribe daily Asia/Tokyo at 8am", DailyTime(time(8, 0), "Asia/Tokyo")),
        ("subscribe daily at 4:45 pm", DailyTime(time(16, 45), "America/New_York")),
        ("subscribe summary at 07:00 UTC", DailyTime(time(7, 0), "UTC")),
    ],
)
def test_subscribe_daily_reads_a_time_and_a_zone(text: str, when: DailyTime) -> None:
    assert parse(text).query == DailySubscribeQuery(when)


def test_unsubscribe_and_subscriptions_parse() -> None:
    assert parse("unsubscribe daily").query == DailyUnsubscribeQuery()
    assert parse("subscriptions").query == SubscriptionsQuery()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("subscribe daily at 25:00", "00:00 to 23:59"),
        ("subscribe daily at 9", "'9' is read as a time, but a time is written with a colon"),
        ("subscribe daily at 13pm", "12-hour"),
        ("subscribe daily at ²:³⁰", "'²:³⁰' is read as a time"),
        (
            "subscribe daily at 0915",
            "'0915' is read as a time, but a time is written with a colon: did you mean 09:15? "
            "use HH:MM such as 09:15, or 9:15am",
        ),
        ("subscribe daily at 2500 London", "a colon: use HH:MM"),
        ("subscribe daily 915 ET", "did you mean 09:15?"),
        ("subscribe daily at 09:15 at 10:00", "'09:15' and '10:00' both give the time: keep one"),
        ("subscribe daily 8am at 9am", "'8am' and '9am' both give the time"),
        ("subscribe daily at 09:15 London Tokyo", "'London' and 'Tokyo' both give the time zone"),
        ("subscribe daily ET at 09:15 et", "'et' is given twice: give it once"),
        ("subscribe daily at", "`at` takes a time"),
        ("subscribe daily London at", "`at` takes a time"),
        ("subscribe daily at 09:15 Europe/Londn", "did you mean Europe/London"),
        ("subscribe daily at 09:15 Mars/Olympus", "not a time zone"),
        ("subscribe daily 09:15 UTC London", "'UTC' and 'London' both give the time zone"),
        ("subscribe weekly", "`daily` or `alerts`"),
        ("unsubscribe daily now", "takes nothing more"),
        ("subscriptions all", "takes no arguments"),
    ],
)
def test_bad_subscriptions_say_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(CommandError) as error:
        parse(text)
    assert says in error.value.message
    assert error.value.example


def test_subscribe_change_list_and_unsubscribe(desk: Desk) -> None:
    desk.clock.at = TUESDAY
    answer = desk.services.answerer.answer("subscribe daily at 09:15 Europe/London", asker=HERE)
    report = answer.report
    assert isinstance(report, DailyChangeReport) and report.action == "subscribed"
    # Tuesday 15:00 UTC: the next is Wednesday 09:15 London, on Tuesday's New York session.
    assert report.subscription.next_due == datetime(2026, 11, 25, 9, 15, tzinfo=UTC)
    text = render_text(answer)
    assert "Every NYSE trading day at 09:15 Europe/London" in text
    assert "Wed 2026-11-25 09:15 Europe/London (2026-11-25 04:15 ET)" in text
    assert "on the session of 2026-11-24" in text

    with pytest.raises(UserFacingError, match="already gets the daily summary at 09:15"):
        desk.services.answerer.answer("subscribe daily at 09:15 Europe/London", asker=HERE)
    moved = desk.services.answerer.answer("subscribe daily at 08:00 Asia/Tokyo", asker=HERE)
    assert isinstance(moved.report, DailyChangeReport) and moved.report.action == "moved"
    assert "(was 09:15 Europe/London)" in render_text(moved)

    listed = desk.services.answerer.answer("subscriptions", asker=HERE)
    assert isinstance(listed.report, SubscriptionsReport)
    assert listed.report.daily is not None and listed.report.daily.zone == "Asia/Tokyo"
    assert "Daily summary: 08:00 Asia/Tokyo" in render_text(listed)
    assert "Alert rules: none" in render_text(listed)
    elsewhere = desk.services.answerer.answer("subscriptions", asker=Asker("T1", "C2", "U1"))
    assert "Daily summary: none" in render_text(elsewhere)

    stopped = desk.services.answerer.answer("unsubscribe daily", asker=HERE)
    assert isinstance(stopped.report, DailyChangeReport)
    assert stopped.report.action == "unsubscribed"
    assert desk.services.summary_store.count() == 0
    with pytest.raises(UserFacingError, match="does not get the daily summary"):
        desk.services.answerer.answer("unsubscribe daily", asker=HERE)


def test_changes_refuse_an_as_of_date_and_need_a_channel(desk: Desk) -> None:
    desk.clock.at = TUESDAY
    with pytest.raises(CommandError, match="drop the as-of date"):
        desk.services.answerer.answer("subscribe daily as of 2026-11-20", asker=HERE)
    with pytest.raises(CommandError, match="belong to a channel"):
        desk.services.answerer.answer("subscribe daily")
    assert desk.services.summary_store.count() == 0


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (
            "subscribe daily at 09:15 EST",
            "'EST' is New York's winter time only, a fixed UTC-5: for New York's clock, which "
            "keeps daylight saving, type ET or America/New_York",
        ),
        ("subscribe daily at 09:15 edt", "'edt' is New York's summer time only, a fixed UTC-4"),
        ("subscribe daily at 09:15 PST", "type PT or America/Los_Angeles"),
        ("subscribe daily at 09:15 MST", "(Arizona's: America/Phoenix)"),
        ("subscribe daily at 09:15 BST", "London's summer time only, a fixed UTC+1"),
        ("subscribe daily at 09:15 Etc/GMT+5", "a fixed offset, which IANA reads as UTC-5"),
        ("subscribe daily at 09:15 etc/gmt-9", "which IANA reads as UTC+9"),
        ("subscribe daily at 09:15 UTC+5", "'UTC+5' is a fixed offset: type a city's zone"),
    ],
)
def test_a_zone_that_would_mean_other_than_it_says_is_refused(text: str, says: str) -> None:
    with pytest.raises(CommandError) as error:
        parse(text)
    assert says in error.value.message
    assert isinstance(parse(error.value.example).query, DailySubscribeQuery)


@pytest.mark.parametrize(
    ("word", "zone"),
    [
        ("ET", "America/New_York"),
        ("pt", "America/Los_Angeles"),
        ("MT", "America/Denver"),
        ("America/Phoenix", "America/Phoenix"),
        ("HST", "HST"),  # Hawaii keeps no daylight saving: HST is Honolulu's clock all year
        ("Etc/UTC", "Etc/UTC"),
        ("gmt", "UTC"),
    ],
)
def test_short_names_mean_the_city_clock(word: str, zone: str) -> None:
    query = parse(f"subscribe daily at 09:15 {word}").query
    assert query == DailySubscribeQuery(DailyTime(time(9, 15), zone))


def test_help_says_what_et_means_and_that_one_season_names_are_refused() -> None:
    said = " ".join(TOPICS["subscribe"].details)
    assert "ET for New York's clock (EST in winter, EDT in summer" in said
    assert "EST, PDT and other one-season names are refused" in said
