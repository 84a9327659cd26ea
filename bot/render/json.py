"""Answers as JSON: command, headline, dates, source, figures (named as the reports name them) and
text."""

from __future__ import annotations

import dataclasses
import math
from datetime import date, datetime
from typing import Any

from bot.render.document import document, source_line
from bot.render.text import document_text
from bot.reports import Answer


def figures(value: Any) -> Any:
    """A report as JSON-ready data: dates as ISO strings, floats to 6 decimals, NaN as null."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: figures(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): figures(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [figures(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 6) if math.isfinite(value) else None
    return value


def render_json(answer: Answer) -> dict[str, Any]:
    """`as_of` is the session answered, `requested` the date asked (null: now) and `expected`
    the session that date calls for; `short` lists each series whose data ends before it.
    `stale` is true when a refresh failed or any data ends early. The headline and text are
    read from the answer's one document."""
    doc = document(answer)
    dates = answer.dating
    stale = bool(answer.source and answer.source.stale) or bool(dates and dates.short)
    return {
        "command": answer.command,
        "headline": doc.headline,
        "as_of": answer.as_of.isoformat() if answer.as_of else None,
        "requested": dates.requested.isoformat() if dates and dates.requested else None,
        "expected": dates.expected.isoformat() if dates and dates.expected else None,
        "short": figures(dates.short) if dates else [],
        "source": source_line(answer.source) if answer.source else None,
        "stale": stale,
        "figures": figures(answer.report),
        "text": document_text(doc),
    }
