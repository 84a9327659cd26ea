"""FRED (Federal Reserve Bank of St. Louis): yields, the VIX, spreads and the policy rate.

Two ways in, the same answer:

- without a key, pandas-datareader's `FredReader`, which reads the keyless graph CSV
  (`fredgraph.csv?id=CODE`). pandas-datareader is well kept for FRED (it follows pandas
  releases) and needs no key, so the bot has FRED data out of the box;
- with `FRED_API_KEY`, one small JSON call to the official API
  (`fred/series/observations?file_type=json`): it takes the start date (the graph CSV is always
  the whole history, cut afterwards), and tells an unknown series or a refused key apart in JSON.
  `fredapi` is not used: it speaks the XML API and requires a key, which buys nothing over a
  dozen lines of `requests`.

Rates can be zero or negative (the 3-month bill sat at 0.00% for years), so every finite value
is kept: `clean_closes`, which drops non-positive prices, is not for these series.

What `FredReader` does that matters here (pandas-datareader 0.11.1):

- `read()` closes the session it was given; the reader below leaves the caller's session open;
- a failed request becomes `RemoteDataError` carrying only text (no status, no cause), so the
  HTTP status is caught in its `_output_error` hook, and "no response at all" means unreachable;
- it ignores the CSV's header and parses any 200 body: a web page comes back as an empty frame
  or a `ValueError`, never as an error of its own, so bodies are checked before it parses them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, date
from typing import Any

import numpy as np
import pandas as pd
import requests
from pandas_datareader._utils import RemoteDataError
from pandas_datareader.fred import FredReader

from bot.market.one_by_one import Failed, KeyedSource, ask_each, unreachable_cause
from bot.market.prices import as_sessions

log = logging.getLogger(__name__)

API_URL = "https://api.stlouisfed.org/fred/series/observations"
EARLIEST = date(1900, 1, 1)
"""Where the keyless reader starts when asked for the whole history (its own default is five
years back)."""
DETAIL_CHARACTERS = 80
"""At most this much of what FRED says about a refused request is passed on."""


class _NotValues(Exception):
    """A 200 answer that is not FRED's CSV (a web page, another layout)."""


class _Reader(FredReader):  # type: ignore[misc]  # pandas-datareader has no types
    """`FredReader` that keeps the session open and remembers how FRED answered."""

    refused: requests.Response | None = None
    """The last non-200 answer, when there was one."""

    def close(self) -> None:
        """The session is the caller's: it stays open (FredReader would close it)."""

    def _output_error(self, out: requests.Response) -> bool:
        self.refused = out
        return True

    def _sanitize_response(self, response: requests.Response) -> bytes:
        body: bytes = response.content
        kind = response.headers.get("content-type", "").lower()
        text = body.lstrip()
        if "html" in kind or text.startswith(b"<"):
            raise _NotValues("a web page")
        header = text.split(b"\n", 1)[0].strip()
        if text and header.count(b",") != 1:
            raise _NotValues("not the graph CSV layout")
        return body


def values_series(dates: Sequence[Any] | pd.Index, values: Sequence[Any] | pd.Series) -> pd.Series:
    """Values by date: sorted, one per date (the last wins), every finite number kept (zero and
    negative too), anything else dropped."""
    index = as_sessions(pd.Series(list(dates), dtype="string"))
    parsed = pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce")
    numbers = parsed.to_numpy(dtype=float)
    keep = index.notna() & np.isfinite(numbers)
    series = pd.Series(numbers[keep], index=index[keep], dtype=float)
    series = series[~series.index.duplicated(keep="last")].sort_index()
    series.index.name = "Date"
    return series


