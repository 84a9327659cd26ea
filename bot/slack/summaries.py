"""Daily summaries in Slack: a summary document read into blocks in one pass, posted as one
message with its native chart; where Slack refuses the chart block, the message without it and
the chart as a PNG in its thread."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.analytics.relative import ChartReport
from bot.render.chart import answer_png
from bot.render.summary import SummaryDocument, summary_document
from bot.slack.alerts import posting
from bot.slack.clients import WorkspaceClients
from bot.slack.views.blocks import (
    Block,
)
from bot.slack.views.charts import has_charts, rebased_chart, without_charts
from bot.slack.views.summaries import summary_blocks, summary_fallback
from bot.summaries.compose import SummaryReport
from bot.summaries.store import Subscription

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SlackSummary:
    """A summary rendered once for Slack, posted as is to every channel that shares it."""

    doc: SummaryDocument
    blocks: list[Block]
    text: str
    chart: bytes | None
    """The chart as a PNG, for a Slack that refuses the native one."""
    chart_name: str
    native: Block | None = None


class SlackSummaryPoster:
    def __init__(self, clients: WorkspaceClients) -> None:
        self.clients = clients
        self._without_native: set[tuple[str, str]] = set()
        """(channel, ts) of posts whose Slack refused the native chart: the PNG follows."""
        self._lock = threading.Lock()

    def render(self, summary: SummaryReport) -> SlackSummary:
        doc = summary_document(summary)
        chart = summary.chart
        report = chart.report if chart and isinstance(chart.report, ChartReport) else None
        native = rebased_chart(report) if report is not None else None
        return SlackSummary(
            doc,
            summary_blocks(doc, chart=native),
            summary_fallback(doc),
            answer_png(chart) if chart is not None and report is not None else None,
            f"smallcaps-{summary.session.isoformat()}.png",
            native,
        )

    def post(self, to: Subscription, rendered: SlackSummary, late: str | None) -> str:
        channel = to.channel
        blocks = summary_blocks(rendered.doc, late, rendered.native) if late else rendered.blocks
        fields: dict[str, Any] = {"channel": channel, "text": rendered.text, "unfurl_links": False}
        with posting():
            client = self.clients.for_workspace(to.workspace)
            try:
                response = client.chat_postMessage(blocks=blocks, **fields)
            except SlackApiError as error:
                if error.response.get("error") != "invalid_blocks" or not has_charts(blocks):
                    raise
                log.warning("Slack refused the native chart in %s: the PNG follows", channel)
                response = client.chat_postMessage(blocks=without_charts(blocks), **fields)
                with self._lock:
                    self._without_native.add((channel, str(response.get("ts") or "")))
        return str(response.get("ts") or "")

    def attach_chart(self, to: Subscription, rendered: SlackSummary, thread: str) -> None:
        channel = to.channel
        """The PNG in the thread, only where the message went without its native chart."""
        with self._lock:
            needed = (channel, thread) in self._without_native
            self._without_native.discard((channel, thread))
        if rendered.chart is None or not needed:
            return
        with posting():
            self.clients.for_workspace(to.workspace).files_upload_v2(
                channel=channel,
                thread_ts=thread,
                file=rendered.chart,
                filename=rendered.chart_name,
                title=rendered.doc.title,
                request_file_info=False,
            )
