"""`status`: data freshness by group, Redis, alerts, summaries and the clock, for an operator."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from bot.clock import EXCHANGE_TZ
from bot.commands.base import Command, Computed, Context, Presenter
from bot.grammar import StatusQuery
from bot.render.layout import Document, Part, et, from_lines, table
from bot.render.numbers import day
from bot.status import (
    AlertsStatus,
    ClockStatus,
    DataGroup,
    JobStatus,
    StatusReport,
    SummariesStatus,
)


def compute(ctx: Context, query: StatusQuery, on: date) -> Computed:
    return Computed(ctx.status())


def headline(r: StatusReport) -> str:
    """ "Data: 36 of 37 symbols with prices, 1 failing; Redis ok; 14 alert rules; clock
    web-1:42"."""
    symbols = [s for group in r.groups for s in group.symbols]
    have = sum(1 for s in symbols if s.last_session)
    failing = sum(1 for s in symbols if s.error)
    parts = [f"Data: {have} of {len(symbols)} symbols with prices"]
    if failing:
        parts[0] += f", {failing} failing"
    parts.append("Redis ok" if r.redis.startswith("ok") else "Redis UNREACHABLE")
    if r.alerts is not None:
        parts.append(f"{r.alerts.rules} alert rule{'s' if r.alerts.rules != 1 else ''}")
        if r.alerts.held:
            parts.append("alerts HELD")
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
            *_alerts_status(r.alerts),
            _summaries_status(r.summaries),
            *_clock_status(r.clock, r.jobs),
        ]
    )


def _fetched(moment: datetime | None) -> str:
    return moment.astimezone(EXCHANGE_TZ).strftime("%m-%d %H:%M ET") if moment else ""


def _groups_status(groups: Sequence[DataGroup]) -> list[Part]:
    """One row a group (how many symbols have prices, the oldest and newest close, the oldest
    fetch), then a line for each symbol whose refresh fails."""
    if not groups:
        return []
    rows = []
    failing: list[Part] = []
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
                failing.append(f"{s.symbol} failing{tries}: {s.error}{retry}")
    return [table(["Data", "Symbols", "Last close", "Oldest fetch"], rows), *failing]


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
    rules = f"{a.rules} rule{'s' if a.rules != 1 else ''}"
    line = f"Alerts: {rules}, {a.watching} rule legs watching, last evaluated {when}"
    if a.waiting:
        line += f", {a.waiting} waiting to be posted"
    parts: list[Part] = [line + "."]
    if a.held:
        parts.append(f"Alerts held: {a.held}. Nothing fires until prices are fresh.")
    return parts


def _summaries_status(s: SummariesStatus | None) -> str:
    if s is None:
        return "Daily summaries: unknown (Redis unavailable)"
    line = f"Daily summaries: {s.subscribed} channel{'s' if s.subscribed != 1 else ''}"
    if s.next_due:
        line += f", next dispatch {et(s.next_due)}"
    if s.last_run:
        figures = ", ".join(f"{n} {what}" for what, n in s.last_figures.items() if n)
        line += f"; last run {et(s.last_run)}" + (f" ({figures})" if figures else "")
    return line + "."


COMMAND = Command((StatusQuery,), compute, {StatusReport: Presenter(headline, document)})
