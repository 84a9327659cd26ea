"""Stooq on recorded answers: prices only from a CSV, every other body a reason."""

from __future__ import annotations

import csv
import io
import logging
from datetime import UTC, date, datetime
from urllib.parse import quote

import numpy as np
import pandas as pd
import pytest
import requests

from bot.clock import FixedClock
from bot.errors import UnreachableError, UpstreamError
from bot.market.stooq import LIMIT_USED_UP, NO_KEY, WEB_PAGE, StooqPrices
from tests.market.recorded_http import Answer, Recorded, Unrecorded, recording

KEY = "stq_9f8e7d6c5b4a39281706f5e4d3c2b1a0"
CLOCK = FixedClock(datetime(2026, 12, 2, 15, 0, tzinfo=UTC))
STOOQ = "stooq.com/q/d/l/"
CSV = {"content-type": "text/csv"}
TEXT = {"content-type": "text/plain; charset=utf-8"}
HTML = {"content-type": "text/html; charset=utf-8"}


def for_symbol(
    symbol: str,
    status: int = 200,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    raises: Exception | None = None,
) -> Answer:
    """An answer to the request for one symbol (`s=^spx` is sent as `s=%5Espx`)."""
    sent = f"s={quote(symbol, safe='')}&"
    return Answer(
        lambda request: sent in (request.url or ""),
        status=status,
        body=body,
        headers=headers or {},
        raises=raises,
    )


def code(symbol: str) -> Answer:
    """The recorded answer for one symbol (^spx, iwm.us)."""
    return for_symbol(symbol, body=recording(f"stooq_{symbol.removeprefix('^')}.csv"), headers=CSV)


def stooq(*answers: Answer, key: str | None = KEY) -> tuple[StooqPrices, Recorded]:
    adapter = Recorded(*answers)
    return StooqPrices(key, session=adapter.session(), timeout=7.0, clock=CLOCK), adapter


def recorded_closes(name: str) -> pd.Series:
    """The Close column of a recorded CSV, read independently of the code under test."""
    rows = list(csv.DictReader(io.StringIO(recording(name).decode())))
    return pd.Series(
        [float(r["Close"]) for r in rows],
        index=pd.DatetimeIndex([r["Date"] for r in rows], name="Date").astype("datetime64[ns]"),
        dtype=float,
    )


@pytest.mark.parametrize(
    ("symbol", "file"), [("^spx", "stooq_spx.csv"), ("iwm.us", "stooq_iwm.us.csv")]
)
def test_reads_the_close_column(symbol: str, file: str) -> None:
    source, adapter = stooq(code(symbol))

    found, missing = source.fetch([symbol])

    assert missing == {}
    closes = found[symbol]
    pd.testing.assert_series_equal(closes, recorded_closes(file))
    assert closes.index.dtype == np.dtype("datetime64[ns]")
    assert closes.index.is_monotonic_increasing
    assert pd.Timestamp("2026-11-26") not in closes.index  # Thanksgiving
    assert adapter.params(0) == {"s": symbol, "i": "d", "apikey": KEY}
    assert adapter.sent[0].timeout == 7.0


def test_index_without_volume_and_fund_with_volume_in_one_fetch() -> None:
    source, adapter = stooq(code("^spx"), code("iwm.us"))

    found, missing = source.fetch(["^spx", "iwm.us"])

    assert missing == {}
    assert found["^spx"].iloc[-1] == 6383.71
    assert found["iwm.us"].iloc[0] == 244.57
    assert [adapter.params(i)["s"] for i in range(2)] == ["^spx", "iwm.us"]


def test_start_is_sent_and_only_closes_from_it_are_kept() -> None:
    # The recording holds the whole month: what Stooq would not have sent must not pass anyway.
    source, adapter = stooq(code("^spx"))

    found, _ = source.fetch(["^spx"], start=date(2026, 11, 16))

    params = adapter.params(0)
    assert params["d1"] == "20261116"
    assert params["d2"] == "20261202"  # the clock's today
    assert params["apikey"] == KEY
    assert found["^spx"].index[0] == pd.Timestamp("2026-11-16")
    assert found["^spx"].index[-1] == pd.Timestamp("2026-11-27")


def test_no_data_is_a_reason_and_the_rest_is_kept() -> None:
    source, adapter = stooq(
        code("^spx"), for_symbol("zzz.us", body=recording("stooq_no_data.txt"), headers=TEXT)
    )

    found, missing = source.fetch(["zzz.us", "^spx"])

    assert list(found) == ["^spx"]
    assert missing == {"zzz.us": "Stooq has no data for zzz.us"}
    assert len(adapter.sent) == 2


