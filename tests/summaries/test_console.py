"""The console is one channel: it subscribes like any other, and its summaries are printed."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

from bot.help import HelpReport
from bot.render.summary import summary_document, summary_text
from bot.reports import Answer, Dating, ShortSeries
from bot.summaries.compose import SummaryPart, SummaryReport
from handlers.console import ConsoleSummaryPoster, run_console
from tests.summaries.conftest import Desk


def test_the_console_subscribes_and_prints_its_summary_with_the_chart(
    desk: Desk, tmp_path: Path
) -> None:
    desk.clock.at = datetime(2026, 11, 23, 12, tzinfo=UTC)
    out = io.StringIO()
    lines = io.StringIO("subscribe daily at 09:15 Europe/London\nsubscriptions\n")
    run_console(desk.services.answerer, lines, out, False, tmp_path)
    assert "Daily summary on" in out.getvalue()
    assert "Daily summary: 09:15 Europe/London" in out.getvalue()

    printed = io.StringIO()
    dispatcher = desk.services.dispatcher(ConsoleSummaryPoster(printed, tmp_path / "charts"))
    desk.clock.at = datetime(2026, 11, 24, 9, 15, tzinfo=UTC)  # the clock the files are read by
    report = dispatcher.run(desk.clock.at)
    assert report.counts["posted"] == 1
    text = printed.getvalue()
    assert "*** DAILY SUMMARY ***" in text
    assert "Small caps vs large caps: Mon 2026-11-23 close" in text
    for section in ("## Returns", "## Streak", "## Sizes", "## Levels", "## Sectors"):
        assert section in text
    [chart] = (tmp_path / "charts").glob("*.png")
    assert f"Chart: {chart}" in text


def test_a_summary_section_on_data_that_ends_early_says_so() -> None:
    session = date(2026, 1, 22)
    dating = Dating(
        session, session, date(2026, 1, 20), None, [ShortSeries("IWM", "IWM", date(2026, 1, 20))]
    )
    answer = Answer("streak", date(2026, 1, 20), None, HelpReport(None, []), dating)
    report = SummaryReport(session, None, [SummaryPart("Streak", answer)], None)
    text = summary_text(summary_document(report))
    assert "Note: Asked for 2026-01-22, but IWM data ends 2026-01-20" in text
