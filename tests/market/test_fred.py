"""FRED on recorded answers: the keyless graph CSV (pandas-datareader) and the keyed JSON API."""

from __future__ import annotations

import csv
import io
import json
import logging
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest
import requests

from bot.clock import FixedClock
from bot.errors import UnreachableError, UpstreamError
from bot.market.fred import FredSeries
from tests.market.recorded_http import Answer, Recorded, Unrecorded, recording

KEY = "0123456789abcdef0123456789abcdef"
CLOCK = FixedClock(datetime(2026, 12, 2, 15, 0, tzinfo=UTC))
GRAPH = "fred.stlouisfed.org/graph/fredgraph.csv"
API = "api.stlouisfed.org/fred/series/observations"
CSV = {"content-type": "text/csv; charset=utf-8"}
JSON = {"content-type": "application/json; charset=UTF-8"}
HTML = {"content-type": "text/html; charset=utf-8"}


def graph(code: str) -> str:
    return f"{GRAPH}?id={code}"


def api(code: str) -> str:
    return f"series_id={code}&"


def fred(*answers: Answer, key: str | None = None) -> tuple[FredSeries, Recorded]:
    adapter = Recorded(*answers)
    return FredSeries(key, session=adapter.session(), timeout=7.0, clock=CLOCK), adapter


def recorded_values(name: str) -> pd.Series:
    """What a recorded graph CSV says, read independently of the code under test."""
    rows = list(csv.reader(io.StringIO(recording(name).decode())))[1:]
    kept = [(d, float(v)) for d, v in rows if v != "."]
    return pd.Series(
        [v for _, v in kept],
        index=pd.DatetimeIndex([d for d, _ in kept], name="Date").astype("datetime64[ns]"),
        dtype=float,
    )


def test_keyless_reads_the_graph_csv_and_drops_missing_values() -> None:
    source, adapter = fred(Answer(graph("DGS10"), body=recording("fred_DGS10.csv"), headers=CSV))

    found, missing = source.fetch(["DGS10"])

    assert missing == {}
    values = found["DGS10"]
    pd.testing.assert_series_equal(values, recorded_values("fred_DGS10.csv"), check_names=False)
    assert values.index.name == "Date"
    assert values.index.dtype == np.dtype("datetime64[ns]")
    assert values.index.is_monotonic_increasing
    assert pd.Timestamp("2026-11-11") not in values.index  # "." on Veterans Day
    assert values.iloc[0] == 4.09
    assert values.iloc[-1] == 3.73
    assert adapter.params(0) == {"id": "DGS10"}
    assert adapter.sent[0].timeout == 7.0


def test_keyless_leaves_the_callers_session_open() -> None:
    """FredReader.read() closes its session; the one given to FredSeries is the caller's."""
    source, adapter = fred(Answer(graph("DGS10"), body=recording("fred_DGS10.csv"), headers=CSV))

    source.fetch(["DGS10"])

    assert adapter.closed == 0


def test_keyless_whole_history_goes_back_beyond_five_years() -> None:
    """FredReader's default start is five years back: the whole history must be asked for."""
    body = b"observation_date,DGS10\n1962-01-02,4.06\n1962-01-03,4.03\n2026-11-27,3.73\n"
    source, _ = fred(Answer(graph("DGS10"), body=body, headers=CSV))

    found, _ = source.fetch(["DGS10"])

    assert list(found["DGS10"].index) == [
        pd.Timestamp("1962-01-02"),
        pd.Timestamp("1962-01-03"),
        pd.Timestamp("2026-11-27"),
    ]


def test_keyless_start_keeps_only_values_from_that_date() -> None:
    source, _ = fred(Answer(graph("DGS10"), body=recording("fred_DGS10.csv"), headers=CSV))

    found, _ = source.fetch(["DGS10"], start=date(2026, 11, 16))

    values = found["DGS10"]
    assert values.index[0] == pd.Timestamp("2026-11-16")
    assert values.iloc[0] == 3.88
    expected = recorded_values("fred_DGS10.csv")
    assert len(values) == (expected.index >= pd.Timestamp("2026-11-16")).sum()


