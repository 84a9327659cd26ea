"""Where charts go: a PNG file for the terminal, an upload into the channel for Slack."""

from __future__ import annotations

import re
from pathlib import Path

from slack_sdk import WebClient

from bot.analytics.relative import ChartReport
from bot.render.chart import answer_png
from bot.render.document import document
from bot.render.text import document_text
from bot.reports import Answer


def chart_path(report: ChartReport, directory: Path) -> Path:
    name = f"{report.a}-vs-{report.b}-{report.period}-{report.end.isoformat()}.png"
    return directory / re.sub(r"[^A-Za-z0-9._-]", "", name)


def save_chart(answer: Answer, directory: Path) -> Path:
    """Draws the chart of a `chart` answer into `directory` and returns the file's path."""
    assert isinstance(answer.report, ChartReport)
    directory.mkdir(parents=True, exist_ok=True)
    path = chart_path(answer.report, directory)
    path.write_bytes(answer_png(answer))
    return path


def upload_chart(client: WebClient, channel: str, answer: Answer, asked_by: str) -> None:
    """Uploads the chart into `channel` (files_upload_v2), with the figures as its comment."""
    assert isinstance(answer.report, ChartReport)
    doc = document(answer)
    client.files_upload_v2(
        channel=channel,
        file=answer_png(answer),
        filename=chart_path(answer.report, Path()).name,
        title=doc.title,
        initial_comment=f"<@{asked_by}> asked for a chart.\n{document_text(doc)}",
    )
