"""What dispatching a summary talks to and what it comes to: the outlet that renders and posts
it (`SummaryPoster`: Slack, or the console), each post's outcome, and what one dispatch did."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol, TypeVar

from bot.summaries.compose import SummaryReport
from bot.summaries.store import Subscription

R = TypeVar("R")


class SummaryPoster(Protocol[R]):
    def render(self, summary: SummaryReport) -> R:
        """The summary as this outlet shows it; done once, posted to many channels."""
        ...

    def post(self, to: Subscription, rendered: R, late: str | None) -> str:
        """Posts it in the subscription's channel (with its workspace's token); returns the
        message's id. PostFailed when it could not."""
        ...

    def attach_chart(self, to: Subscription, rendered: R, thread: str) -> None:
        """Adds the chart under the posted message. PostFailed when it could not."""
        ...


class Outcome(StrEnum):
    POSTED = "posted"
    ALREADY = "already posted"
    RETRY = "retrying"
    UNSUBSCRIBED = "unsubscribed"
    FAILED = "failed"


@dataclass
class DispatchReport:
    """What one dispatch did, for the log, `status` and the benchmark."""

    counts: Counter[str]
    rendered: int = 0
    render_seconds: float = 0.0

    def figures(self) -> dict[str, int]:
        return {**self.counts, "rendered": self.rendered}


class NotReady:
    """The prices of the session a summary describes are not in yet."""

    def __init__(self, newest: date | None) -> None:
        self.newest = newest