def test_keyless_start_after_the_last_value_is_a_reason() -> None:
    source, _ = fred(Answer(graph("DGS10"), body=recording("fred_DGS10.csv"), headers=CSV))

    with pytest.raises(UpstreamError, match=r"FRED has no values for DGS10 since 2026-11-30"):
        source.fetch(["DGS10"], start=date(2026, 11, 30))


def test_zero_rates_are_kept() -> None:
    """The 3-month bill sat at 0.00%: a zero is a value, not a gap."""
    source, _ = fred(Answer(graph("DTB3"), body=recording("fred_DTB3.csv"), headers=CSV))

    found, _ = source.fetch(["DTB3"])

    values = found["DTB3"]
    assert values[pd.Timestamp("2011-12-21")] == 0.0
    assert values[pd.Timestamp("2011-12-28")] == 0.0
    assert (values == 0.0).sum() == 3
    assert len(values) == 9  # ten rows, one "."


def test_negative_values_are_kept() -> None:
    body = json.dumps(
        {
            "count": 3,
            "observations": [
                {"date": "2020-03-25", "value": "0.01"},
                {"date": "2020-03-26", "value": "-0.04"},
                {"date": "2020-03-27", "value": "0.00"},
            ],
        }
    )
    source, _ = fred(Answer(api("DTB3"), body=body, headers=JSON), key=KEY)

    found, _ = source.fetch(["DTB3"])

    assert found["DTB3"].tolist() == [0.01, -0.04, 0.0]


def test_keyless_unknown_series_is_a_reason_and_the_rest_is_kept() -> None:
    source, adapter = fred(
        Answer(graph("DGS10"), body=recording("fred_DGS10.csv"), headers=CSV),
        Answer(graph("NOSUCH"), status=404, body=b"<html><body>Not Found</body></html>"),
    )

    found, missing = source.fetch(["NOSUCH", "DGS10"])

    assert list(found) == ["DGS10"]
    assert missing == {"NOSUCH": "FRED has no series NOSUCH"}
    assert len(adapter.sent) == 2


def test_keyless_empty_body_is_a_reason() -> None:
    source, _ = fred(
        Answer(graph("DGS10"), body=recording("fred_DGS10.csv"), headers=CSV),
        Answer(graph("EMPTY"), body=b"", headers=CSV),
    )

    found, missing = source.fetch(["DGS10", "EMPTY"])

    assert list(found) == ["DGS10"]
    assert missing == {"EMPTY": "FRED sent an empty answer for EMPTY"}


def test_keyless_empty_body_alone_raises() -> None:
    source, _ = fred(Answer(graph("DGS10"), body=b"", headers=CSV))

    with pytest.raises(UpstreamError, match="FRED sent an empty answer for DGS10") as raised:
        source.fetch(["DGS10"])
    assert not isinstance(raised.value, UnreachableError)


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (recording("stooq_key_page.html"), HTML),
        (b"\n  <html><body><p>Error</p></body></html>", {"content-type": "text/plain"}),
        (b"<!DOCTYPE html>\n<html>\n<body>\n<p>Error</p>\n</body></html>\n", CSV),
    ],
    ids=["html-content-type", "html-as-text", "html-as-csv"],
)
def test_keyless_web_page_is_never_values(body: bytes, headers: dict[str, str]) -> None:
    """pandas-datareader parses a web page into an empty frame or a ValueError: never data."""
    source, _ = fred(Answer(graph("DGS10"), body=body, headers=headers))

    with pytest.raises(UpstreamError) as raised:
        source.fetch(["DGS10"])

    assert raised.value.message == "FRED sent something other than values for DGS10 (a web page)"


