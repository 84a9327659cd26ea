"""What `/metrics` shows, in the Prometheus format (prometheus-client's default registry).

Each process counts what it does itself: the `web` process its commands, the `clock` its jobs,
alerts and posts; both their upstream fetches. A scraper adds the replicas up. Label values
come from small fixed sets (command names, job names), never from user text.
"""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest

COMMAND_SECONDS = Histogram(
    "smallcaps_command_seconds",
    "Time to answer a command, by subcommand and outcome (answered, refused, failed).",
    ["subcommand", "outcome"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
JOB_RUNS = Counter("smallcaps_job_runs", "Clock job runs, by job.", ["job"])
JOB_FAILURES = Counter("smallcaps_job_failures", "Clock job runs that failed, by job.", ["job"])
UPSTREAM_FETCHES = Counter(
    "smallcaps_upstream_fetches", "Requests to the market data source, by kind.", ["kind"]
)
UPSTREAM_FAILURES = Counter(
    "smallcaps_upstream_failures",
    "Requests to the market data source that brought nothing usable, by kind.",
    ["kind"],
)
ALERTS_FIRED = Counter("smallcaps_alerts_fired", "Alert firings queued for posting.")
POSTS = Counter(
    "smallcaps_posts",
    "Messages posted to Slack channels, by kind (alert, summary) and outcome.",
    ["kind", "outcome"],
)
RATE_LIMITED = Counter(
    "smallcaps_slack_rate_limited", "Slack Web API answers of 429 (rate limited)."
)
REQUESTS_REFUSED = Counter(
    "smallcaps_requests_refused",
    "HTTP requests refused before reaching a listener, by reason.",
    ["reason"],
)


def exposition() -> tuple[bytes, str]:
    """The text a Prometheus scrape reads, and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def serve_metrics(port: int) -> None:
    """`/metrics` on its own port, for a process with no web server of its own (the clock)."""
    from prometheus_client import start_http_server

    start_http_server(port)
