"""`status`: for an operator, data freshness by group, Redis, alerts, summaries and the clock;
for anyone else, the market data and their own workspace's rules, feeds and summaries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.alerts.rules import Feed
from bot.clock import EXCHANGE_TZ
from bot.commands.base import Command, Computed, Context, Presenter
from bot.grammar import no_arguments
from bot.help import Topic
from bot.render.layout import Document, Part, et, from_lines, table
from bot.render.numbers import counted, day
from bot.status import (
    AlertsStatus,
    ChannelSummary,
    ClockStatus,
    DataGroup,
    FailedPostsStatus,
    FeedHealth,
    JobStatus,
    SeriesHealth,
    StatusReport,
    SummariesStatus,
    WorkspaceRules,
    WorkspaceStatusReport,
)


@dataclass(frozen=True)
class StatusQuery:
    pass


def compute(ctx: Context, query: StatusQuery, on: date) -> Computed:
    return Computed(ctx.status(ctx.asker))


def headline(r: StatusReport) -> str:
    """ "Data: 36 of 37 symbols with prices, 1 failing; Redis ok; 14 alert rules; clock
    web-1:42"."""
    symbols = [s for group in r.groups for s in group.symbols]
    have = sum(1 for s in symbols if s.last_session)
    failing = sum(1 for s in symbols if s.error)
    parts = [f"Data: {have} of {len(symbols)} symbols with prices"]
    if failing:
        parts[0] += f", {failing} failing"
    elsewhere = sum(
        1 for one in r.sources if one.answered_by and one.answered_by != one.sources[0].source
    )
    if elsewhere:
        parts[0] += f", {elsewhere} from a second source"
    parts.append("Redis ok" if r.redis.startswith("ok") else "Redis UNREACHABLE")
    if r.alerts is not None:
        parts.append(counted(r.alerts.rules, "alert rule"))
        if r.alerts.held:
            parts.append("alerts HELD")
        elif r.alerts.holds:
            parts.append(f"alerts held on {counted(len(r.alerts.holds), 'feed')}")
    if r.clock is not None:
        parts.append(f"clock {r.clock.holder}" if r.clock.holder else "no clock running")
    return "; ".join(parts)


def document(r: StatusReport) -> Document:
    return from_lines(
        [
            "Status",
            f"Data: {r.source}",
            f"Redis: {r.redis}",
            *_groups_status(r.groups),
            *_sources_status(r.sources),
            *_alerts_status(r.alerts),
            *_failed_posts_status(r.failed_posts),
            _summaries_status(r.summaries),
            *_clock_status(r.clock, r.jobs),
        ]
    )


def _fetched(moment: datetime | None) -> str:
    return moment.astimezone(EXCHANGE_TZ).strftime("%m-%d %H:%M ET") if moment else ""


def _groups_status(groups: Sequence[DataGroup], failing: bool = True) -> list[Part]:
    """One row a group (how many symbols have prices, the oldest and newest close, the oldest
    fetch), then (if `failing`) a line for each symbol whose refresh fails."""
    if not groups:
        return []
    rows = []
    failures: list[Part] = []
    for group in groups:
        have = [s for s in group.symbols if s.last_session]
        sessions = sorted(s.last_session for s in have if s.last_session)
        fetched = [s.fetched_at for s in have if s.fetched_at]
        oldest = _fetched(min(fetched, default=None))
        rows.append([group.name, f"{len(have)}/{len(group.symbols)}", _span(sessions), oldest])
        for s in group.symbols:
            if s.error:
                retry = f"; next try {et(s.retry_at)}" if s.retry_at else ""
                tries = f", {s.failures} failures in a row" if s.failures > 1 else ""
                failures.append(f"{s.symbol} failing{tries}: {s.error}{retry}")
    groups_table = table(["Data", "Symbols", "Last close", "Oldest fetch"], rows)
    return [groups_table, *failures] if failing else [groups_table]