def test_keyless_other_layout_is_never_values() -> None:
    body = b"DATE,VALUE,REALTIME\n2026-11-27,3.73,2026-12-02\n"
    source, _ = fred(Answer(graph("DGS10"), body=body, headers=CSV))

    with pytest.raises(UpstreamError) as raised:
        source.fetch(["DGS10"])

    assert raised.value.message == (
        "FRED sent something other than values for DGS10 (not the graph CSV layout)"
    )


def test_keyless_values_that_are_not_numbers_are_dropped() -> None:
    body = b"observation_date,DGS10\n2026-11-25,3.77\n2026-11-26,n/a\n2026-11-27,3.73\n"
    source, _ = fred(Answer(graph("DGS10"), body=body, headers=CSV))

    found, _ = source.fetch(["DGS10"])

    assert found["DGS10"].tolist() == [3.77, 3.73]


def test_keyless_rate_limit_stops_asking() -> None:
    source, adapter = fred(Answer(GRAPH, status=429, body=b"Too Many Requests"))

    with pytest.raises(UpstreamError, match="FRED's rate limit is reached") as raised:
        source.fetch(["DGS10", "DTB3", "VIXCLS"])

    assert not isinstance(raised.value, UnreachableError)
    assert len(adapter.sent) == 1


def test_keyless_server_error_is_a_reason() -> None:
    source, _ = fred(Answer(GRAPH, status=503, body=b"<html>Service Unavailable</html>"))

    with pytest.raises(UpstreamError, match=r"FRED failed for DGS10 \(HTTP 503\)"):
        source.fetch(["DGS10"])


@pytest.mark.parametrize(
    ("error", "cause"),
    [
        (requests.ConnectionError("Failed to resolve 'fred.stlouisfed.org'"), "name not found"),
        (requests.ConnectionError("[Errno 111] Connection refused"), "connection refused"),
        (requests.ReadTimeout("Read timed out. (read timeout=7.0)"), "timed out"),
    ],
)
def test_keyless_unreachable_raises_and_stops(error: Exception, cause: str) -> None:
    source, adapter = fred(Answer(GRAPH, raises=error))

    with pytest.raises(UnreachableError) as raised:
        source.fetch(["DGS10", "DTB3"])

    assert raised.value.message == f"FRED could not be reached ({cause})"
    assert len(adapter.sent) == 1


def test_unreachable_after_a_refusal_is_not_unreachable_at_all() -> None:
    """FRED answered the first code: the source was reached, so the error is an UpstreamError."""
    source, _ = fred(
        Answer(graph("NOSUCH"), status=404, body=b"Not Found"),
        Answer(GRAPH, raises=requests.ConnectionError("Connection reset by peer")),
    )

    with pytest.raises(UpstreamError) as raised:
        source.fetch(["NOSUCH", "DGS10"])

    assert not isinstance(raised.value, UnreachableError)
    assert "FRED has no series NOSUCH" in raised.value.message
    assert "FRED could not be reached (no connection)" in raised.value.message


def test_api_reads_observations() -> None:
    source, adapter = fred(
        Answer(api("EFFR"), body=recording("fred_EFFR_observations.json"), headers=JSON),
        key=KEY,
    )

    found, missing = source.fetch(["EFFR"])

    assert missing == {}
    values = found["EFFR"]
    observations = json.loads(recording("fred_EFFR_observations.json"))["observations"]
    kept = [o for o in observations if o["value"] != "."]
    assert len(values) == len(kept) == len(observations) - 2
    assert values.index[0] == pd.Timestamp("2026-11-02")
    assert values.index[-1] == pd.Timestamp("2026-11-27")
    assert values.index.name == "Date"
    assert values.index.dtype == np.dtype("datetime64[ns]")
    assert values[pd.Timestamp("2026-11-12")] == 3.88
    assert values[pd.Timestamp("2026-11-13")] == 3.87
    assert pd.Timestamp("2026-11-26") not in values.index  # "." on Thanksgiving
    assert adapter.urls[0].startswith("https://api.stlouisfed.org/fred/series/observations?")
    assert adapter.params(0) == {"series_id": "EFFR", "api_key": KEY, "file_type": "json"}
    assert adapter.sent[0].timeout == 7.0
    assert not any(GRAPH in url for url in adapter.urls)