class FredSeries(KeyedSource):
    """Daily (or weekly, monthly) values of FRED series, one request per series."""

    name = "fred"
    label = "FRED"

    @property
    def unavailable(self) -> str | None:
        """FRED can always be asked: without a key, through the keyless graph CSV."""
        return None

    def fetch(
        self, codes: Sequence[str], start: date | None = None
    ) -> tuple[dict[str, pd.Series], dict[str, str]]:
        """Values since `start` (the whole history when None) for every code, asked in order.

        Once FRED cannot be reached, is rate limited or refuses the key, the codes not yet asked
        get the same reason without a request. Raises UnreachableError when no code could reach
        FRED, UpstreamError when no code has a single value.
        """

        def empty(code: str) -> str:
            since = f" since {start.isoformat()}" if start else ""
            return f"FRED has no values for {code}{since}"

        return ask_each("FRED", codes, start, self._read, empty)

    def _read(self, code: str, start: date | None) -> pd.Series:
        if self._api_key:
            return self._read_api(code, start)
        return self._read_graph(code, start)

    def _read_graph(self, code: str, start: date | None) -> pd.Series:
        """The keyless graph CSV through pandas-datareader (the whole history, cut locally)."""
        first = start or EARLIEST
        today = self._clock.now().astimezone(UTC).date()
        reader = _Reader(
            code,
            start=first,
            end=max(today, first),
            session=self._session,
            retry_count=0,
            pause=0,
            timeout=self._timeout,
        )
        try:
            frame: pd.DataFrame = reader.read()
        except _NotValues as error:
            raise Failed(f"FRED sent something other than values for {code} ({error})") from error
        except RemoteDataError as error:
            if reader.refused is None:
                log.warning("FRED unreachable for %s: %s", code, error)
                # the text ends with what requests raised, after "Exception:"
                cause = unreachable_cause(str(error).rpartition("Exception:")[2])
                raise Failed(f"FRED could not be reached ({cause})", unreachable=True) from error
            raise self._refused(code, reader.refused.status_code) from error
        except OSError as error:  # pandas-datareader's way of saying the body was empty
            raise Failed(f"FRED sent an empty answer for {code}") from error
        except (ValueError, KeyError, IndexError) as error:
            raise Failed(f"FRED sent something other than values for {code}") from error
        if frame.shape[1] != 1 or not isinstance(frame.index, pd.DatetimeIndex):
            raise Failed(f"FRED sent something other than values for {code}")
        return values_series(frame.index.strftime("%Y-%m-%d"), frame.iloc[:, 0])

    def _read_api(self, code: str, start: date | None) -> pd.Series:
        """The official JSON API, keyed: only observations from `start` are sent."""
        params = {"series_id": code, "api_key": self._api_key or "", "file_type": "json"}
        if start is not None:
            params["observation_start"] = start.isoformat()
        try:
            response = self._session.get(API_URL, params=params, timeout=self._timeout)
        except (requests.ConnectionError, requests.Timeout) as error:
            detail = self._hide_key(str(error))
            log.warning("FRED unreachable for %s: %s", code, detail)
            cause = unreachable_cause(detail)
            raise Failed(f"FRED could not be reached ({cause})", unreachable=True) from None
        except requests.RequestException as error:
            log.warning("FRED request failed for %s: %s", code, self._hide_key(str(error)))
            raise Failed(f"FRED could not be asked for {code}") from None
        if response.status_code != 200:
            raise self._refused(code, response.status_code, self._error_message(response))
        try:
            body = response.json()
        except ValueError:
            raise Failed(f"FRED sent something other than values for {code}") from None
        observations = body.get("observations") if isinstance(body, dict) else None
        if not isinstance(observations, list) or not all(isinstance(o, dict) for o in observations):
            raise Failed(f"FRED sent something other than values for {code}")
        return values_series(
            [o.get("date") for o in observations], [o.get("value") for o in observations]
        )

    def _error_message(self, response: requests.Response) -> str:
        """What FRED's JSON error says, without its "Bad Request." preamble and without the key."""
        try:
            body = response.json()
        except ValueError:
            return ""
        message = body.get("error_message") if isinstance(body, dict) else None
        if not isinstance(message, str):
            return ""
        text = " ".join(self._hide_key(message).split())
        text = text.removeprefix("Bad Request.").strip()
        return text if len(text) <= DETAIL_CHARACTERS else text[: DETAIL_CHARACTERS - 1] + "…"

    def _refused(self, code: str, status: int, message: str = "") -> Failed:
        """Why FRED answered `status` rather than values."""
        if status == 429:
            return Failed("FRED's rate limit is reached (try again in a minute)", stop=True)
        lowered = message.lower()
        if "api_key" in lowered or "api key" in lowered:
            return Failed("FRED refused the key in FRED_API_KEY", stop=True)
        if "does not exist" in lowered or status == 404 or (status == 400 and not message):
            return Failed(f"FRED has no series {code}")
        detail = f": {message}" if message else ""
        if status >= 500:
            return Failed(f"FRED failed for {code} (HTTP {status})")
        return Failed(f"FRED refused {code} (HTTP {status}{detail})")
