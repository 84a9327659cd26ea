"""The door of `/slack/events`: what a request must be before any listener sees it.

In order, each refusal a 4xx with a one-line reason, and nothing done:

- 405 for anything but POST; 415 for a body that is not a form or JSON;
- 411 without a length, 413 above `MAX_BODY` (never read);
- 401 without Slack's signature over the body, or when signed more than five minutes ago
  (slack-sdk's `SignatureVerifier`; there is no setting that turns this off);
- 400 for a body that does not parse (bad form encoding, bad JSON, not UTF-8);
- a delivery seen before: 200 with nothing run when Slack marks it as a retry
  (`X-Slack-Retry-Num`), else 409, a replay.

A delivery is known by what Slack gives it (an event's `event_id`, a command's or a button's
`trigger_id`), else by its body; a menu's type-ahead, which changes nothing, is never refused.
Seen deliveries are claimed in Redis (`SET NX`, shared by every replica), or in this process
while Redis is down.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

import redis
from slack_sdk.signature import SignatureVerifier

from bot.logs import new_request_id, request_id
from bot.metrics import REQUESTS_REFUSED
from bot.store.keys import Keys
from bot.wsgi import StartResponse, WsgiApp

log = logging.getLogger(__name__)

MAX_BODY = 512 * 1024
"""Slack's own payloads are a few kilobytes; a body above this is not Slack's."""
SEEN_SECONDS = 3600
"""How long a delivery is remembered: Slack retries within minutes, and a signature expires
after five."""
CONTENT_TYPES = ("application/x-www-form-urlencoded", "application/json")

READ_ONLY = ("url_verification", "block_suggestion")
"""Deliveries that change nothing and may come twice alike: Slack's URL check, and a menu's
type-ahead (the same letters typed again send the same body)."""


class Refused(Exception):
    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class SeenDeliveries:
    """Which deliveries were already let in: in Redis, or in this process while it is down."""

    def __init__(self, redis_client: Callable[[], redis.Redis], keys: Keys) -> None:
        self._redis = redis_client
        self.keys = keys
        self._local: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first(self, identity: str) -> bool:
        """Claims `identity`; False when it was claimed before."""
        digest = hashlib.sha256(identity.encode()).hexdigest()
        try:
            return bool(
                self._redis().set(self.keys.seen_delivery(digest), "1", nx=True, ex=SEEN_SECONDS)
            )
        except (redis.RedisError, OSError):
            return self._first_here(digest)

    def _first_here(self, digest: str) -> bool:
        now = time.monotonic()
        with self._lock:
            while self._local and next(iter(self._local.values())) < now - SEEN_SECONDS:
                self._local.popitem(last=False)
            if digest in self._local:
                return False
            self._local[digest] = now
            if len(self._local) > 100_000:
                self._local.popitem(last=False)
            return True


def guarded(app: WsgiApp, signing_secret: str, seen: SeenDeliveries) -> WsgiApp:
    """`app` behind the checks above; every request gets a request id for the logs."""
    if not signing_secret:
        raise ValueError("HTTP mode needs SLACK_SIGNING_SECRET: requests are always verified")
    verifier = SignatureVerifier(signing_secret)

    def guard(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request_id.set(_request_id(environ))
        try:
            body = _admit(environ, verifier, seen)
        except Refused as refused:
            REQUESTS_REFUSED.labels(refused.reason.split(":")[0]).inc()
            log.warning("refused a request: %s %s", refused.status, refused.reason)
            return _plain(start_response, refused.status, refused.reason)
        if body is None:
            return _plain(start_response, "200 OK", "")
        body = _bolt_safe(body, environ, verifier)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return app(environ, start_response)

    return guard


def _admit(
    environ: dict[str, Any], verifier: SignatureVerifier, seen: SeenDeliveries
) -> bytes | None:
    """The body of a request to let in, None for a retry already handled, or Refused."""
    if environ.get("REQUEST_METHOD") != "POST":
        raise Refused("405 Method Not Allowed", "method: only POST is accepted")
    content_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type not in CONTENT_TYPES:
        raise Refused("415 Unsupported Media Type", "content type: send a form or JSON")
    length = environ.get("CONTENT_LENGTH") or ""
    if not (length.isascii() and length.isdigit()):
        raise Refused("411 Length Required", "length: Content-Length is required")
    if int(length) > MAX_BODY:
        raise Refused("413 Content Too Large", f"size: the body is over {MAX_BODY} bytes")
    body: bytes = environ["wsgi.input"].read(int(length))
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused("400 Bad Request", "malformed: the body is not UTF-8") from None
    stamp = str(environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", ""))
    if not (stamp.isascii() and stamp.isdigit()) or not verifier.is_valid(
        body=body, timestamp=stamp, signature=environ.get("HTTP_X_SLACK_SIGNATURE", "")
    ):
        raise Refused("401 Unauthorized", "signature: missing, wrong or older than 5 minutes")
    identity = delivery_identity(body, content_type)
    if identity is None or seen.first(identity):
        return body
    if environ.get("HTTP_X_SLACK_RETRY_NUM"):
        log.info("Slack retried a delivery already handled; nothing run again")
        return None
    raise Refused("409 Conflict", "replay: this request was already handled")


def _bolt_safe(body: bytes, environ: dict[str, Any], verifier: SignatureVerifier) -> bytes:
    """A form body Bolt reads as it is meant.

    Bolt takes any form body containing the word `payload` for an interaction and, finding no
    `payload` field, reads nothing: `/smallcaps payload` would go unanswered. Such a body (already
    verified) has the word's `p` percent-encoded, which parses to the same fields, and is signed
    again for Bolt's own check.
    """
    if b"payload" not in body or body.startswith(b"payload=") or b"&payload=" in body:
        return body
    if environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower() != CONTENT_TYPES[0]:
        return body
    safe = body.replace(b"payload", b"%70ayload")
    stamp = environ["HTTP_X_SLACK_REQUEST_TIMESTAMP"]
    environ["HTTP_X_SLACK_SIGNATURE"] = verifier.generate_signature(timestamp=stamp, body=safe)
    return safe


def delivery_identity(body: bytes, content_type: str) -> str | None:
    """What Slack calls this delivery; None for a URL check. Refused (400) when unparsable."""
    try:
        text = body.decode("utf-8")
        if content_type == "application/json":
            data = json.loads(text)
        else:
            form = parse_qs(text, strict_parsing=True, max_num_fields=64, errors="strict")
            data = json.loads(form["payload"][0]) if "payload" in form else form
    except (UnicodeDecodeError, ValueError, KeyError, IndexError):
        raise Refused("400 Bad Request", "malformed: the body does not parse") from None
    if not isinstance(data, dict):
        raise Refused("400 Bad Request", "malformed: the body is not an object")
    if data.get("type") in READ_ONLY:
        return None
    for field in ("event_id", "trigger_id"):
        value = data.get(field)
        value = value[0] if isinstance(value, list) and value else value
        if isinstance(value, str) and value:
            return f"{field}:{value}"
    return "body:" + hashlib.sha256(body).hexdigest()


def _request_id(environ: dict[str, Any]) -> str:
    """The load balancer's request id when it sends a sane one (Heroku's X-Request-Id)."""
    given = str(environ.get("HTTP_X_REQUEST_ID", ""))
    if 8 <= len(given) <= 64 and all(c.isalnum() or c in "-_" for c in given):
        return given
    return new_request_id()


def _plain(start_response: StartResponse, status: str, text: str) -> list[bytes]:
    payload = text.encode()
    start_response(
        status,
        [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(payload)))],
    )
    return [payload]