def test_api_sends_the_start_and_keeps_only_values_from_it() -> None:
    # The recording holds the whole month: what FRED would not have sent must not pass anyway.
    source, adapter = fred(
        Answer(api("EFFR"), body=recording("fred_EFFR_observations.json"), headers=JSON),
        key=KEY,
    )

    found, _ = source.fetch(["EFFR"], start=date(2026, 11, 16))

    assert adapter.params(0)["observation_start"] == "2026-11-16"
    assert found["EFFR"].index.min() == pd.Timestamp("2026-11-16")


def test_api_unknown_series_is_a_reason_and_the_rest_is_kept() -> None:
    source, adapter = fred(
        Answer(api("EFFR"), body=recording("fred_EFFR_observations.json"), headers=JSON),
        Answer(api("NOSUCH"), status=400, body=recording("fred_error_400.json"), headers=JSON),
        key=KEY,
    )

    found, missing = source.fetch(["NOSUCH", "EFFR"])

    assert list(found) == ["EFFR"]
    assert missing == {"NOSUCH": "FRED has no series NOSUCH"}
    assert [adapter.params(i)["series_id"] for i in range(2)] == ["NOSUCH", "EFFR"]


def test_api_refused_key_stops_asking() -> None:
    body = json.dumps(
        {
            "error_code": 400,
            "error_message": "Bad Request.  Variable api_key is not a 32 character alpha-numeric "
            "lower-case string.  Read https://fred.stlouisfed.org/docs/api/api_key.html for "
            "more information.",
        }
    )
    source, adapter = fred(Answer(API, status=400, body=body, headers=JSON), key=KEY)

    with pytest.raises(UpstreamError) as raised:
        source.fetch(["EFFR", "DFF"])

    assert raised.value.message == "FRED refused the key in FRED_API_KEY"
    assert len(adapter.sent) == 1


def test_api_other_refusal_says_what_fred_said() -> None:
    body = json.dumps(
        {
            "error_code": 400,
            "error_message": "Bad Request.  Variable observation_start is not a valid date.",
        }
    )
    source, _ = fred(Answer(API, status=400, body=body, headers=JSON), key=KEY)

    with pytest.raises(UpstreamError) as raised:
        source.fetch(["EFFR"])

    assert raised.value.message == (
        "FRED refused EFFR (HTTP 400: Variable observation_start is not a valid date.)"
    )


def test_api_rate_limit_stops_asking() -> None:
    body = json.dumps(
        {"error_code": 429, "error_message": "Too Many Requests.  Exceeded Rate Limit"}
    )
    source, adapter = fred(
        Answer(api("EFFR"), body=recording("fred_EFFR_observations.json"), headers=JSON),
        Answer(API, status=429, body=body, headers=JSON),
        key=KEY,
    )

    found, missing = source.fetch(["EFFR", "DFF", "DGS10"])

    assert list(found) == ["EFFR"]
    assert missing == {
        "DFF": "FRED's rate limit is reached (try again in a minute)",
        "DGS10": "FRED's rate limit is reached (try again in a minute)",
    }
    assert len(adapter.sent) == 2


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"",
        b'{"count": 0}',
        b'{"observations": {"date": "2026-11-27", "value": "3.87"}}',
        b'{"observations": ["2026-11-27", "3.87"]}',
        b"<html><body>Oops</body></html>",
    ],
    ids=["garbage", "empty", "no-observations", "not-a-list", "not-records", "html"],
)
def test_api_malformed_body_is_never_values(body: bytes) -> None:
    source, _ = fred(Answer(API, body=body, headers=JSON), key=KEY)

    with pytest.raises(UpstreamError, match=r"FRED sent something other than values for EFFR"):
        source.fetch(["EFFR"])