def _sources_status(series: Sequence[SeriesHealth]) -> list[Part]:
    """One row a source (how many series it answers of those it carries, its last success, how
    many of its series fail), then a line for each series a later source answers, and for each
    source that cannot be asked."""
    if not series:
        return []
    carried: dict[str, list[tuple[SeriesHealth, int]]] = {}
    for one in series:
        for rank, source in enumerate(one.sources):
            carried.setdefault(source.source, []).append((one, rank))
    rows = []
    notes: list[Part] = []
    for label, entries in carried.items():
        records = [one.sources[rank] for one, rank in entries]
        answering = sum(1 for one, _ in entries if (one.answered_by or "").startswith(label))
        successes = [r.last_success for r in records if r.last_success]
        unavailable = next((r.error for r in records if r.error and not r.last_success), None)
        failing = sum(1 for r in records if r.failures)
        rows.append(
            [
                _short(label),
                f"{answering}/{len(entries)}",
                _fetched(max(successes, default=None)) or "never",
                str(failing),
            ]
        )
        if not successes and unavailable:
            notes.append(f"{_short(label)} not asked: {unavailable}")
    for one in series:
        first = one.sources[0]
        if one.answered_by and one.answered_by != first.source:
            since = f" since {et(one.since)}" if one.since else ""
            said = first.error or ""
            why = f" ({said})" if said.startswith(_short(first.source)) else ""
            why = why or (f" ({_short(first.source)}: {said})" if said else "")
            notes.append(f"{one.series} answered by {one.answered_by}{since}{why}")
    return [table(["Source", "Answers", "Last success", "Failing"], rows), *notes]


def _short(label: str) -> str:
    """ "Yahoo Finance" for "Yahoo Finance, delayed"."""
    return label.split(",")[0]


def _span(sessions: Sequence[date]) -> str:
    if not sessions:
        return "none"
    if sessions[0] == sessions[-1]:
        return day(sessions[0])
    return f"{day(sessions[0])} to {day(sessions[-1])}"


def _clock_status(clock: ClockStatus | None, jobs: Sequence[JobStatus] | None) -> list[Part]:
    if clock is None or jobs is None:
        return ["Clock: unknown (Redis unavailable)"]
    holder = (
        f"Clock: {clock.holder} holds the lock (until {et(clock.until)} unless renewed)"
        if clock.holder and clock.until
        else "Clock: no clock holds the lock; alerts and summaries wait for one"
    )
    rows = [
        [
            job.name,
            str(job.runs),
            str(job.failures),
            et(job.last_success) if job.last_success else "never",
            f"{et(job.last_error_at)}: {job.last_error}" if job.last_error_at else "",
        ]
        for job in jobs
    ]
    return [holder + ".", table(["Job", "Runs", "Failed", "Last success", "Last error"], rows)]


def _alerts_status(a: AlertsStatus | None) -> list[Part]:
    if a is None:
        return ["Alerts: unknown (Redis unavailable)"]
    when = (
        a.last_tick.astimezone(EXCHANGE_TZ).strftime("%Y-%m-%d %H:%M ET")
        if a.last_tick
        else "never"
    )
    watched = counted(a.watching, "threshold")
    line = f"Alerts: {counted(a.rules, 'rule')}, {watched} watched, last evaluated {when}"
    if a.waiting:
        line += f", {a.waiting} waiting to be posted"
    parts: list[Part] = [line + "."]
    if a.held:
        parts.append(f"Alerts held: {a.held}. Nothing fires until prices are fresh.")
    elif a.holds:
        parts.append(
            f"Alerts held on {counted(len(a.holds), 'feed')} (every other feed is "
            "evaluated): "
            + "; ".join(f"{Feed.parse(feed).words}: {why}" for feed, why in sorted(a.holds.items()))
            + "."
        )
    return parts


def _failed_posts_status(f: FailedPostsStatus | None) -> list[Part]:
    if f is None:
        return ["Failed posts: unknown (Redis unavailable)"]
    parts: list[Part] = []
    if f.unreadable_installations:
        parts.append(
            f"Tokens: {counted(f.unreadable_installations, 'installation')} open with no key "
            "of SMALLCAPS_TOKEN_KEY; their posts wait (add the old key, then `python -m bot "
            "rotate-token-key`)."
        )
    if f.total:
        recent = "; ".join(f"{p.kind} to {p.channel} {et(p.at)}: {p.reason}" for p in f.recent[:3])
        parts.append(f"Failed posts (given up for good): {f.total}. Newest: {recent}.")
    return parts