def test_no_data_alone_raises() -> None:
    source, _ = stooq(Answer(STOOQ, body=recording("stooq_no_data.txt"), headers=TEXT))

    with pytest.raises(UpstreamError) as raised:
        source.fetch(["zzz.us"])

    assert raised.value.message == "Stooq has no data for zzz.us"
    assert not isinstance(raised.value, UnreachableError)


def test_daily_limit_stops_asking() -> None:
    source, adapter = stooq(
        code("^spx"), for_symbol("iwm.us", body=recording("stooq_limit.txt"), headers=TEXT)
    )

    found, missing = source.fetch(["^spx", "iwm.us", "ijh.us", "^rut"])

    assert list(found) == ["^spx"]
    assert missing == dict.fromkeys(["iwm.us", "ijh.us", "^rut"], LIMIT_USED_UP)
    assert [adapter.params(i)["s"] for i in range(len(adapter.sent))] == ["^spx", "iwm.us"]


@pytest.mark.parametrize(
    "answer",
    [
        Answer(STOOQ, body=recording("stooq_limit.txt"), headers=TEXT),
        Answer(STOOQ, status=429, body=b"Too Many Requests", headers=TEXT),
        Answer(
            STOOQ, body=b"<html><body>Exceeded the daily hits limit</body></html>", headers=HTML
        ),
    ],
    ids=["notice", "http-429", "notice-in-a-page"],
)
def test_daily_limit_alone_raises_after_one_request(answer: Answer) -> None:
    source, adapter = stooq(answer)

    with pytest.raises(UpstreamError) as raised:
        source.fetch(["^spx", "iwm.us"])

    assert raised.value.message == LIMIT_USED_UP
    assert not isinstance(raised.value, UnreachableError)
    assert len(adapter.sent) == 1


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (recording("stooq_key_page.html"), HTML),
        (b"\r\n  " + recording("stooq_key_page.html"), TEXT),
        (b"Please wait while your browser is checked...", HTML),
    ],
    ids=["key-page", "page-as-text", "browser-check"],
)
def test_web_page_is_never_prices(body: bytes, headers: dict[str, str]) -> None:
    source, adapter = stooq(Answer(STOOQ, body=body, headers=headers))

    with pytest.raises(UpstreamError) as raised:
        source.fetch(["^spx", "iwm.us"])

    assert raised.value.message == WEB_PAGE
    assert len(adapter.sent) == 1  # the same page would come for every code


@pytest.mark.parametrize(
    "body",
    [
        b"Date,Open,High,Low\n2026-11-27,6366.28,6389.40,6356.64\n",
        b"Symbol,Price\n^SPX,6383.71\n",
        b'Date,Open,High,Low,Close\n2026-11-27,"unterminated\n',
    ],
    ids=["no-close", "other-table", "broken-csv"],
)
def test_csv_that_is_not_prices_is_a_reason(body: bytes) -> None:
    source, _ = stooq(Answer(STOOQ, body=body, headers=CSV))

    with pytest.raises(UpstreamError) as raised:
        source.fetch(["^spx"])

    assert raised.value.message == "Stooq sent something other than prices for ^spx"


def test_csv_without_valid_rows_is_a_reason() -> None:
    body = (
        b"Date,Open,High,Low,Close\n2026-11-25,0,0,0,0\nyesterday,1,1,1,1\n2026-11-27,1,1,1,n/a\n"
    )
    source, _ = stooq(Answer(STOOQ, body=body, headers=CSV))

    with pytest.raises(UpstreamError) as raised:
        source.fetch(["^spx"])

    assert raised.value.message == "Stooq sent no valid prices for ^spx"


def test_invalid_rows_are_dropped_and_the_rest_kept() -> None:
    body = (
        b"Date,Open,High,Low,Close\n"
        b"2026-11-25,1,1,1,0\n2026-11-24,1,1,1,6424.89\n2026-11-27,1,1,1,6383.71\n"
    )
    source, _ = stooq(Answer(STOOQ, body=body, headers=CSV))

    found, _ = source.fetch(["^spx"])

    assert list(found["^spx"].index) == [pd.Timestamp("2026-11-24"), pd.Timestamp("2026-11-27")]
    assert found["^spx"].tolist() == [6424.89, 6383.71]


def test_empty_body_is_a_reason() -> None:
    source, _ = stooq(code("^spx"), for_symbol("iwm.us", body=b"  \n", headers=CSV))

    found, missing = source.fetch(["^spx", "iwm.us"])

    assert list(found) == ["^spx"]
    assert missing == {"iwm.us": "Stooq sent an empty answer for iwm.us"}


