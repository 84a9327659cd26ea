"""Posting daily summaries into Slack: the blocks as a message, the chart in its thread."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient

from bot.analytics.relative import ChartReport
from bot.render.chart import answer_png
from bot.render.summary import SummaryDocument, summary_document
from bot.reports import SummaryReport
from bot.slack.alerts import posting
from bot.slack.blocks import Block, summary_blocks, summary_fallback


@dataclass(frozen=True)
class SlackSummary:
    """A summary rendered once for Slack, posted as is to every channel that shares it."""

    doc: SummaryDocument
    blocks: list[Block]
    text: str
    chart: bytes | None
    chart_name: str


class SlackSummaryPoster:
    def __init__(self, client: WebClient) -> None:
        self.client = client

    def render(self, summary: SummaryReport) -> SlackSummary:
        doc = summary_document(summary)
        chart = summary.chart
        png = answer_png(chart) if chart and isinstance(chart.report, ChartReport) else None
        return SlackSummary(
            doc,
            summary_blocks(doc),
            summary_fallback(doc),
            png,
            f"smallcaps-{summary.session.isoformat()}.png",
        )

    def post(self, channel: str, rendered: SlackSummary, late: str | None) -> str:
        blocks = summary_blocks(rendered.doc, late) if late else rendered.blocks
        with posting():
            response = self.client.chat_postMessage(
                channel=channel, text=rendered.text, blocks=blocks, unfurl_links=False
            )
        return str(response.get("ts") or "")

    def attach_chart(self, channel: str, rendered: SlackSummary, thread: str) -> None:
        if rendered.chart is None:
            return
        with posting():
            self.client.files_upload_v2(
                channel=channel,
                thread_ts=thread,
                file=rendered.chart,
                filename=rendered.chart_name,
                title=rendered.doc.title,
                request_file_info=False,
            )