def _summaries_status(s: SummariesStatus | None) -> str:
    if s is None:
        return "Daily summaries: unknown (Redis unavailable)"
    line = f"Daily summaries: {counted(s.subscribed, 'channel')}"
    if s.next_due:
        line += f", next dispatch {et(s.next_due)}"
    if s.last_run:
        figures = ", ".join(f"{n} {what}" for what, n in s.last_figures.items() if n)
        line += f"; last run {et(s.last_run)}" + (f" ({figures})" if figures else "")
    return line + "."


def workspace_headline(r: WorkspaceStatusReport) -> str:
    """ "Data: 36 of 37 symbols with prices; 3 alert rules in 2 channels; 1 daily summary"."""
    symbols = [s for group in r.groups for s in group.symbols]
    have = sum(1 for s in symbols if s.last_session)
    parts = [f"Data: {have} of {len(symbols)} symbols with prices"]
    if r.alerts is None:
        parts.append("your alert rules cannot be read right now")
    else:
        parts.append(_your_rules(r.alerts))
        if r.alerts.held:
            parts.append("alerts HELD")
    if r.summaries is not None:
        parts.append(counted(len(r.summaries), "daily summary", "daily summaries"))
    return "; ".join(parts)


def workspace_document(r: WorkspaceStatusReport) -> Document:
    return from_lines(
        [
            "Status of this workspace",
            *_your_alerts(r.alerts),
            *_your_feeds(r.feeds),
            _your_summaries(r.summaries),
            *(_failed_posts_status(r.failed_posts) if r.failed_posts is not None else []),
            f"Data: {r.source}",
            *_groups_status(r.groups, failing=False),
        ]
    )


def _your_rules(a: WorkspaceRules) -> str:
    return f"{counted(a.rules, 'alert rule')} in {counted(a.channels, 'channel')}"


def _your_alerts(a: WorkspaceRules | None) -> list[Part]:
    if a is None:
        return ["Alerts: your rules cannot be read right now; try again in a minute."]
    when = et(a.last_tick) if a.last_tick else "never"
    line = (
        f"Alerts: {_your_rules(a)}, {a.watching} watching, {a.paused} paused, last evaluated {when}"
    )
    if a.waiting:
        line += f", {a.waiting} waiting to be posted"
    parts: list[Part] = [line + "."]
    if a.held:
        parts.append(f"Alerts held: {a.held}. Nothing fires until prices are fresh.")
    return parts


def _your_feeds(feeds: Sequence[FeedHealth]) -> list[Part]:
    """One row a feed your rules read: how many read it, its newest observation, its data."""
    if not feeds:
        return []
    rows = []
    failing: list[Part] = []
    for feed in feeds:
        sessions = sorted(s.last_session for s in feed.symbols if s.last_session)
        rows.append(
            [
                feed.name,
                str(feed.rules),
                et(feed.last_observed) if feed.last_observed else "not yet",
                _span(sessions),
            ]
        )
        failing += [f"{s.symbol} failing: {s.error}" for s in feed.symbols if s.error]
        if feed.held:
            failing.append(
                f"{feed.name}: held, {feed.held}; its rules fire nothing until its prices are "
                "fresh."
            )
    return [table(["Feed", "Rules", "Last observed", "Last close"], rows), *failing]


def _your_summaries(summaries: Sequence[ChannelSummary] | None) -> str:
    if summaries is None:
        return "Daily summaries: yours cannot be read right now."
    if not summaries:
        return "Daily summaries: none in your channels."
    channels = ", ".join(f"{s.channel} (next {et(s.next_due)})" for s in summaries)
    return f"Daily summaries: {channels}."


COMMAND = Command(
    name="status",
    parse=no_arguments("status", StatusQuery()),
    queries=(StatusQuery,),
    compute=compute,
    presenters={
        StatusReport: Presenter(headline, document),
        WorkspaceStatusReport: Presenter(workspace_headline, workspace_document),
    },
    topic=Topic("where the data comes from and how fresh it is", ("status",), (), "status"),
)
