"""Stooq: daily closes of US indices (`^spx`, `^rut`) and funds (`iwm.us`), a second source.

pandas-datareader no longer has a Stooq reader, and since March 2026 Stooq sends prices only
with an API key (pandas-datareader issue #1012): without one it answers HTTP 200 with a web page
(a key request or a proof-of-work browser check) instead of CSV. So this is a small client of
its CSV endpoint, `https://stooq.com/q/d/l/?s=<code>&i=d&apikey=<key>[&d1=YYYYMMDD&d2=YYYYMMDD]`,
one request per code, that never lets a body which is not prices pass for prices: "No data", the
daily-limit notice and web pages all become reasons.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from datetime import UTC, date

import pandas as pd
import requests

from bot.errors import UpstreamError
from bot.market.one_by_one import Failed, KeyedSource, ask_each, unreachable_cause
from bot.market.prices import as_sessions, clean_closes

log = logging.getLogger(__name__)

URL = "https://stooq.com/q/d/l/"
LIMIT_NOTICE = "exceeded the daily hits limit"

NO_KEY = "Stooq needs STOOQ_API_KEY (since March 2026 it sends prices only with a key)"
LIMIT_USED_UP = "Stooq's daily limit is used up"
WEB_PAGE = "Stooq sent a web page, not prices (it asks for a key or a browser check)"


def parse_csv(text: str, code: str) -> pd.Series:
    """Closes from Stooq's `Date,Open,High,Low,Close[,Volume]` CSV; raises Failed otherwise."""
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str)
    except (ValueError, pd.errors.ParserError) as error:
        raise Failed(f"Stooq sent something other than prices for {code}") from error
    columns = {str(c).strip().lower(): c for c in frame.columns}
    if "date" not in columns or "close" not in columns:
        raise Failed(f"Stooq sent something other than prices for {code}")
    return clean_closes(as_sessions(frame[columns["date"]]), frame[columns["close"]])


class StooqPrices(KeyedSource):
    """Daily closes from Stooq's CSV endpoint, one request per code, with an API key."""

    name = "stooq"
    label = "Stooq"

    @property
    def unavailable(self) -> str | None:
        """Why Stooq cannot be asked: it has no key."""
        return None if self._api_key else NO_KEY

    def fetch(
        self, codes: Sequence[str], start: date | None = None
    ) -> tuple[dict[str, pd.Series], dict[str, str]]:
        """Closes since `start` (the whole history when None) for every code, asked in order.

        Once Stooq's daily limit is used up, it sends a web page or it cannot be reached, the
        codes not yet asked get the same reason without a request. Raises UnreachableError when
        no code could reach Stooq, UpstreamError when no code has a single close (and, without
        a key, before asking anything).
        """
        if self.unavailable:
            raise UpstreamError(self.unavailable)
        return ask_each(
            "Stooq", codes, start, self._read, lambda code: f"Stooq sent no valid prices for {code}"
        )

    def _read(self, code: str, start: date | None) -> pd.Series:
        params = {"s": code, "i": "d", "apikey": self._api_key or ""}
        if start is not None:
            today = self._clock.now().astimezone(UTC).date()
            params["d1"] = start.strftime("%Y%m%d")
            params["d2"] = max(today, start).strftime("%Y%m%d")
        try:
            response = self._session.get(URL, params=params, timeout=self._timeout)
        except (requests.ConnectionError, requests.Timeout) as error:
            log.warning("Stooq unreachable for %s: %s", code, self._hide_key(str(error)))
            cause = "timed out" if isinstance(error, requests.Timeout) else str(error)
            raise Failed(
                f"Stooq could not be reached ({unreachable_cause(cause)})", unreachable=True
            ) from None
        except requests.RequestException as error:
            log.warning("Stooq request failed for %s: %s", code, self._hide_key(str(error)))
            raise Failed(f"Stooq could not be asked for {code}") from None
        text = response.content.decode("utf-8-sig", errors="replace").strip()
        if response.status_code == 429 or LIMIT_NOTICE in text.lower():
            raise Failed(LIMIT_USED_UP, stop=True)
        if response.status_code != 200:
            raise Failed(f"Stooq failed for {code} (HTTP {response.status_code})")
        if not text:
            raise Failed(f"Stooq sent an empty answer for {code}")
        if text.lower() == "no data":
            raise Failed(f"Stooq has no data for {code}")
        if text.startswith("<") or "html" in response.headers.get("content-type", "").lower():
            raise Failed(WEB_PAGE, stop=True)
        return parse_csv(text, code)