def test_api_observations_without_a_value_are_a_reason() -> None:
    body = json.dumps({"count": 2, "observations": [{"date": "2026-11-26", "value": "."}]})
    source, _ = fred(Answer(API, body=body, headers=JSON), key=KEY)

    with pytest.raises(UpstreamError, match=r"^FRED has no values for EFFR$"):
        source.fetch(["EFFR"])


def test_api_unreachable_raises_and_stops() -> None:
    error = requests.ConnectionError(
        "HTTPSConnectionPool(host='api.stlouisfed.org', port=443): Max retries exceeded with url: "
        f"/fred/series/observations?series_id=EFFR&api_key={KEY}&file_type=json "
        "(Caused by NameResolutionError: Failed to resolve 'api.stlouisfed.org')"
    )
    source, adapter = fred(Answer(API, raises=error), key=KEY)

    with pytest.raises(UnreachableError) as raised:
        source.fetch(["EFFR", "DFF"])

    assert raised.value.message == "FRED could not be reached (name not found)"
    assert len(adapter.sent) == 1


FAILURES = [
    Answer(API, status=400, body=recording("fred_error_400.json"), headers=JSON),
    Answer(API, status=429, body=b'{"error_code": 429}', headers=JSON),
    Answer(
        API,
        status=400,
        body=json.dumps({"error_code": 400, "error_message": f"Bad Request.  Key {KEY} unknown."}),
        headers=JSON,
    ),
    Answer(
        API,
        status=500,
        body=json.dumps({"error_code": 500, "error_message": f"Internal error for {KEY}"}),
        headers=JSON,
    ),
    Answer(API, body=b"<html>api_key=" + KEY.encode() + b"</html>", headers=HTML),
    Answer(API, raises=requests.ConnectionError(f"url: /fred?api_key={KEY}")),
    Answer(API, raises=requests.ReadTimeout(f"url: /fred?api_key={KEY} read timed out")),
    Answer(API, raises=requests.TooManyRedirects(f"Exceeded 30 redirects: ?api_key={KEY}")),
]


@pytest.mark.parametrize("failure", FAILURES)
def test_the_key_never_appears_in_a_message(
    failure: Answer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    source, adapter = fred(
        Answer(api("EFFR"), body=recording("fred_EFFR_observations.json"), headers=JSON),
        failure,
        key=KEY,
    )

    found, missing = source.fetch(["EFFR", "DFF"])
    with pytest.raises(UpstreamError) as raised:
        source.fetch(["DFF"])

    assert list(found) == ["EFFR"]
    assert adapter.params(0)["api_key"] == KEY  # it was sent, so it could have leaked
    for message in [*missing.values(), raised.value.message, str(raised.value)]:
        assert message.startswith("FRED")
        assert KEY not in message
        assert "api_key=" not in message
    assert KEY not in caplog.text


def test_a_request_without_a_recording_is_never_taken_for_a_network_failure() -> None:
    source, _ = fred(Answer("stooq.com", body=b"No data"), key=KEY)

    with pytest.raises(Unrecorded):
        source.fetch(["EFFR"])
    keyless, _ = fred(Answer("stooq.com", body=b"No data"))
    with pytest.raises(Unrecorded):
        keyless.fetch(["DGS10"])


def test_fred_can_always_be_asked() -> None:
    assert FredSeries().unavailable is None
    assert FredSeries(KEY).unavailable is None
    assert (FredSeries.name, FredSeries.label) == ("fred", "FRED")


def test_nothing_asked_is_nothing_found() -> None:
    source, adapter = fred()

    assert source.fetch([]) == ({}, {})
    assert adapter.sent == []
