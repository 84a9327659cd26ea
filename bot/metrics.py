"""What `/metrics` shows, in the Prometheus format (prometheus-client's default registry).

Each process counts what it does itself: the `web` process its commands, the `clock` its jobs,
alerts and posts; both their upstream fetches. A scraper adds the replicas up. Label values
come from small fixed sets (command names, job names), never from user text.
"""

from __future__ import annotations

import hmac
import threading
from collections.abc import Callable, Iterable, Iterator
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from bot.status import SeriesHealth
from bot.wsgi import StartResponse, WsgiApp

COMMAND_SECONDS = Histogram(
    "smallcaps_command_seconds",
    "Time to answer a command, by subcommand and outcome (answered, refused, failed).",
    ["subcommand", "outcome"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
JOB_RUNS = Counter("smallcaps_job_runs", "Clock job runs, by job.", ["job"])
JOB_FAILURES = Counter("smallcaps_job_failures", "Clock job runs that failed, by job.", ["job"])
UPSTREAM_FETCHES = Counter(
    "smallcaps_upstream_fetches",
    "Requests to a market data source, by source (yahoo, stooq, fred) and kind (prices, funds).",
    ["source", "kind"],
)
UPSTREAM_FAILURES = Counter(
    "smallcaps_upstream_failures",
    "Requests to a market data source that brought nothing usable for some series asked, by "
    "source and kind.",
    ["source", "kind"],
)
SHARED_ANSWERS = Counter(
    "smallcaps_shared_answers",
    "Answers to questions shared by every workspace, by where they came from: here (this "
    "process's copy), redis (another process's), computed, unshared (Redis away).",
    ["outcome"],
)
ALERTS_FIRED = Counter("smallcaps_alerts_fired", "Alert firings queued for posting.")
POSTS = Counter(
    "smallcaps_posts",
    "Messages posted to Slack channels, by kind (alert, summary) and outcome.",
    ["kind", "outcome"],
)
POSTS_FAILED = Counter(
    "smallcaps_posts_failed",
    "Posts given up for good (never to be posted), by kind (alert, summary).",
    ["kind"],
)
UNREADABLE_INSTALLATIONS = Counter(
    "smallcaps_installations_unreadable",
    "Reads of a Slack installation that no key of SMALLCAPS_TOKEN_KEY decrypts (an operator "
    "error: the key was rotated or mistyped; posts wait for it).",
)
RATE_LIMITED = Counter(
    "smallcaps_slack_rate_limited", "Slack Web API answers of 429 (rate limited)."
)
REQUESTS_REFUSED = Counter(
    "smallcaps_requests_refused",
    "HTTP requests refused before reaching a listener, by reason.",
    ["reason"],
)


class SourceHealthCollector(Collector):
    """Each series' sources as gauges, read from Redis when scraped (every process shows the
    shared record): last success, failures in a row, and which source answered last."""

    def __init__(self) -> None:
        self.read: Callable[[], list[SeriesHealth]] = list

    def collect(self) -> Iterator[GaugeMetricFamily]:
        success = GaugeMetricFamily(
            "smallcaps_source_last_success_timestamp_seconds",
            "When a source last gave a series (Unix time), by source and series.",
            labels=["source", "series"],
        )
        failures = GaugeMetricFamily(
            "smallcaps_source_failures_in_a_row",
            "Refreshes of a series from a source that failed in a row, by source and series.",
            labels=["source", "series"],
        )
        answered = GaugeMetricFamily(
            "smallcaps_series_answered_by",
            "1 for the source that answered a series last, by series and source.",
            labels=["series", "source"],
        )
        for series in self.read():
            for source in series.sources:
                labels = [source.source, series.series]
                if source.last_success is not None:
                    success.add_metric(labels, source.last_success.timestamp())
                failures.add_metric(labels, float(source.failures))
            if series.answered_by:
                answered.add_metric([series.series, series.answered_by], 1.0)
        yield from (success, failures, answered)


SOURCE_HEALTH = SourceHealthCollector()
REGISTRY.register(SOURCE_HEALTH)


def exposition() -> tuple[bytes, str]:
    """The text a Prometheus scrape reads, and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def authorized(environ: dict[str, Any], token: str | None) -> bool:
    """A scrape may read `/metrics`: no token is set, or it sends `Authorization: Bearer
    <token>` (compared in constant time)."""
    if token is None:
        return True
    sent = environ.get("HTTP_AUTHORIZATION", "")
    return hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())


def metrics_app(token: str | None) -> WsgiApp:
    """`/metrics` alone, as a WSGI app: 401 without the token when one is set."""

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if not authorized(environ, token):
            return refused(start_response)
        payload, content_type = exposition()
        start_response(
            "200 OK", [("Content-Type", content_type), ("Content-Length", str(len(payload)))]
        )
        return [payload]

    return application


def refused(start_response: StartResponse) -> list[bytes]:
    """401 with the scheme a scraper should use."""
    body = b"a bearer token is required\n"
    start_response(
        "401 Unauthorized",
        [
            ("Content-Type", "text/plain"),
            ("Content-Length", str(len(body))),
            ("WWW-Authenticate", 'Bearer realm="metrics"'),
        ],
    )
    return [body]


def serve_metrics(port: int, token: str | None = None, host: str = "0.0.0.0") -> WSGIServer:
    """`/metrics` on its own port, in a daemon thread, for a process with no web server of its
    own (the clock); returns the server (its port, and `shutdown` for tests)."""
    server = make_server(host, port, metrics_app(token), _ThreadingServer, _QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    """No access line on stderr for every scrape."""

    def log_message(self, format: str, *args: Any) -> None:
        return None
