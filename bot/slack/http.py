"""HTTP mode: Bolt behind waitress, a production WSGI server.

POST /slack/events   slash commands, interactivity and events, through `bot.slack.guard`
GET  /slack/install  the "Add to Slack" page (many-workspace mode)
GET  /slack/oauth_redirect  where Slack sends an installer back (many-workspace mode)
GET  /healthz        liveness: 200 while the process serves
GET  /readyz         readiness: 200 when Redis answers and the data cache has prices, else 503;
                     only "ready" or "not ready" (why goes to the log: the reason may name hosts)
GET  /metrics        Prometheus metrics of this process (401 without the bearer token, when one
                     is set)
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.metrics import metrics_app
from bot.slack.guard import MAX_BODY, SeenDeliveries, guarded
from bot.wsgi import StartResponse, WsgiApp

log = logging.getLogger(__name__)

ACK_SWITCH_INTERVAL = 0.0005
"""Seconds a thread may hold the GIL before another waiting thread gets it."""

Readiness = Callable[[], tuple[bool, dict[str, str]]]


def wsgi_app(
    app: App,
    readiness: Readiness,
    seen: SeenDeliveries,
    signing_secret: str,
    metrics_token: str | None = None,
) -> WsgiApp:
    bolt = SlackRequestHandler(app, path="/slack/events")
    metrics = metrics_app(metrics_token)
    readiness_log = ReadinessLog()
    slack = guarded(bolt, signing_secret, seen)
    flow = app.oauth_flow
    oauth_paths = (flow.install_path, flow.redirect_uri_path) if flow is not None else ()

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/slack/events":
            return slack(environ, start_response)
        if path in oauth_paths and environ.get("REQUEST_METHOD") == "GET":
            return bolt(environ, start_response)  # a browser's, unsigned: Bolt checks the state
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return _json(start_response, "405 Method Not Allowed", {"error": "use GET"})
        if path == "/healthz":
            return _json(start_response, "200 OK", {"status": "ok"})
        if path == "/readyz":
            ok, checks = readiness()
            readiness_log.note(ok, checks)
            if ok:
                return _json(start_response, "200 OK", {"status": "ready"})
            return _json(start_response, "503 Service Unavailable", {"status": "not ready"})
        if path == "/metrics":
            return metrics(environ, start_response)
        return _json(start_response, "404 Not Found", {"error": "not found"})

    return application


class ReadinessLog:
    """Logs why the process is (not) ready when that changes, not at every probe."""

    def __init__(self) -> None:
        self.last: dict[str, str] | None = None

    def note(self, ok: bool, checks: dict[str, str]) -> None:
        if checks == self.last:
            return
        self.last = checks
        said = ", ".join(f"{name}: {state}" for name, state in checks.items())
        if ok:
            log.info("ready (%s)", said)
        else:
            log.warning("not ready (%s)", said)


def _json(start_response: StartResponse, status: str, body: dict[str, str]) -> list[bytes]:
    return _body(start_response, status, "application/json", json.dumps(body).encode())


def _body(
    start_response: StartResponse, status: str, content_type: str, payload: bytes
) -> list[bytes]:
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(payload)))])
    return [payload]


def serve(application: WsgiApp, port: int, host: str = "0.0.0.0", installs: bool = False) -> None:
    """Serve until stopped, with waitress's worker threads; `installs`: the OAuth pages too."""
    from waitress import serve as waitress_serve

    # A request thread waiting to send its ack must not wait 5 ms (Python's default) for the
    # GIL while a listener thread computes the previous answer: acks come first.
    sys.setswitchinterval(ACK_SWITCH_INTERVAL)
    pages = "GET /slack/install, /slack/oauth_redirect, " if installs else "GET "
    log.warning(
        "smallcaps listening on http://%s:%d "
        "(POST /slack/events, %s/healthz, /readyz and /metrics)",
        host,
        port,
        pages,
    )
    waitress_serve(application, host=host, port=port, **server_options())


def server_options() -> dict[str, Any]:
    """How waitress serves the app, here and in the tests' servers alike."""
    return {
        "threads": 8,
        "ident": "smallcaps",
        # waitress refuses a body of exactly this size (it compares with >=): one byte more
        # lets in the guard's documented limit, MAX_BODY itself, and the guard refuses the rest.
        "max_request_body_size": MAX_BODY + 1,
        # Heroku's router (and most load balancers) close idle connections themselves.
        "channel_timeout": 60,
    }