def test_server_error_is_a_reason_and_the_next_code_is_asked() -> None:
    source, adapter = stooq(
        for_symbol("^spx", status=503, body=b"Service Unavailable", headers=TEXT), code("iwm.us")
    )

    found, missing = source.fetch(["^spx", "iwm.us"])

    assert list(found) == ["iwm.us"]
    assert missing == {"^spx": "Stooq failed for ^spx (HTTP 503)"}
    assert len(adapter.sent) == 2


@pytest.mark.parametrize(
    ("error", "cause"),
    [
        (requests.ConnectionError("Failed to resolve 'stooq.com'"), "name not found"),
        (requests.ConnectionError("[Errno 111] Connection refused"), "connection refused"),
        (requests.ConnectTimeout("Connection to stooq.com timed out"), "timed out"),
        (requests.ConnectionError("Connection reset by peer"), "no connection"),
    ],
)
def test_unreachable_raises_and_stops(error: Exception, cause: str) -> None:
    source, adapter = stooq(Answer(STOOQ, raises=error))

    with pytest.raises(UnreachableError) as raised:
        source.fetch(["^spx", "iwm.us", "^rut"])

    assert raised.value.message == f"Stooq could not be reached ({cause})"
    assert len(adapter.sent) == 1


def test_unreachable_after_an_answer_keeps_what_came() -> None:
    source, adapter = stooq(
        code("^spx"), Answer(STOOQ, raises=requests.ConnectionError("Connection reset by peer"))
    )

    found, missing = source.fetch(["^spx", "iwm.us", "^rut"])

    assert list(found) == ["^spx"]
    assert missing == dict.fromkeys(
        ["iwm.us", "^rut"], "Stooq could not be reached (no connection)"
    )
    assert len(adapter.sent) == 2


def test_unreachable_after_an_answer_is_not_unreachable_at_all() -> None:
    """Stooq answered the first code: the source was reached, so the error is an UpstreamError."""
    source, _ = stooq(
        for_symbol("zzz.us", body=recording("stooq_no_data.txt"), headers=TEXT),
        Answer(STOOQ, raises=requests.ConnectionError("Connection reset by peer")),
    )

    with pytest.raises(UpstreamError) as raised:
        source.fetch(["zzz.us", "^spx"])

    assert not isinstance(raised.value, UnreachableError)
    assert raised.value.message == (
        "Stooq has no data for zzz.us; Stooq could not be reached (no connection)"
    )


def test_without_a_key_nothing_is_sent() -> None:
    source, adapter = stooq(code("^spx"), key=None)

    assert source.unavailable == NO_KEY
    with pytest.raises(UpstreamError) as raised:
        source.fetch(["^spx"])

    assert raised.value.message == NO_KEY
    assert "STOOQ_API_KEY" in raised.value.message
    assert adapter.sent == []


def test_with_a_key_stooq_can_be_asked() -> None:
    assert StooqPrices(KEY).unavailable is None
    assert StooqPrices("").unavailable == NO_KEY
    assert (StooqPrices.name, StooqPrices.label) == ("stooq", "Stooq")


FAILURES = [
    Answer(STOOQ, body=recording("stooq_no_data.txt"), headers=TEXT),
    Answer(STOOQ, body=recording("stooq_limit.txt"), headers=TEXT),
    Answer(STOOQ, body=recording("stooq_key_page.html"), headers=HTML),
    Answer(STOOQ, status=401, body=f"apikey {KEY} is not valid".encode(), headers=TEXT),
    Answer(STOOQ, body=b"Date,Close\n", headers=CSV),
    Answer(STOOQ, raises=requests.ConnectionError(f"Max retries exceeded with url: ?apikey={KEY}")),
    Answer(STOOQ, raises=requests.ReadTimeout(f"url: /q/d/l/?s=iwm.us&apikey={KEY} timed out")),
    Answer(STOOQ, raises=requests.TooManyRedirects(f"Exceeded 30 redirects: ?apikey={KEY}")),
]


@pytest.mark.parametrize("failure", FAILURES)
def test_the_key_never_appears_in_a_message(
    failure: Answer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    source, adapter = stooq(code("^spx"), failure)

    found, missing = source.fetch(["^spx", "iwm.us"])
    with pytest.raises(UpstreamError) as raised:
        source.fetch(["iwm.us"])

    assert list(found) == ["^spx"]
    assert adapter.params(0)["apikey"] == KEY  # it was sent, so it could have leaked
    for message in [*missing.values(), raised.value.message, str(raised.value)]:
        assert message.startswith("Stooq")
        assert KEY not in message
        assert "apikey=" not in message
    assert KEY not in caplog.text


def test_a_request_without_a_recording_is_never_taken_for_a_network_failure() -> None:
    source, _ = stooq(Answer("stlouisfed.org", body=b"observation_date,DGS10\n"))

    with pytest.raises(Unrecorded):
        source.fetch(["^spx"])
