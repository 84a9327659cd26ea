"""HTTP mode: Bolt behind waitress, a production WSGI server.

POST /slack/events   slash commands, interactivity and events (signature always verified)
GET  /healthz        200 when the app, Redis and the data cache are usable, else 503
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

log = logging.getLogger(__name__)

ACK_SWITCH_INTERVAL = 0.0005
"""Seconds a thread may hold the GIL before another waiting thread gets it."""

Health = Callable[[], tuple[bool, dict[str, str]]]
StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def wsgi_app(app: App, health: Health) -> WsgiApp:
    slack = SlackRequestHandler(app, path="/slack/events")

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/slack/events":
            return slack(environ, start_response)
        if path == "/healthz" and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            ok, checks = health()
            return _json(start_response, "200 OK" if ok else "503 Service Unavailable", checks)
        return _json(start_response, "404 Not Found", {"error": "not found"})

    return application


def _json(start_response: StartResponse, status: str, body: dict[str, str]) -> list[bytes]:
    payload = json.dumps(body).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
    )
    return [payload]


def serve(application: WsgiApp, port: int, host: str = "0.0.0.0") -> None:
    """Serve until stopped, with waitress's worker threads."""
    from waitress import serve as waitress_serve

    # A request thread waiting to send its ack must not wait 5 ms (Python's default) for the
    # GIL while a listener thread computes the previous answer: acks come first.
    sys.setswitchinterval(ACK_SWITCH_INTERVAL)
    log.warning(
        "smallcaps listening on http://%s:%d (POST /slack/events, GET /healthz)", host, port
    )
    waitress_serve(application, host=host, port=port, threads=8, ident="smallcaps")
