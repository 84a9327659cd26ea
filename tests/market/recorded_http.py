"""A requests transport that answers from recordings: the HTTP clients' tests never reach the
network.

    adapter = Recorded(Answer("stooq.com", body=recording("stooq_spx.csv")))
    session = adapter.session()
    ... StooqPrices("key", session=session).fetch(["^spx"]) ...
    assert adapter.params(0)["apikey"] == "key"

An answer is chosen by the first `Answer` whose `match` fits the request: a substring of the URL
or a predicate on the prepared request. It gives a status, headers and a body, or raises an
exception as the transport would (`requests.ConnectionError`, `requests.Timeout`). A request
nothing matches raises `Unrecorded`, which no client catches as a network failure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

RECORDINGS = Path(__file__).parent / "recordings"


def recording(name: str) -> bytes:
    """A recorded body, as sent."""
    return (RECORDINGS / name).read_bytes()


class Unrecorded(AssertionError):
    """A request no recording answers: a test would have reached the network."""


@dataclass
class Answer:
    match: str | Callable[[requests.PreparedRequest], bool]
    """A substring of the URL, or a predicate on the request."""
    status: int = 200
    body: bytes | str = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    raises: Exception | None = None
    """Raised instead of answering, as the transport raises it."""

    def fits(self, request: requests.PreparedRequest) -> bool:
        if isinstance(self.match, str):
            return self.match in (request.url or "")
        return self.match(request)


@dataclass
class Sent:
    request: requests.PreparedRequest
    timeout: Any


class Recorded(BaseAdapter):
    """Answers every request from `answers` (the first that fits) and keeps all it was sent."""

    def __init__(self, *answers: Answer) -> None:
        super().__init__()
        self.answers = list(answers)
        self.sent: list[Sent] = []
        self.closed = 0

    def session(self) -> requests.Session:
        """A new session that sends everything, http and https, here."""
        session = requests.Session()
        session.mount("https://", self)
        session.mount("http://", self)
        return session

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        self.sent.append(Sent(request, timeout))
        answer = next((a for a in self.answers if a.fits(request)), None)
        if answer is None:
            raise Unrecorded(f"no recording answers {request.method} {request.url}")
        if answer.raises is not None:
            raise answer.raises
        response = requests.Response()
        response.status_code = answer.status
        response.headers = CaseInsensitiveDict(answer.headers)
        body = answer.body.encode() if isinstance(answer.body, str) else answer.body
        response._content = body
        response.encoding = get_encoding_from_headers(response.headers) or "utf-8"
        response.url = request.url or ""
        response.request = request
        response.reason = "OK" if answer.status == 200 else "Recorded"
        return response

    def close(self) -> None:
        self.closed += 1

    @property
    def urls(self) -> list[str]:
        return [s.request.url or "" for s in self.sent]

    def params(self, index: int) -> dict[str, str]:
        """The query parameters of the `index`th request (the last value of each)."""
        query = parse_qs(urlsplit(self.urls[index]).query, keep_blank_values=True)
        return {name: values[-1] for name, values in query.items()}
